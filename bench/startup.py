"""How long `catalyst-bot scan` of one item takes, as a user types it: with the universe cached
and without; in the same run, a bare interpreter start as the floor and, with --compare, another
checkout of the bot (an older commit, say) for the ratio."""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ITEM = '{"id": "1", "title": "Alibaba shares jump 8% after Nvidia wins an H20 export licence"}\n'


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one run of ``argv``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run(argv, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def best(argv: list[str], env: dict[str, str], cwd: Path, runs: int, before_each=None) -> tuple[float, float]:
    """The best wall and CPU time of ``runs`` runs (the least disturbed by other work)."""
    results = []
    for _ in range(runs):
        if before_each:
            before_each()
        results.append(timed(argv, env, cwd))
    return min(r[0] for r in results), min(r[1] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--compare", type=Path, help="another checkout of the bot to time beside this one")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="catalyst-bot-startup-"))
    item = work / "item.jsonl"
    item.write_text(ITEM, encoding="utf-8")
    cache = work / "cache"
    # Bytecode as an installed package has it (pip and the Dockerfile compile it): written on the
    # first run into a folder of the bench's own, read by the others.
    env = {
        **os.environ, "CATALYST_BOT_DATA_DIR": str(work / "data"), "CATALYST_BOT_CACHE_DIR": str(cache),
        "PYTHONPYCACHEPREFIX": str(work / "bytecode"),
    }
    for name in ("CATALYST_BOT_CONFIG", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    scan = [sys.executable, "-m", "bot", "scan", str(item)]

    def clear_cache() -> None:
        for stored in cache.glob("*"):
            stored.unlink()

    rows = [("interpreter start (floor)", best([sys.executable, "-c", "pass"], env, REPO, args.runs))]
    rows.append(("scan, universe not cached", best(scan, env, REPO, args.runs, clear_cache)))
    rows.append(("scan, universe cached", best(scan, env, REPO, args.runs)))
    if args.compare:
        other = {**env, "PYTHONPATH": str(args.compare.resolve())}
        rows.append((f"scan in {args.compare}", best(scan, other, args.compare, args.runs)))
    floor = rows[0][1][1]
    print(f"best of {args.runs} runs; load average {os.getloadavg()[0]:.1f}")
    for label, (wall, cpu) in rows:
        print(f"{label:<40} wall {wall:5.2f} s  CPU {cpu:5.2f} s  ({cpu / floor:4.1f}x the floor's CPU)")
    if args.compare:
        print(f"cached scan / {args.compare} scan: {rows[2][1][1] / rows[-1][1][1]:.2f} of its CPU time")


if __name__ == "__main__":
    main()

"""Opening the exam database: what the integrity check costs a command at start.

Generates (or reuses, ``--keep DIR``) the database of benchmarks/scale.py (100,000 images,
10,000 jobs), then times :func:`vxacq.db.open_database` as the window and ``vxacq serve`` open
it (every page checked, ``full_check=True``) and as a short command does after a recent full
check (the schema only, :mod:`vxacq.db.integrity`), and ``PRAGMA quick_check`` alone. Prints
the median and the fastest of each, in milliseconds.

    python benchmarks/db_open.py [--images 100000] [--jobs 10000] [--runs 9] [--keep DIR]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from scale import add_database_arguments, generated_database

from vxacq.db import open_database


def timed(call: Callable[[], object], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times)


def quick_check(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    add_database_arguments(parser, runs=9)
    args = parser.parse_args()
    with generated_database(args) as path:
        print(f"{path}: {path.stat().st_size / 1e6:.0f} MB")
        cases: list[tuple[str, Callable[[], object]]] = [
            ("PRAGMA quick_check alone", lambda: quick_check(path)),
            ("open, every page checked (window, serve)",
             lambda: open_database(path, full_check=True).close()),
            ("open, short command after a full check",
             lambda: open_database(path).close()),
        ]
        print(f"{'what':<45} {'median':>8} {'fastest':>8}  (ms)")
        for name, call in cases:
            median, fastest = timed(call, args.runs)
            print(f"{name:<45} {median:8.1f} {fastest:8.1f}")


if __name__ == "__main__":
    main()

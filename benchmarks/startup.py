"""Start-up time of the console to its main window, one figure per line.

Starts ``vxacq demo --dir <tmp>`` under ``xvfb-run -a`` and times it from the process start to
the "main window shown" line the console logs once its event loop runs
(``<tmp>/data/logs/vxacq.log``). The bundle ``dist/vxacq/vxacq`` from ``make dist`` is used when
it exists, else the venv's ``vxacq``; ``--app PATH`` names another. The first launch on a fresh
folder also calibrates the simulated detector and is reported apart; the later launches reuse
the folder. The demo's loopback ports 11119-11122 are fixed: run one at a time.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHOWN = "main window shown"
TIMEOUT = 180.0


def default_app() -> tuple[list[str], str]:
    bundle = ROOT / "dist" / "vxacq" / "vxacq"
    if bundle.exists():
        return [str(bundle)], "bundle"
    return [str(Path(sys.executable).with_name("vxacq"))], "venv"


def launch_seconds(app: list[str], folder: Path) -> float:
    """Seconds from starting the demo to its main window; the demo is stopped afterwards."""
    log = folder / "data" / "logs" / "vxacq.log"
    seen = log.read_text(encoding="utf-8").count(SHOWN) if log.exists() else 0
    start = time.perf_counter()
    proc = subprocess.Popen(
        ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", *app, "demo", "--dir", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        env={k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"},
    )
    try:
        while time.perf_counter() - start < TIMEOUT:
            if log.exists() and log.read_text(encoding="utf-8").count(SHOWN) > seen:
                return time.perf_counter() - start
            if proc.poll() is not None:
                raise SystemExit(f"the demo exited with {proc.returncode} before its window showed")
            time.sleep(0.05)
        raise SystemExit(f"no '{SHOWN}' in {log} within {TIMEOUT:.0f} s")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the demo, xvfb-run and its Xvfb
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", help="the vxacq executable (default: the bundle, else the venv's)")
    parser.add_argument("--runs", type=int, default=3, help="launches after the first")
    args = parser.parse_args()
    app, kind = ([args.app], "app") if args.app else default_app()
    with tempfile.TemporaryDirectory(prefix="vxacq-startup-") as tmp:
        folder = Path(tmp)
        print(f"startup_{kind}_first_launch_with_calibration_s {launch_seconds(app, folder):.2f}")
        times = [launch_seconds(app, folder) for _ in range(args.runs)]
    print(f"startup_{kind}_to_main_window_s " + " ".join(f"{t:.2f}" for t in times))
    print(f"startup_{kind}_to_main_window_median_s {statistics.median(times):.2f}")


if __name__ == "__main__":
    main()

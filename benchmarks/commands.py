"""Command start-up: ``vxacq --version`` and ``vxacq echo NODE`` as whole processes.

Runs the real ``vxacq`` executable (the venv's, or ``--app``) as a subprocess, each run paired
with the DCMTK command that does the same (``echoscu --version``, ``echoscu`` to the same
node), one after the other, so a busy machine slows both of a pair alike. The node is DCMTK
``storescp`` on a free loopback port (tests/peers.py). Prints the medians in milliseconds, the
median of the pairs' ratios, and the goal beside each figure; also the processes' CPU time
(user + system), which other work on a shared machine stretches far less than the wall time.
Run it under ``nice -n -10`` (as root) to keep other work from stretching single runs.

The vxacq package's bytecode is compiled first (``compileall``), as an installed package
(the wheel, the .deb, the bundle) has it: with PYTHONDONTWRITEBYTECODE set and no
``__pycache__``, every run of a source checkout would compile its modules again
(about 100 ms of CPU for ``vxacq echo``), which no installed console does.

    PYTHONPATH=.:tests python benchmarks/commands.py [--runs 5] [--app PATH]
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import peers

ROOT = Path(__file__).resolve().parents[1]
GOAL_S = 0.3  # issue 20: a command answers within 0.3 s, whole process


CPU_SECONDS: dict[str, list[float]] = {}  # command name -> CPU time of each counted run


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def seconds(command: list[str]) -> float:
    """Wall seconds of one run; its CPU seconds go to CPU_SECONDS."""
    cpu = cpu_of_children()
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    CPU_SECONDS.setdefault(" ".join(command), []).append(cpu_of_children() - cpu)
    return wall


def paired(ours: list[str], theirs: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Both commands timed ``runs`` times, in turns, after one warm-up of each."""
    seconds(ours), seconds(theirs)
    CPU_SECONDS.clear()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        times[0].append(seconds(ours))
        times[1].append(seconds(theirs))
    return times


def report(name: str, ours: list[float], theirs: list[float], dcmtk: str) -> None:
    cpu = [statistics.median(values) for values in CPU_SECONDS.values()]
    median = statistics.median(ours)
    ratio = statistics.median(a / b for a, b in zip(ours, theirs))
    verdict = "met" if median < GOAL_S else "NOT met"
    print(f"{name}_ms {median * 1000:.0f} (goal < {GOAL_S * 1000:.0f}; {verdict}; "
          f"min {min(ours) * 1000:.0f} max {max(ours) * 1000:.0f})")
    print(f"{name}_cpu_ms {cpu[0] * 1000:.0f} (user + system)")
    print(f"{name}_{dcmtk}_ms {statistics.median(theirs) * 1000:.0f} "
          f"(cpu {cpu[1] * 1000:.0f})")
    print(f"{name}_ratio_vs_{dcmtk} {ratio:.1f} (median of {len(ours)} pairs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--app", default=str(Path(sys.executable).with_name("vxacq")),
                        help="the vxacq executable (default: the venv's)")
    args = parser.parse_args()
    compileall.compile_dir(ROOT / "vxacq", quiet=1)  # as installed (see the docstring)
    print(f"# {args.runs} pairs, niceness {os.nice(0)}, {os.cpu_count()} cpus, "
          f"load {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="vxacq-commands-") as tmp, \
            peers.start_storescp(Path(tmp), "ARCHIVE") as scp:
        config = Path(tmp) / "vxacq.toml"
        config.write_text(f'[station]\ndata_dir = "{Path(tmp) / "data"}"\n\n'
                          f'[[node]]\nname = "archive"\nae_title = "ARCHIVE"\n'
                          f'host = "127.0.0.1"\nport = {scp.port}\nservices = ["store"]\n')
        ours, theirs = paired([args.app, "--version"], ["echoscu", "--version"], args.runs)
        report("cli_version", ours, theirs, "echoscu")
        ours, theirs = paired([args.app, "echo", "archive", "--config", str(config)],
                              ["echoscu", "-aec", "ARCHIVE", "127.0.0.1", str(scp.port)],
                              args.runs)
        report("cli_echo", ours, theirs, "echoscu")
        echo_cpu = statistics.median(next(iter(CPU_SECONDS.values())))
        # pynetdicom as any program imports it: pydicom imports numpy and its pixel codecs,
        # gdcm among them, whenever it is imported
        plain, _ = paired([sys.executable, "-c", "import pynetdicom"],
                          ["echoscu", "--version"], args.runs)
        plain_cpu = statistics.median(next(iter(CPU_SECONDS.values())))
        print(f"python_import_pynetdicom_ms {statistics.median(plain) * 1000:.0f} "
              f"(cpu {plain_cpu * 1000:.0f}; with pydicom's pixel codecs)")
        # The floor under `vxacq echo`: importing pynetdicom with the codecs kept out, as
        # `vxacq echo` does (vxacq.dicom.no_pixels)
        floor, _ = paired([sys.executable, "-c", "from vxacq.dicom.no_pixels import "
                           "keep_pixel_codecs_out; keep_pixel_codecs_out(); import pynetdicom"],
                          ["echoscu", "--version"], args.runs)
        floor_cpu = statistics.median(next(iter(CPU_SECONDS.values())))
        print(f"python_import_pynetdicom_no_pixels_ms {statistics.median(floor) * 1000:.0f} "
              f"(cpu {floor_cpu * 1000:.0f}; the floor under cli_echo)")
        # what is ours: the command line, the configuration, logging and the association
        print(f"cli_echo_cpu_over_floor_ms {(echo_cpu - floor_cpu) * 1000:.0f}")


if __name__ == "__main__":
    main()

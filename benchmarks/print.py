"""Time to print a full-size DX image (3072×3072, 14 bits, windowed) on DCMTK dcmprscp at 12
bits, and the part of it spent rendering the film image; one figure per line (median of a few
runs, milliseconds)."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "net"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import test_print as tp  # noqa: E402  (its printer (tests/peers.py) and node configuration)
from small_images import write_dx  # noqa: E402

from pydicom import dcmread  # noqa: E402

from vxacq.dicom.printing import presentation_pixels  # noqa: E402
from vxacq.net import printing  # noqa: E402

SIZE, RUNS = 3072, 3


def median_ms(fn) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        path = tmp_path / "dx.dcm"
        pixels = np.random.default_rng(0).integers(0, 1 << 14, (SIZE, SIZE), dtype=np.uint16)
        write_dx(path, pixels, window=(8000, 12000))
        ds = dcmread(path)
        print(f"print_render_{SIZE}_ms {median_ms(lambda: presentation_pixels(ds, 12)):.0f}")
        with tp.start_printer(tmp_path) as scp:
            config = tp.make_config(tmp_path, scp.port)
            node = config.node("printer")
            ms = median_ms(lambda: printing.print_images(config, node, [str(path)]))
            print(f"print_{SIZE}_12bit_dcmprscp_ms {ms:.0f}")


if __name__ == "__main__":
    main()

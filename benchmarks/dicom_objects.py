"""Time to build and write a full-size DX For Presentation image (3072×3072, 14 bits) and its
lossless encodings; prints one figure per line (median of a few runs, milliseconds) and the
compressed size as a percentage of the native pixel data."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "dicom"))
import samples as s  # noqa: E402

from vxacq.dicom import part10  # noqa: E402
from vxacq.dicom.dx import DXImage  # noqa: E402

SIZE, RUNS = 3072, 3


def image():
    # A smooth radiograph-like field plus noise: compresses like a real image, not like noise.
    y, x = np.mgrid[0:SIZE, 0:SIZE]
    field = 6000 + 4000 * np.sin(x / 300.0) * np.cos(y / 450.0)
    noise = np.random.default_rng(0).normal(0, 40, (SIZE, SIZE))
    pixels = np.clip(field + noise, 0, (1 << 14) - 1).astype(np.uint16)
    return s.image(bits=14, rows=SIZE, cols=SIZE, pixel_array=pixels)


def median_ms(fn, runs=RUNS):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    img = image()

    def build():
        return DXImage(patient=s.patient(), study=s.study(), series=s.series(), equipment=s.equipment(),
                       detector=s.detector(), exposure=s.exposure(), image=img, body_part="CHEST",
                       view="PA", ImageLaterality="U", native_orientation=("L", "F"))

    print(f"dx_{SIZE}_build_ms {median_ms(build):.0f}")
    ds = build()
    native = SIZE * SIZE * 2
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("explicit", "rle", "jpeg2000-lossless"):
            path = Path(tmp) / f"{name}.dcm"
            runs = 1 if name == "jpeg2000-lossless" else RUNS
            print(f"dx_{SIZE}_write_{name.replace('-', '_')}_ms {median_ms(lambda: part10.write(path, ds, name), runs):.0f}")
            print(f"dx_{SIZE}_{name.replace('-', '_')}_size_pct {100 * path.stat().st_size / native:.0f}")
            print(f"dx_{SIZE}_read_{name.replace('-', '_')}_ms "
                  f"{median_ms(lambda: part10.pixels(part10.read(path)), runs):.0f}")


if __name__ == "__main__":
    main()

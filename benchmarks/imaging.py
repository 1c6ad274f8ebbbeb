"""Image chain speed and memory on full-size frames, one figure per line.

For a 3072×3072 (DR4343) and a 4096×4096 panel (the same 43 cm panel read out at 105 µm):
median and 95th percentile of every stage of ``process_frame`` and of the whole chain, the
preview path (binned to ≤ 1024 px), and the peak memory the chain allocates (tracemalloc,
numpy arrays included). Frames come from the simulator: a collimated, slightly rotated chest.
Run: ``python benchmarks/imaging.py`` (or ``make bench``); ``--runs N`` to change the count.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hardware_sim import physics  # noqa: E402
from hardware_sim.detector_models import DR4343  # noqa: E402
from vxacq.imaging.calibration import build_calibration  # noqa: E402
from vxacq.imaging.chain import process_frame  # noqa: E402
from vxacq.imaging.params import load_presets  # noqa: E402

STAGES = ("correction", "decimate", "collimation", "segmentation", "exposure", "processing",
          "presentation")


def p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


def bench(model, label: str, runs: int) -> None:
    calibration = build_calibration([physics.dark_frame(model, seed=1).pixels],
                                    [physics.flat_field(model, 20.0, seed=2).pixels], 20.0,
                                    model.name)
    mas = physics.mas_for_kerma(model, 110, 25.0, 1800, True)
    raw = physics.render_frame(model, "chest", 110, mas, 1800, field=physics.Field(380, 400, (0, 0), 3),
                               seed=3).pixels
    params = load_presets().for_protocol("CHEST_PA")
    options = dict(pixel_spacing_mm=model.pixel_pitch_mm, ei_target=250.0, marker="L")
    process_frame(raw, calibration, params, **options)  # warm-up: defect fill, caches
    timings: dict[str, list[float]] = {stage: [] for stage in (*STAGES, "total")}
    for _ in range(runs):
        result = process_frame(raw, calibration, params, **options)
        for stage in timings:
            timings[stage].append(result.timings_ms[stage])
    for stage in STAGES:
        print(f"{stage}_{label}_p50_ms {statistics.median(timings[stage]):.1f}")
        print(f"{stage}_{label}_p95_ms {p95(timings[stage]):.1f}")
    print(f"chain_{label}_p50_ms {statistics.median(timings['total']):.0f}")
    print(f"chain_{label}_p95_ms {p95(timings['total']):.0f}")

    previews = [process_frame(raw, calibration, params, preview=True, **options).timings_ms["total"]
                for _ in range(runs)]
    print(f"preview_{label}_p50_ms {statistics.median(previews):.0f}")
    print(f"preview_{label}_p95_ms {p95(previews):.0f}")

    tracemalloc.start()
    process_frame(raw, calibration, params, **options)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"chain_{label}_peak_mb {peak / 2**20:.0f}")
    print(f"frame_{label}_mb {raw.nbytes / 2**20:.0f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    bench(DR4343, "3072", args.runs)
    bench(DR4343.reduced(4096, 4096, name="DR4343-4096"), "4096", max(args.runs * 2 // 3, 1))

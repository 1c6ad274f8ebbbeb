"""Long-length imaging on full-size fields, one figure per line.

For the whole spine (3 fields) and both legs (4 fields) on the 3072×3072 panel (DR4343,
139 µm), the fields rendered by the simulator with the lead ruler and reported by a positioner
a few millimetres off: the time from the last field's raw frame to the stitched For
Presentation image (correction of every field, registration, blending, one pass of the chain;
median of the runs; goal under 3 s for three fields), the peak memory of that, and the seam
accuracy against the simulator's truth: the length between the ruler's first and last marks
against the ruler's true length (goal within 1 mm) and the largest deviation of a mark from
the straight line through all of them (a step at a seam shows there).
Run: ``python benchmarks/stitching.py`` (or ``make bench``); ``--runs N`` to change the count.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from hardware_sim import physics  # noqa: E402
from hardware_sim.detector_models import DR4343  # noqa: E402
from hardware_sim.phantoms import RULER_STEP_MM, long_field  # noqa: E402
from sim.ruler import mark_positions_mm, ruler_column  # noqa: E402
from vxacq.imaging.calibration import build_calibration  # noqa: E402
from vxacq.imaging.chain import process_kerma  # noqa: E402
from vxacq.imaging.corrections import correct  # noqa: E402
from vxacq.imaging.params import load_presets  # noqa: E402
from vxacq.imaging.stitching import FieldImage, stitch  # noqa: E402
from vxacq.protocols import get  # noqa: E402

GOAL_S = 3.0
GOAL_MM = 1.0


def bench(protocol_id: str, runs: int) -> None:
    protocol = get(protocol_id)
    model = DR4343
    spacing = model.pixel_pitch_mm
    calibration = build_calibration([physics.dark_frame(model, seed=1).pixels],
                                    [physics.flat_field(model, 20.0, seed=2).pixels], 20.0,
                                    model.name)
    errors = random.Random(5)
    raws = []
    for number, stand in enumerate(protocol.stand_positions_mm()):
        frame = physics.render_frame(model, long_field(protocol.phantom, stand, with_ruler=True),
                                     protocol.kv, protocol.mas, protocol.sid_mm, grid=protocol.grid,
                                     field=physics.Field(*protocol.field_mm), seed=10 + number)
        raws.append((frame.pixels, stand + errors.uniform(-4, 4)))
    params = load_presets().for_protocol(protocol.id)

    timings: dict[str, float] = {}

    def make():
        started = time.perf_counter()
        fields = [FieldImage(correct(pixels, calibration), position) for pixels, position in raws]
        corrected = time.perf_counter()
        joined = stitch(fields, spacing, linear=True)
        stitched = time.perf_counter()
        processed = process_kerma(joined.pixels.copy(), calibration.created, params,
                                  pixel_spacing_mm=spacing, ei_target=protocol.target_ei)
        timings.update(correct=corrected - started, stitch=stitched - corrected,
                       chain=time.perf_counter() - stitched)
        return joined, processed

    make()  # warm-up: defect fill
    times = []
    stages: dict[str, list[float]] = {"correct": [], "stitch": [], "chain": []}
    for _ in range(runs):
        started = time.perf_counter()
        joined, processed = make()
        times.append(time.perf_counter() - started)
        for stage, seconds in timings.items():
            stages[stage].append(seconds)
    tracemalloc.start()
    make()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    label = f"{protocol.id}_{protocol.field_count}x3072"
    print(f"stitched_image_{label}_p50_s {statistics.median(times):.2f} (goal < {GOAL_S:g})")
    for stage, values in stages.items():
        print(f"stitched_image_{label}_{stage}_p50_s {statistics.median(values):.2f}")
    print(f"stitched_image_{label}_peak_mb {peak / 2**20:.0f}")
    print(f"stitched_image_{label}_size {processed.pixels.shape[1]}x{processed.pixels.shape[0]}")
    attenuation = -np.log(np.maximum(joined.pixels, 1e-6))  # the marks as peaks
    marks = mark_positions_mm(attenuation, spacing,
                              ruler_column(model.width_mm, spacing, joined.origins[0][1]))
    true_length = (len(marks) - 1) * RULER_STEP_MM
    fit = np.polyval(np.polyfit(np.arange(len(marks)), marks, 1), np.arange(len(marks)))
    print(f"ruler_{label}_length_error_mm {abs(marks[-1] - marks[0] - true_length):.2f} over "
          f"{true_length:.0f} mm (goal < {GOAL_MM:g})")
    print(f"ruler_{label}_largest_mark_deviation_mm {np.abs(marks - fit).max():.2f}")
    print(f"ruler_{label}_marks {len(marks)}")
    for seam in joined.seams:
        print(f"seam_{label}_{seam.index + 1}_positioner_corrected_mm {seam.correction_mm:+.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    bench("SPINE_FULL_AP", args.runs)
    bench("LEG_LONG_AP", max(args.runs - 2, 1))

"""Render time of simulator frames (median of 5 after one warm-up), one figure per line."""

import statistics
import time

from hardware_sim import physics


def median_ms(fn, runs: int = 5) -> float:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


if __name__ == "__main__":
    print(f"sim_chest_3072_p50_ms {median_ms(lambda: physics.render_frame('DR4343', 'chest', 120, 2, 1800)):.0f}")
    print(f"sim_open_3072_p50_ms {median_ms(lambda: physics.render_frame('DR4343', None, 70, 0.1, 1800)):.0f}")
    print(f"sim_breast_mg2430_p50_ms {median_ms(lambda: physics.render_frame('MG2430', 'breast', 28, 60, 650)):.0f}")
    print(f"sim_flat_3072_p50_ms {median_ms(lambda: physics.flat_field('DR4343', 2.5)):.0f}")

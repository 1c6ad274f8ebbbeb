"""Block means: the small image that field detection, segmentation and statistics work on."""

from __future__ import annotations

import math

import numpy as np


def factor_for(shape: tuple[int, ...], target: int = 512) -> int:
    """Smallest whole factor that brings the larger side to at most ``target`` pixels."""
    return max(1, math.ceil(max(shape[:2]) / target))


def block_mean(image: np.ndarray, factor: int) -> np.ndarray:
    """Mean of each ``factor``×``factor`` block (trailing partial blocks dropped), float32.

    Rows first — adding whole strided rows reads memory in order — then columns on the
    ``factor``-times smaller result: much faster than reshape-and-mean on large frames.
    """
    if factor == 1:
        return image.astype(np.float32, copy=True)
    rows, cols = image.shape[0] // factor * factor, image.shape[1] // factor * factor
    acc = image[0:rows:factor, :cols].astype(np.float32)
    for d in range(1, factor):
        acc += image[d:rows:factor, :cols]
    out = acc[:, 0::factor].copy()
    for d in range(1, factor):
        out += acc[:, d::factor]
    out *= np.float32(1.0 / (factor * factor))
    return out

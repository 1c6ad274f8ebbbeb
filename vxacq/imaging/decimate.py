"""Block means: the small image that field detection, segmentation and statistics work on."""

from __future__ import annotations

import math

import numpy as np


def factor_for(shape: tuple[int, ...], target: int = 512) -> int:
    """Smallest whole factor that brings the larger side to at most ``target`` pixels."""
    return max(1, math.ceil(max(shape[:2]) / target))


def block_mean(image: np.ndarray, factor: int) -> np.ndarray:
    """Mean of each ``factor``×``factor`` block (trailing partial blocks dropped), float32.

    Summing strided slices touches each pixel once and is much faster than reshape-and-mean.
    """
    if factor == 1:
        return image.astype(np.float32, copy=True)
    rows, cols = image.shape[0] // factor, image.shape[1] // factor
    out = np.zeros((rows, cols), np.float32)
    for dr in range(factor):
        band = image[dr: rows * factor: factor]
        for dc in range(factor):
            out += band[:, dc: cols * factor: factor]
    out *= np.float32(1.0 / (factor * factor))
    return out

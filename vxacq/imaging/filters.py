"""Linear filters and interpolation on images: box and Gaussian smoothing, Sobel gradients, a
running median, bilinear resampling and bilinear samples at points.

numpy only, so that scipy (its own OpenBLAS and Fortran runtime, ~35 MB of the bundle) is not
needed for the few filters the image chain runs (on small images or a few thousand points) and
the simulator's smoothing. Each gives what the ``scipy.ndimage`` function of the same purpose
gives with the arguments they used — edges mirrored about the outer pixel edge (scipy's
"reflect"), sums in float64, the input's float type out — within float rounding:
tests/imaging/test_filters.py checks them against scipy.ndimage on representative images,
tests/imaging/test_without_scipy.py the chain's and the simulator's results.
"""

from __future__ import annotations

import math

import numpy as np


# Beyond the edges: the image mirrored about its outer pixel edge (scipy's "reflect"), or zero
# (scipy's "constant": what spreads out of the image is lost).
EDGES = {"mirror": "symmetric", "zero": "constant"}


def _correlate1d(image: np.ndarray, weights: np.ndarray, axis: int,
                 edges: str = "mirror") -> np.ndarray:
    """``out[i] = Σ_k weights[k] · image[i + k − r]`` along ``axis`` (r = len(weights) // 2);
    float64 sums, ``image``'s dtype out."""
    radius = len(weights) // 2
    pad = [(0, 0)] * image.ndim
    pad[axis] = (radius, radius)
    padded = np.pad(image.astype(np.float64), pad, mode=EDGES[edges])
    n = image.shape[axis]
    out = np.zeros(image.shape, np.float64)
    for k, w in enumerate(weights):
        if w:
            out += w * padded[(slice(None),) * axis + (slice(k, k + n),)]
    return out.astype(image.dtype)


def _separable(image: np.ndarray, weights: np.ndarray, edges: str = "mirror") -> np.ndarray:
    out = np.asarray(image)
    if not np.issubdtype(out.dtype, np.floating):
        out = out.astype(np.float64)
    for axis in range(out.ndim):
        out = _correlate1d(out, weights, axis, edges)
    return out


def uniform_filter(image: np.ndarray, size: int) -> np.ndarray:
    """Mean over a ``size``×``size`` box (odd ``size``) around each pixel."""
    return _separable(image, np.full(size, 1.0 / size))


def gaussian_kernel(sigma: float) -> np.ndarray:
    """Normalised Gaussian weights out to 4 σ (scipy.ndimage's truncation)."""
    radius = int(4.0 * sigma + 0.5)
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    weights = np.exp(-0.5 * (x / sigma) ** 2)
    return weights / weights.sum()


def gaussian_filter(image: np.ndarray, sigma: float, edges: str = "mirror") -> np.ndarray:
    """Gaussian smoothing with standard deviation ``sigma`` pixels along both axes; beyond the
    edges the image is mirrored, or zero (``edges="zero"``)."""
    return _separable(image, gaussian_kernel(sigma), edges)


def sobel(image: np.ndarray, axis: int) -> np.ndarray:
    """Sobel derivative along ``axis`` (the difference of the next and previous pixel,
    smoothed 1-2-1 across)."""
    image = np.asarray(image)
    out = _correlate1d(image, np.array([-1.0, 0.0, 1.0]), axis)
    return _correlate1d(out, np.array([1.0, 2.0, 1.0]), 1 - axis)


def running_median(line: np.ndarray, size: int) -> np.ndarray:
    """Median of the ``size`` (odd) values around each value of ``line``, the ends repeated."""
    padded = np.pad(np.asarray(line), size // 2, mode="edge")
    return np.median(np.lib.stride_tricks.sliding_window_view(padded, size), axis=-1)


def resize_linear(image: np.ndarray, shape: tuple[int, int], corners: bool = False
                  ) -> np.ndarray:
    """``image`` resampled to ``shape`` by bilinear interpolation. Pixels as areas: output
    pixel centres map to ``(i + ½) · n_in / n_out − ½`` (beyond the outer pixel centres the
    edge value holds); with ``corners``, the outer pixel centres of input and output coincide:
    ``i · (n_in − 1) / (n_out − 1)``."""
    out = np.asarray(image, np.float64)
    for axis, n_out in enumerate(shape):
        n_in = out.shape[axis]
        if corners:
            position = np.arange(n_out) * ((n_in - 1) / max(n_out - 1, 1))
        else:
            position = (np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5
        position = np.clip(position, 0, n_in - 1)
        lower = np.minimum(np.floor(position).astype(np.intp), max(n_in - 2, 0))
        upper = np.minimum(lower + 1, n_in - 1)
        fraction = position - lower
        shape_w = [1] * out.ndim
        shape_w[axis] = n_out
        fraction = fraction.reshape(shape_w)
        out = (np.take(out, lower, axis=axis) * (1 - fraction)
               + np.take(out, upper, axis=axis) * fraction)
    return out.astype(np.asarray(image).dtype)


def sample_bilinear(image: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Values of ``image`` at the points (``rows[i]``, ``cols[i]``) by bilinear interpolation;
    NaN at a point outside the outer pixel centres."""
    rows, cols = np.asarray(rows, np.float64), np.asarray(cols, np.float64)
    height, width = image.shape
    inside = (rows >= 0) & (rows <= height - 1) & (cols >= 0) & (cols <= width - 1)
    r = np.where(inside, rows, 0.0)
    c = np.where(inside, cols, 0.0)
    r0 = np.minimum(np.floor(r).astype(np.intp), max(height - 2, 0))
    c0 = np.minimum(np.floor(c).astype(np.intp), max(width - 2, 0))
    r1, c1 = np.minimum(r0 + 1, height - 1), np.minimum(c0 + 1, width - 1)
    fr, fc = r - r0, c - c0
    top = image[r0, c0] * (1 - fc) + image[r0, c1] * fc
    bottom = image[r1, c0] * (1 - fc) + image[r1, c1] * fc
    values = top * (1 - fr) + bottom * fr
    return np.where(inside, values, math.nan).astype(image.dtype)

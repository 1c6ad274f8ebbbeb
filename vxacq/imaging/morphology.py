"""Binary masks: erosion, dilation, connected parts, filled holes, nearest unmasked pixel.

numpy only, so that scipy (its own OpenBLAS and Fortran runtime, ~35 MB of the bundle) is not
needed for the few operations the image chain makes on its small block-mean masks. Each gives
what ``scipy.ndimage`` gives with its defaults — the cross-shaped structuring element
(4-connectivity) and nothing set outside the image — which tests/imaging/test_morphology.py
checks against scipy.ndimage on representative masks.
"""

from __future__ import annotations

import numpy as np


def erode(mask: np.ndarray, iterations: int = 1) -> np.ndarray:
    """Pixels whose four neighbours are set too, ``iterations`` times; outside counts as unset."""
    out = np.asarray(mask, bool)
    for _ in range(iterations):
        inner = out.copy()
        inner[1:] &= out[:-1]
        inner[:-1] &= out[1:]
        inner[:, 1:] &= out[:, :-1]
        inner[:, :-1] &= out[:, 1:]
        inner[[0, -1], :] = False
        inner[:, [0, -1]] = False
        out = inner
    return out


def dilate(mask: np.ndarray, iterations: int = 1) -> np.ndarray:
    """Pixels set or next to a set pixel (four neighbours), ``iterations`` times."""
    out = np.asarray(mask, bool)
    for _ in range(iterations):
        grown = out.copy()
        grown[1:] |= out[:-1]
        grown[:-1] |= out[1:]
        grown[:, 1:] |= out[:, :-1]
        grown[:, :-1] |= out[:, 1:]
        out = grown
    return out


def open_(mask: np.ndarray) -> np.ndarray:
    """Erosion then dilation: specks and one-pixel bridges go, larger shapes stay."""
    return dilate(erode(mask))


def label(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Connected parts of ``mask`` (4-connected): an int32 image of labels 1…n (0 outside the
    mask), numbered in the raster order of each part's first pixel, and each part's pixel count.

    Works on the runs of set pixels along the rows, not on the pixels: a run joins the runs of
    the row above whose columns overlap its own (union-find, all pairs at once: each round hooks
    every tree's root onto the smaller root of a pair that joins two trees, then flattens the
    trees), so a root is always its part's first run.
    """
    mask = np.asarray(mask, bool)
    cols = mask.shape[1]
    starts, ends = mask.copy(), mask.copy()
    starts[:, 1:] &= ~mask[:, :-1]
    ends[:, :-1] &= ~mask[:, 1:]
    first, last = np.flatnonzero(starts), np.flatnonzero(ends)  # of each run, raster order
    # The runs of the row above that overlap run j: ending at or after its start's column and
    # starting at or before its end's column (runs never cross rows).
    lo = np.searchsorted(last, first - cols, side="left")
    hi = np.searchsorted(first, last - cols, side="right")
    count = np.maximum(hi - lo, 0)
    below = np.repeat(np.arange(first.size), count)
    above = np.repeat(lo - np.cumsum(count) + count, count) + np.arange(count.sum())
    parent = np.arange(first.size)
    while below.size:
        ra, rb = parent[above], parent[below]
        split = ra != rb
        if not split.any():
            break
        above, below, ra, rb = above[split], below[split], ra[split], rb[split]
        parent[np.maximum(ra, rb)] = np.minimum(ra, rb)  # a root onto a smaller root: no cycle
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand
    _, run_label = np.unique(parent, return_inverse=True)
    run_label = run_label.reshape(-1).astype(np.int32) + 1
    # Each run's label from its first pixel to its last: steps up at starts, down after ends.
    steps = np.zeros(mask.size + 1, np.int32)
    steps[first] = run_label
    steps[last + 1] -= run_label
    labels = np.cumsum(steps[:-1], dtype=np.int32).reshape(mask.shape)
    sizes = np.bincount(run_label - 1, weights=last - first + 1).astype(np.intp)
    return labels, sizes


def fill_holes(mask: np.ndarray) -> np.ndarray:
    """``mask`` with every unset region that does not reach the image border set."""
    mask = np.asarray(mask, bool)
    labels, _ = label(~mask)
    outside = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    return mask | ((labels > 0) & ~np.isin(labels, outside))


def nearest_unset(mask: np.ndarray, rows: np.ndarray, cols: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """For each pixel (``rows[i]``, ``cols[i]``), the row and column of the nearest pixel
    (Euclidean) where ``mask`` is not set; a pixel with none in ``mask`` is its own answer.

    In two steps, as exact distance transforms do: per column, the nearest unset row above and
    below every pixel; then per asked pixel, the column whose nearest unset pixel is nearest.
    """
    height, width = mask.shape
    row = np.arange(height, dtype=np.float64)[:, None]
    above = np.maximum.accumulate(np.where(mask, -np.inf, row), axis=0)
    below = np.minimum.accumulate(np.where(mask, np.inf, row)[::-1], axis=0)[::-1]
    nearer_below = (below - row) < (row - above)
    column_row = np.where(nearer_below, below, above)  # ±inf where the column has none
    column_d2 = (column_row - row) ** 2
    out_r, out_c = rows.copy(), cols.copy()
    column = np.arange(width, dtype=np.float64)
    chunk = max(1, 2 ** 22 // max(width, 1))  # a few MB of distances at a time
    for start in range(0, rows.size, chunk):
        r, c = rows[start:start + chunk], cols[start:start + chunk]
        d2 = column_d2[r] + (column[None, :] - c[:, None]) ** 2
        best = np.argmin(d2, axis=1)
        found = np.isfinite(d2[np.arange(r.size), best])
        out_c[start:start + chunk] = np.where(found, best, c)
        out_r[start:start + chunk] = np.where(found, column_row[r, best], r).astype(rows.dtype)
    return out_r, out_c

"""Multiscale processing: from the kerma image to display values, written from the papers.

* Log transform and normalisation: ``v = −ln(K / K_VOI)`` — attenuation relative to the value of
  interest, so the image looks the same whatever the dose (bone is bright, MONOCHROME2).
* Range limiting: ``v`` is held between just below the raw-beam level and just above the
  darkest anatomy, so the collimated border and direct exposure do not throw large detail
  coefficients (overshoot, halos) into the anatomy next to them.
* Laplacian pyramid (Burt & Adelson) with a non-linear gain per detail coefficient:
  - contrast equalisation after Vuylsteke & Schoeters (MUSICA, 1994):
    ``y = M · sign(d) · (|d| / M)^p`` with ``p < 1``, which lifts subtle detail relative to strong
    detail, on the scales between the edge and latitude scales (on the finest scales it would
    mostly lift noise);
  - noise-resistant enhancement after Stahl et al. (1999): on the finest scales coefficients
    below a few noise standard deviations (estimated per level from the coefficients' MAD)
    are cored with ``d · d² / (d² + (kσ)²)`` before any gain, so noise is not amplified;
  - scale-dependent gains after Dippel et al. (2002): fine scales (below ``edge_scale_mm``)
    get the edge-enhancement gain, coarse scales (above ``latitude_scale_mm``) and the
    low-pass residual a gain below one — latitude (dynamic-range) compression.
* Mammography: the periphery of a compressed breast is thinner, hence darker; a share
  ``skin_equalisation`` of the drop of the coarse breast signal towards the skin line is added
  back so the skin line stays inside the window (peripheral equalisation).

No GPL code was read into this module; the formulas above are those of the papers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vxacq.imaging import pyramid
from vxacq.imaging.filters import gaussian_filter, resize_linear, uniform_filter
from vxacq.imaging.morphology import erode
from vxacq.imaging.params import ProcessingParams
from vxacq.imaging.presentation import tone_map
from vxacq.imaging.segmentation import Regions

HEADROOM = 0.4  # ln units kept beyond the anatomy range before limiting
WINDOW_SKIP_LEVELS = 2  # finest pyramid levels left out of the window statistics
STRIP_ROWS = 32  # rows of the full-resolution level made at a time: a few strips fit in cache


@dataclass
class Processed:
    """Stored pixel values (uint16, tone-mapped: larger = brighter) and the anatomy's range in
    the display domain they were mapped from."""

    pixels: np.ndarray
    low: float  # anatomy percentile (window_low_percentile)
    high: float  # anatomy percentile (window_high_percentile)


def attenuation(kerma: np.ndarray, voi_uGy: float, low: float, high: float) -> np.ndarray:
    """``−ln(K / K_VOI)`` held within [``low``, ``high``], in ``kerma``'s own buffer (float32).

    The limits are applied to K before the log (one pass instead of two).
    """
    v = np.clip(kerma, np.float32(voi_uGy * np.exp(-high)), np.float32(voi_uGy * np.exp(-low)),
                out=kerma)
    np.log(v, out=v)
    np.subtract(np.float32(np.log(voi_uGy)), v, out=v)
    return v


def process(kerma: np.ndarray, small: np.ndarray, regions: Regions, voi_uGy: float,
            pixel_spacing_mm: float, params: ProcessingParams) -> Processed:
    """Run the multiscale processing on a kerma image (µGy per pixel, float32, overwritten) and
    tone-map the result to ``params.bits_stored`` bits.

    The pyramid's full-resolution level is never held whole: once the coarser levels are
    shaped and the window is known, it is made, shaped, added back and tone-mapped strip by
    strip (:data:`STRIP_ROWS`), so its dozen passes run in cache instead of through memory.
    The values are those of shaping a whole level: every step is per pixel, in the same order.
    """
    voi = max(voi_uGy, 1e-6)
    anatomy = regions.anatomy if regions.has_anatomy else regions.field
    # The anatomy's range from lightly smoothed block means: single noisy pixels of dense,
    # low-dose regions (near or below zero kerma) must not set it.
    smoothed = uniform_filter(small, 3)[anatomy]
    anatomy_v = np.log(voi) - np.log(np.maximum(smoothed, voi * 1e-4))
    lo_limit = float(np.percentile(anatomy_v, 0.1)) - HEADROOM
    if regions.raw_level_uGy:
        lo_limit = min(lo_limit, float(np.log(voi / regions.raw_level_uGy)) - 0.05)
    hi_limit = float(np.percentile(anatomy_v, 99.9)) + HEADROOM
    v = attenuation(kerma, voi, lo_limit, hi_limit)

    levels = pyramid.levels_for(v.shape)
    half = pyramid.reduce2(v)
    coarser, residual = pyramid.build(half, levels - 1)  # levels 1, 2, …: details[i - 1]
    lift0 = None  # the periphery lift when it belongs to the full-resolution level
    if params.mammography and params.skin_equalisation > 0:
        lift0 = _equalise_periphery(v.shape, coarser, small, regions, voi,
                                    params.skin_equalisation)
    # Level 0's noise from the rows of it that its statistics sample.
    step = _sample_step(v.size)
    rows = np.arange(0, v.shape[0], step)
    sampled = v[rows] - pyramid.expand2_at(half, v.shape, rows)
    if lift0 is not None:
        sampled += lift0[rows]
    sigma0 = _noise_sigma(sampled, step)
    for i, d in enumerate(coarser, start=1):
        _shape(d, i, _noise_sigma(d), pixel_spacing_mm, params)
    # Compress about v = 0, the value of interest, so the anatomy's mid-tones stay put.
    residual *= np.float32(params.latitude)
    # The window comes from the image without its two finest levels, where most noise lives,
    # so a low-dose frame is windowed like a high-dose one.
    skip = min(WINDOW_SKIP_LEVELS, levels)
    coarse = pyramid.collapse(coarser[skip - 1:], residual)
    sample = _sample_reduced(coarse, 2 ** skip, regions.scale, small.shape)[anatomy]
    level1 = pyramid.collapse(coarser[:skip - 1], coarse)
    low, high = np.percentile(sample, [params.window_low_percentile, params.window_high_percentile])
    low, high = float(low), float(max(high, low + 1e-3))

    pixels = np.empty(v.shape, np.uint16)
    for start in range(0, v.shape[0], STRIP_ROWS):
        stop = min(start + STRIP_ROWS, v.shape[0])
        d = pyramid.expand2_rows(half, v.shape, start, stop)
        np.subtract(v[start:stop], d, out=d)
        if lift0 is not None:
            d += lift0[start:stop]
        _shape(d, 0, sigma0, pixel_spacing_mm, params)
        out = pyramid.expand2_rows(level1, v.shape, start, stop)
        out += d
        pixels[start:stop] = tone_map(out, low, high, params.bits_stored)
    return Processed(pixels, low, high)


def _shape(d: np.ndarray, level: int, sigma: float, pixel_spacing_mm: float,
           params: ProcessingParams) -> None:
    """Noise coring, contrast equalisation and the scale's gain on detail level ``level``."""
    scale_mm = pixel_spacing_mm * 2 ** (level + 1)
    if scale_mm <= 4 * params.edge_scale_mm and params.noise_suppression > 0:
        _core(d, params.noise_suppression * sigma)
    if params.edge_scale_mm < scale_mm < params.latitude_scale_mm:
        _musica(d, params.contrast_power, params.contrast_reference)
    gain = (params.edge_gain if scale_mm <= params.edge_scale_mm
            else params.latitude if scale_mm >= params.latitude_scale_mm else 1.0)
    if gain != 1.0:
        d *= np.float32(gain)


def _sample_step(size: int) -> int:
    """The stride of the coefficients a level's noise is estimated from (about 40,000)."""
    return max(1, int(np.sqrt(size / 40_000)))


def _noise_sigma(detail: np.ndarray, row_step: int = 0) -> float:
    """Robust noise σ of a detail level: 1.4826 × MAD of a strided sample of coefficients.
    ``row_step``: ``detail`` holds only every ``row_step``-th row of the level already."""
    step = row_step or _sample_step(detail.size)
    sample = detail[::1 if row_step else step, ::step]
    return float(1.4826 * np.median(np.abs(sample)))


def _core(d: np.ndarray, threshold: float) -> None:
    """Soft coring in place: d · d² / (d² + t²)."""
    if threshold <= 0:
        return
    sq = np.square(d)
    denom = sq + np.float32(threshold * threshold)
    np.divide(sq, denom, out=sq)
    d *= sq


def _musica(d: np.ndarray, power: float, reference: float) -> None:
    """MUSICA contrast equalisation in place: M · sign(d) · (|d| / M)^p."""
    if power == 1.0:
        return
    m = np.float32(reference)
    mag = np.abs(d)
    mag *= np.float32(1.0 / reference)
    np.power(mag, np.float32(power), out=mag)
    mag *= m
    np.copysign(mag, d, out=d)


def _equalise_periphery(shape: tuple[int, int], coarser: list[np.ndarray], small: np.ndarray,
                        regions: Regions, voi: float, strength: float) -> np.ndarray | None:
    """Add back part of the coarse signal drop towards the skin line, inside the breast.

    The lift is smooth, so it is added to the pyramid level nearest the small image's scale;
    collapsing the pyramid interpolates it to full resolution at no extra cost. ``coarser``
    are the levels from 1 on (of a full-resolution level of ``shape``); when the nearest level
    is the full-resolution one (a frame of ≤ 512 px), the lift is returned for it instead.
    """
    breast = regions.anatomy
    if breast.sum() < 16:
        return None
    coarse = np.log(voi) - np.log(np.maximum(small, voi * 1e-4))
    interior = erode(breast, 3)
    reference = float(np.percentile(coarse[interior if interior.any() else breast], 25))
    smooth = gaussian_filter(np.where(breast, coarse, reference), 2.0)
    lift = np.where(breast, np.clip(reference - smooth, 0, None) * strength, 0).astype(np.float32)
    k = min(int(np.log2(regions.scale)), len(coarser))
    size = shape if k == 0 else coarser[k - 1].shape
    zoomed = resize_linear(lift, size)
    if k == 0:
        return zoomed
    coarser[k - 1] += zoomed
    return None


def _sample_reduced(image: np.ndarray, factor: int, scale: int, shape: tuple[int, int]) -> np.ndarray:
    """Pixels of a ``factor``-times reduced ``image`` nearest the small image's block centres."""
    centres_r = np.minimum((np.arange(shape[0]) * scale + scale // 2) // factor, image.shape[0] - 1)
    centres_c = np.minimum((np.arange(shape[1]) * scale + scale // 2) // factor, image.shape[1] - 1)
    return image[np.ix_(centres_r, centres_c)]

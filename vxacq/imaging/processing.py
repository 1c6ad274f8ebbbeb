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
from scipy import ndimage

from vxacq.imaging import pyramid
from vxacq.imaging.params import ProcessingParams
from vxacq.imaging.segmentation import Regions

HEADROOM = 0.4  # ln units kept beyond the anatomy range before limiting
WINDOW_SKIP_LEVELS = 2  # finest pyramid levels left out of the window statistics


@dataclass
class Processed:
    """Display-domain image (float32, larger = brighter) and the anatomy's range in it."""

    image: np.ndarray
    low: float  # anatomy percentile (window_low_percentile)
    high: float  # anatomy percentile (window_high_percentile)


def attenuation(kerma: np.ndarray, voi_uGy: float, low: float, high: float) -> np.ndarray:
    """``−ln(K / K_VOI)`` held within [``low``, ``high``] (float32, new array).

    The limits are applied to K before the log (one pass instead of two).
    """
    v = np.clip(kerma, np.float32(voi_uGy * np.exp(-high)), np.float32(voi_uGy * np.exp(-low)))
    np.log(v, out=v)
    np.subtract(np.float32(np.log(voi_uGy)), v, out=v)
    return v


def process(kerma: np.ndarray, small: np.ndarray, regions: Regions, voi_uGy: float,
            pixel_spacing_mm: float, params: ProcessingParams) -> Processed:
    """Run the multiscale processing on a kerma image (µGy per pixel, float32)."""
    voi = max(voi_uGy, 1e-6)
    anatomy = regions.anatomy if regions.has_anatomy else regions.field
    # The anatomy's range from lightly smoothed block means: single noisy pixels of dense,
    # low-dose regions (near or below zero kerma) must not set it.
    smoothed = ndimage.uniform_filter(small, 3)[anatomy]
    anatomy_v = np.log(voi) - np.log(np.maximum(smoothed, voi * 1e-4))
    lo_limit = float(np.percentile(anatomy_v, 0.1)) - HEADROOM
    if regions.raw_level_uGy:
        lo_limit = min(lo_limit, float(np.log(voi / regions.raw_level_uGy)) - 0.05)
    hi_limit = float(np.percentile(anatomy_v, 99.9)) + HEADROOM
    v = attenuation(kerma, voi, lo_limit, hi_limit)

    levels = pyramid.levels_for(v.shape)
    details, residual = pyramid.build(v, levels)
    if params.mammography and params.skin_equalisation > 0:
        _equalise_periphery(details, small, regions, voi, params.skin_equalisation)
    for i, d in enumerate(details):
        scale_mm = pixel_spacing_mm * 2 ** (i + 1)
        if scale_mm <= 4 * params.edge_scale_mm and params.noise_suppression > 0:
            _core(d, params.noise_suppression * _noise_sigma(d))
        if params.edge_scale_mm < scale_mm < params.latitude_scale_mm:
            _musica(d, params.contrast_power, params.contrast_reference)
        gain = (params.edge_gain if scale_mm <= params.edge_scale_mm
                else params.latitude if scale_mm >= params.latitude_scale_mm else 1.0)
        if gain != 1.0:
            d *= np.float32(gain)
    # Compress about v = 0, the value of interest, so the anatomy's mid-tones stay put.
    residual *= np.float32(params.latitude)
    # The window comes from the image without its two finest levels, where most noise lives,
    # so a low-dose frame is windowed like a high-dose one.
    skip = min(WINDOW_SKIP_LEVELS, len(details))
    coarse = pyramid.collapse(details[skip:], residual)
    sample = _sample_reduced(coarse, 2 ** skip, regions.scale, small.shape)[anatomy]
    out = pyramid.collapse(details[:skip], coarse)
    low, high = np.percentile(sample, [params.window_low_percentile, params.window_high_percentile])
    return Processed(out, float(low), float(max(high, low + 1e-3)))


def _noise_sigma(detail: np.ndarray) -> float:
    """Robust noise σ of a detail level: 1.4826 × MAD of a strided sample of coefficients."""
    step = max(1, int(np.sqrt(detail.size / 40_000)))
    sample = detail[::step, ::step]
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


def _equalise_periphery(details: list[np.ndarray], small: np.ndarray, regions: Regions,
                        voi: float, strength: float) -> None:
    """Add back part of the coarse signal drop towards the skin line, inside the breast.

    The lift is smooth, so it is added to the pyramid level nearest the small image's scale;
    collapsing the pyramid interpolates it to full resolution at no extra cost.
    """
    breast = regions.anatomy
    if breast.sum() < 16:
        return
    coarse = np.log(voi) - np.log(np.maximum(small, voi * 1e-4))
    interior = ndimage.binary_erosion(breast, iterations=3)
    reference = float(np.percentile(coarse[interior if interior.any() else breast], 25))
    smooth = ndimage.gaussian_filter(np.where(breast, coarse, reference), 2.0)
    lift = np.where(breast, np.clip(reference - smooth, 0, None) * strength, 0).astype(np.float32)
    k = min(int(np.log2(regions.scale)), len(details) - 1)
    target = details[k]
    zoom = (target.shape[0] / lift.shape[0], target.shape[1] / lift.shape[1])
    target += ndimage.zoom(lift, zoom, order=1, grid_mode=True, mode="nearest")[
        : target.shape[0], : target.shape[1]]


def _sample_reduced(image: np.ndarray, factor: int, scale: int, shape: tuple[int, int]) -> np.ndarray:
    """Pixels of a ``factor``-times reduced ``image`` nearest the small image's block centres."""
    centres_r = np.minimum((np.arange(shape[0]) * scale + scale // 2) // factor, image.shape[0] - 1)
    centres_c = np.minimum((np.arange(shape[1]) * scale + scale // 2) // factor, image.shape[1] - 1)
    return image[np.ix_(centres_r, centres_c)]

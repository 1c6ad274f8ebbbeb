"""Representative images for the comparisons of vxacq.imaging.filters and .morphology with
scipy.ndimage (a test-only dependency: the console no longer ships scipy).

The images are what the chain works on: block-mean kerma images of simulator frames of several
body parts and fields (rotated, off-centre, with and without raw beam, mammography), and the
masks the chain makes of them; plus smoothed noise thresholded into many small parts.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from scipy import ndimage

from hardware_sim.physics import Field
from tests.imaging.helpers import calibrate, expose
from vxacq.imaging.corrections import correct
from vxacq.imaging.decimate import block_mean, factor_for

FRAMES = [("DRTEST", "chest", 120, 2.5, Field(350, 380)),
          ("DRTEST", "hand", 55, 5.0, Field(200, 250, (10, -20), 12)),
          ("DRTEST", "knee", 65, 5.0, Field(150, 300, (0, 0), 30)),
          ("DRTEST", "pelvis", 80, 1.0, Field(380, 300)),
          ("MGTEST", "breast", 28, 100.0, None)]


@cache
def kerma_images() -> list[np.ndarray]:
    """Corrected (kerma, float32) simulator frames."""
    out = []
    calibrations = {}
    for model, phantom, kv, dose, field in FRAMES:
        if model not in calibrations:
            calibrations[model] = calibrate(model)
        frame = expose(model, phantom, kv, dose, field=field, seed=7)
        out.append(correct(frame.pixels, calibrations[model]))
    return out


@cache
def small_images() -> list[np.ndarray]:
    """The chain's block-mean images of :func:`kerma_images`."""
    return [block_mean(k, factor_for(k.shape, 512)) for k in kerma_images()]


@cache
def masks() -> list[np.ndarray]:
    """Masks as the chain makes them (bright areas, dark areas, a thresholded log image) and
    thresholded smoothed noise of odd sizes with many parts, holes and parts on the border."""
    out = []
    for small in small_images():
        top = float(np.percentile(small, 99.5))
        out += [small > 0.8 * top, small < 0.3 * top, small > 0.05 * top]
    rng = np.random.default_rng(3)
    for shape in ((97, 131), (256, 192), (1, 40), (33, 1)):
        noise = ndimage.gaussian_filter(rng.normal(size=shape), 2)
        out += [noise > 0, noise > 0.5 * noise.std()]
    return out


def _label(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    labels, n = ndimage.label(mask)
    return labels, ndimage.sum_labels(mask, labels, np.arange(1, n + 1)).astype(np.intp)


def _nearest_unset(mask: np.ndarray, rows: np.ndarray, cols: np.ndarray):
    _, (nearest_r, nearest_c) = ndimage.distance_transform_edt(mask, return_indices=True)
    return nearest_r[rows, cols], nearest_c[rows, cols]


def _resize(image: np.ndarray, shape: tuple[int, int], corners: bool = False) -> np.ndarray:
    zoom = (shape[0] / image.shape[0], shape[1] / image.shape[1])
    if corners:
        return ndimage.zoom(image, zoom, order=1)
    return ndimage.zoom(image, zoom, order=1, grid_mode=True, mode="nearest")


# What the image chain and the simulator called before vxacq.imaging.filters and .morphology
# replaced scipy.ndimage: the same names, scipy's answers.
SCIPY = {
    "erode": lambda mask, iterations=1: ndimage.binary_erosion(mask, iterations=iterations),
    "dilate": lambda mask, iterations=1: ndimage.binary_dilation(mask, iterations=iterations),
    "open_": lambda mask: ndimage.binary_opening(mask, iterations=1),
    "label": _label,
    "fill_holes": ndimage.binary_fill_holes,
    "nearest_unset": _nearest_unset,
    "uniform_filter": ndimage.uniform_filter,
    "gaussian_filter": lambda image, sigma, edges="mirror": ndimage.gaussian_filter(
        image, sigma, mode={"mirror": "reflect", "zero": "constant"}[edges]),
    "sobel": ndimage.sobel,
    "running_median": lambda line, size: ndimage.median_filter(line, size=size, mode="nearest"),
    "resize_linear": _resize,
    "sample_bilinear": lambda image, rows, cols: ndimage.map_coordinates(
        image, [rows, cols], order=1, mode="constant", cval=np.nan),
}


def use_scipy(monkeypatch) -> None:
    """Every module that imported a replaced function calls scipy's instead."""
    import hardware_sim.detector_models
    import hardware_sim.phantoms
    import hardware_sim.physics
    import vxacq.imaging.calibration
    import vxacq.imaging.collimation
    import vxacq.imaging.corrections
    import vxacq.imaging.processing
    import vxacq.imaging.segmentation
    import vxacq.imaging.stitching
    modules = [hardware_sim.detector_models, hardware_sim.phantoms, hardware_sim.physics,
               vxacq.imaging.calibration, vxacq.imaging.collimation, vxacq.imaging.corrections,
               vxacq.imaging.processing, vxacq.imaging.segmentation, vxacq.imaging.stitching]
    patched = 0
    for module in modules:
        for name, function in SCIPY.items():
            if hasattr(module, name):
                monkeypatch.setattr(module, name, function)
                patched += 1
    assert patched == 22  # every use: a new one belongs in SCIPY too

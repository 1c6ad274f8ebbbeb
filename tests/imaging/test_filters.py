"""vxacq.imaging.filters gives what scipy.ndimage gave the chain and the simulator, on
representative images (tests/imaging/scipy_reference.py), within float rounding."""

import numpy as np
import pytest
from scipy import ndimage

from tests.imaging.scipy_reference import kerma_images, small_images
from vxacq.imaging import filters

# float32 out, sums in float64 as scipy makes them, in another order
RTOL = 1e-6


def close(ours: np.ndarray, theirs: np.ndarray) -> bool:
    scale = max(float(np.nanmax(np.abs(theirs))), 1e-30)
    return ours.dtype == theirs.dtype and ours.shape == theirs.shape and bool(
        np.array_equal(np.isnan(ours), np.isnan(theirs))
        and np.nanmax(np.abs(ours.astype(np.float64) - theirs)) <= RTOL * scale)


def images() -> list[np.ndarray]:
    rng = np.random.default_rng(5)
    odd = [rng.normal(size=shape).astype(np.float32) for shape in ((7, 5), (16, 16), (3, 40))]
    return small_images() + odd + [np.log(np.maximum(s, 1e-3)).astype(np.float64)
                                   for s in small_images()[:2]]


def test_box_and_gaussian_smoothing_equal_scipy() -> None:
    for image in images():
        assert close(filters.uniform_filter(image, 3), ndimage.uniform_filter(image, 3))
        for sigma in (1.0, 2.0, 3.0):
            assert close(filters.gaussian_filter(image, sigma), ndimage.gaussian_filter(image, sigma))
            assert close(filters.gaussian_filter(image, sigma, edges="zero"),
                         ndimage.gaussian_filter(image, sigma, mode="constant"))
    wide = images()[0]  # a kernel wider than the image (the simulator's scatter)
    assert close(filters.gaussian_filter(wide[:20, :30], 15.0, edges="zero"),
                 ndimage.gaussian_filter(wide[:20, :30], 15.0, mode="constant"))


@pytest.mark.parametrize("axis", [0, 1])
def test_sobel_equals_scipy(axis: int) -> None:
    for image in images():
        assert close(filters.sobel(image, axis), ndimage.sobel(image, axis))


def test_running_median_equals_scipy() -> None:
    for image in images():
        for line in (image[image.shape[0] // 2], image[:, 0]):
            assert close(filters.running_median(line, 9),
                         ndimage.median_filter(line, size=9, mode="nearest"))


def test_resize_equals_scipy_zoom() -> None:
    for image in images():
        for shape in ((image.shape[0] * 2, image.shape[1] * 2),
                      (image.shape[0] * 3 + 1, image.shape[1] * 2 + 1)):
            zoom = (shape[0] / image.shape[0], shape[1] / image.shape[1])
            # as processing's periphery lift: pixels as areas, edge values beyond
            assert close(filters.resize_linear(image, shape),
                         ndimage.zoom(image, zoom, order=1, grid_mode=True, mode="nearest"))
            # as the simulator's textures and shading: outer pixel centres aligned
            assert close(filters.resize_linear(image, shape, corners=True),
                         ndimage.zoom(image, zoom, order=1))


def test_bilinear_samples_equal_scipy_map_coordinates() -> None:
    rng = np.random.default_rng(9)
    for image in kerma_images() + images()[-4:]:
        rows = rng.uniform(-2, image.shape[0] + 1, 20000)
        cols = rng.uniform(-2, image.shape[1] + 1, 20000)
        rows[:500], cols[:500] = np.round(rows[:500]), np.round(cols[:500])  # the edges exactly
        ours = filters.sample_bilinear(image, rows, cols)
        assert np.isnan(ours).sum() > 100  # points outside were asked for
        assert close(ours, ndimage.map_coordinates(image, [rows, cols], order=1, mode="constant",
                                                   cval=np.nan))

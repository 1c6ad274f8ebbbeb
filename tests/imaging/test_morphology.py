"""vxacq.imaging.morphology gives what scipy.ndimage gave the chain, on representative masks
(tests/imaging/scipy_reference.py): equal masks and labels, equal distances."""

import numpy as np
import pytest
from scipy import ndimage

from tests.imaging.scipy_reference import masks
from vxacq.imaging import morphology


@pytest.mark.parametrize("iterations", [1, 2, 4])
def test_erosion_and_dilation_equal_scipy(iterations: int) -> None:
    for mask in masks():
        assert np.array_equal(morphology.erode(mask, iterations),
                              ndimage.binary_erosion(mask, iterations=iterations))
        assert np.array_equal(morphology.dilate(mask, iterations),
                              ndimage.binary_dilation(mask, iterations=iterations))


def test_opening_and_filled_holes_equal_scipy() -> None:
    for mask in masks():
        assert np.array_equal(morphology.open_(mask), ndimage.binary_opening(mask, iterations=1))
        assert np.array_equal(morphology.fill_holes(mask), ndimage.binary_fill_holes(mask))


def test_labels_numbered_and_counted_as_scipy() -> None:
    parts = 0
    for mask in masks():
        labels, sizes = morphology.label(mask)
        expected, n = ndimage.label(mask)
        assert np.array_equal(labels, expected)  # the same numbers: ties of size pick alike
        assert np.array_equal(sizes, ndimage.sum_labels(mask, expected, np.arange(1, n + 1)))
        parts += n
    assert parts > 100  # the comparison saw many parts, not only one or two per mask


def test_a_spiral_is_one_part() -> None:
    """A long winding part (the worst case for joining neighbours round by round)."""
    mask = np.zeros((41, 41), bool)
    for ring in range(0, 20, 2):
        mask[ring, ring:41 - ring] = mask[40 - ring, ring:41 - ring] = True
        mask[ring:41 - ring, ring] = mask[ring:41 - ring, 40 - ring] = True
        mask[ring + 1, ring] = False  # the ring opens towards the next one
        mask[ring + 1, ring + 1] = ring + 2 < 20
    labels, sizes = morphology.label(mask)
    expected, n = ndimage.label(mask)
    assert np.array_equal(labels, expected) and len(sizes) == n


def test_nearest_unset_pixel_at_scipy_distance() -> None:
    """Ties of distance may pick another pixel than scipy: the distance is what must agree."""
    for mask in masks():
        if mask.all():
            continue
        rows, cols = np.nonzero(mask)
        found_r, found_c = morphology.nearest_unset(mask, rows, cols)
        assert not mask[found_r, found_c].any()
        distance = ndimage.distance_transform_edt(mask)[rows, cols]
        assert np.allclose(np.hypot(found_r - rows, found_c - cols), distance)


def test_nearest_unset_pixel_when_there_is_none() -> None:
    mask = np.ones((5, 6), bool)
    rows, cols = np.array([0, 4]), np.array([5, 2])
    found_r, found_c = morphology.nearest_unset(mask, rows, cols)
    assert found_r.tolist() == [0, 4] and found_c.tolist() == [5, 2]

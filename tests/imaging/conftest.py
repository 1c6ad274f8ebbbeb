"""Fixtures of the image-chain tests: calibrations of the reduced simulator panels, presets."""

from __future__ import annotations

import pytest

from tests.imaging.helpers import calibrate
from vxacq.imaging.calibration import Calibration
from vxacq.imaging.params import Presets, load_presets


@pytest.fixture(scope="session")
def dr_calibration() -> Calibration:
    return calibrate("DRTEST")


@pytest.fixture(scope="session")
def mg_calibration() -> Calibration:
    return calibrate("MGTEST")


@pytest.fixture(scope="session")
def presets() -> Presets:
    return load_presets()

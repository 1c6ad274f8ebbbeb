"""Average glandular dose by Dance et al.: D = K·g·c·s from the tabulated factors, bilinear in
HVL and thickness, refused (never extrapolated) outside the tables."""

from __future__ import annotations

import pytest

from vxacq.dicom.rdsr.dosimetry import (
    GlandularDoseError, average_glandular_dose_mGy, entrance_air_kerma_mGy, glandular_dose_tables,
)


def test_dose_at_a_table_point_is_k_g_c_s():
    # 5 cm, HVL 0.40 mm Al, W/Rh: g = 0.209, c(50-64) = 1.081, s = 1.042
    assert average_glandular_dose_mGy(10.0, 0.40, 50.0, "TUNGSTEN", "RHODIUM") == \
        pytest.approx(10.0 * 0.209 * 1.081 * 1.042)


def test_dose_between_table_points_is_bilinear():
    # 4.5 cm, HVL 0.425 mm Al, Mo/Rh: the four corners (4 and 5 cm × 0.40 and 0.45 mm Al)
    # g = (0.261 + 0.289 + 0.209 + 0.232)/4 = 0.24775, c = (1.000 + 1.000 + 1.081 + 1.078)/4 = 1.03975
    assert average_glandular_dose_mGy(6.0, 0.425, 45.0, "MOLYBDENUM", "RHODIUM") == \
        pytest.approx(6.0 * 0.24775 * 1.03975 * 1.017)
    # one axis only: 3 cm, HVL 0.33 → g = 0.274 + 0.6·(0.309 − 0.274) = 0.295
    assert glandular_dose_tables().factor("g", 0.33, 3.0) == pytest.approx(0.295)


@pytest.mark.parametrize("target, filter_material, s", [
    ("MOLYBDENUM", "MOLYBDENUM", 1.000), ("MOLYBDENUM", "RHODIUM", 1.017), ("RHODIUM", "RHODIUM", 1.061),
    ("TUNGSTEN", "RHODIUM", 1.042), ("TUNGSTEN", "SILVER", 1.042),
])
def test_spectrum_factor_per_target_filter(target, filter_material, s):
    # at 4 cm c = 1 for every HVL: the dose is K·g·s
    assert average_glandular_dose_mGy(1.0, 0.30, 40.0, target, filter_material) == pytest.approx(0.207 * s)


@pytest.mark.parametrize("hvl, thickness, target, message", [
    (0.29, 50.0, "TUNGSTEN", r"half-value layer 0.29 mm Al is outside the tabulated 0.3–0.6 mm Al"),
    (0.61, 50.0, "TUNGSTEN", r"half-value layer 0.61 mm Al is outside"),
    (0.45, 19.0, "TUNGSTEN", r"compressed breast thickness 1.9 cm is outside the tabulated 2–11 cm"),
    (0.45, 111.0, "TUNGSTEN", r"compressed breast thickness 11.1 cm is outside"),
    (0.45, 50.0, "COPPER", r"no s-factor for target/filter COPPER/RHODIUM"),
])
def test_outside_the_tables_there_is_no_dose(hvl, thickness, target, message):
    with pytest.raises(GlandularDoseError, match=message):
        average_glandular_dose_mGy(5.0, hvl, thickness, target, "RHODIUM")


def test_table_edges_are_inside():
    t = glandular_dose_tables()
    assert t.factor("g", 0.30, 2.0) == pytest.approx(0.390)
    assert t.factor("g", 0.60, 11.0) == pytest.approx(0.143)
    assert t.factor("c", 0.60, 11.0) == pytest.approx(1.266)


# The PMMA-phantom factors of the European guidelines (4th ed. 2006, after Dance et al. 2000):
# equivalent breast thickness (mm) → g and c(50-64) at HVL 0.30 … 0.60 mm Al. They come from the
# same Monte Carlo data, so the breast tables interpolated at the equivalent thickness must agree
# to within the curvature of linear interpolation (2 %): a mistyped digit shows here.
PMMA_EQUIVALENT = {
    21: ([0.378, 0.421, 0.460, 0.496, 0.529, 0.559, 0.585], [0.889, 0.895, 0.903, 0.908, 0.912, 0.917, 0.921]),
    32: ([0.261, 0.294, 0.326, 0.357, 0.388, 0.419, 0.448], [0.940, 0.943, 0.945, 0.946, 0.949, 0.952, 0.953]),
    45: ([0.183, 0.208, 0.232, 0.258, 0.285, 0.311, 0.339], [1.043, 1.041, 1.040, 1.039, 1.037, 1.035, 1.034]),
    53: ([0.155, 0.177, 0.198, 0.220, 0.245, 0.272, 0.295], [1.109, 1.105, 1.102, 1.099, 1.096, 1.091, 1.088]),
    60: ([0.135, 0.154, 0.172, 0.192, 0.214, 0.236, 0.261], [1.164, 1.160, 1.151, 1.150, 1.144, 1.139, 1.134]),
    75: ([0.106, 0.121, 0.136, 0.152, 0.166, 0.189, 0.210], [1.254, 1.245, 1.235, 1.231, 1.225, 1.217, 1.207]),
    90: ([0.086, 0.098, 0.111, 0.123, 0.136, 0.154, 0.172], [1.299, 1.292, 1.282, 1.275, 1.270, 1.260, 1.249]),
}


@pytest.mark.parametrize("breast_mm", PMMA_EQUIVALENT)
def test_breast_tables_agree_with_the_pmma_equivalent_factors(breast_mm):
    t = glandular_dose_tables()
    g_row, c_row = PMMA_EQUIVALENT[breast_mm]
    for hvl, g, c in zip(t.hvl_mm_al, g_row, c_row):
        assert t.factor("g", hvl, breast_mm / 10) == pytest.approx(g, rel=0.02), (breast_mm, hvl)
        assert t.factor("c", hvl, breast_mm / 10) == pytest.approx(c, rel=0.02), (breast_mm, hvl)


def test_entrance_kerma_is_the_output_at_1_m_moved_to_the_breast_surface():
    # 2.4 mGy at 1 m, SID 650 mm, 50 mm breast: the upper surface is 600 mm from the focus
    assert entrance_air_kerma_mGy(2.4, 650.0, 50.0) == pytest.approx(2.4 * (1000 / 600) ** 2)
    with pytest.raises(GlandularDoseError, match="cannot place the breast surface"):
        entrance_air_kerma_mGy(2.4, 650.0, 0.0)

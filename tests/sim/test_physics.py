"""The simulator's frame physics: dose response, geometry, noise, field, scatter and defects."""

import numpy as np
import pytest

from hardware_sim import physics
from hardware_sim.detector_models import (
    CLUSTER, DEAD_LINE, DEAD_PIXEL, DRTEST, GOOD, HOT_PIXEL, get_model, static_maps,
)
from hardware_sim.physics import Field

CENTRE = (slice(172, 212), slice(172, 212))  # 40×40 px around the centre of DRTEST


def net_signal(frame: physics.Frame, roi=CENTRE) -> float:
    """Mean signal above the dark offset of good pixels in ``roi``."""
    good = frame.truth.defect_map[roi] == GOOD
    net = frame.pixels[roi].astype(float) - frame.truth.offset_map[roi]
    return float(net[good].mean())


def test_open_field_signal_is_linear_in_mas() -> None:
    signals = [net_signal(physics.render_frame("DRTEST", None, 70, mas, 1000, grid=False, seed=1))
               for mas in (0.05, 0.1, 0.2, 0.4)]
    for mas, signal in zip((0.1, 0.2, 0.4), signals[1:]):
        assert signal / signals[0] == pytest.approx(mas / 0.05, rel=0.05)


def test_open_field_signal_falls_with_square_of_sid() -> None:
    near = net_signal(physics.render_frame("DRTEST", None, 80, 0.2, 1000, grid=False, seed=2))
    far = net_signal(physics.render_frame("DRTEST", None, 80, 0.2, 2000, grid=False, seed=3))
    mid = net_signal(physics.render_frame("DRTEST", None, 80, 0.2, 1400, grid=False, seed=4))
    assert near / far == pytest.approx(4.0, rel=0.05)
    assert near / mid == pytest.approx((1400 / 1000) ** 2, rel=0.05)


def test_signal_rises_with_kv_open_and_behind_anatomy() -> None:
    open_beam = [net_signal(physics.render_frame("DRTEST", None, kv, 0.1, 1800, seed=5))
                 for kv in (60, 80, 100, 120)]
    assert open_beam == sorted(open_beam) and open_beam[-1] > 2 * open_beam[0]
    # Behind the chest the transmission rises with kV too, faster than the tube output.
    behind = [net_signal(physics.render_frame("DRTEST", "chest", kv, 4, 1800, seed=6))
              for kv in (70, 90, 120)]
    assert behind == sorted(behind)
    assert behind[-1] / behind[0] > open_beam[-1] / open_beam[1]


def test_noise_variance_is_proportional_to_signal() -> None:
    model = get_model("DRTEST")
    ratios = []
    for kerma in (1.0, 4.0, 16.0):
        a = physics.flat_field(model, kerma, seed=10, heel=False)
        b = physics.flat_field(model, kerma, seed=11, heel=False)
        good = a.truth.defect_map[CENTRE] == GOOD
        diff = a.pixels[CENTRE].astype(float) - b.pixels[CENTRE].astype(float)
        variance = diff[good].var() / 2 - model.electronic_noise_adu ** 2
        ratios.append(variance / net_signal(a))
    # Quantum variance per ADU of signal = k / q (times the gain spread, a few percent).
    assert np.ptp(ratios) / np.mean(ratios) < 0.12
    assert np.mean(ratios) == pytest.approx(model.k_adu_per_uGy / model.quanta_per_px_per_uGy,
                                            rel=0.1)


def test_open_beam_centre_matches_ground_truth_kerma() -> None:
    frame = physics.render_frame("DRTEST", None, 75, 0.15, 1500, grid=True, seed=7)
    kerma = frame.truth.detector_kerma_uGy
    assert kerma == pytest.approx(physics.open_kerma_uGy("DRTEST", 75, 0.15, 1500, True))
    assert kerma == pytest.approx(frame.truth.incident_kerma_uGy * DRTEST.grid_primary_transmission)
    mean = float(frame.pixels[CENTRE][frame.truth.defect_map[CENTRE] == GOOD].mean())
    assert mean == pytest.approx(physics.expected_signal_adu("DRTEST", kerma), rel=0.02)
    flat = physics.flat_field("DRTEST", 2.5, seed=8)
    assert flat.truth.detector_kerma_uGy == 2.5 and flat.truth.beam_quality == "RQA5"
    assert net_signal(flat) == pytest.approx(DRTEST.k_adu_per_uGy * 2.5, rel=0.03)


def test_mas_for_kerma_inverts_open_kerma() -> None:
    mas = physics.mas_for_kerma("DR4343", 70, 2.5, 1800, grid=True)
    assert physics.open_kerma_uGy("DR4343", 70, mas, 1800, True) == pytest.approx(2.5)


def test_heel_effect_brightens_the_cathode_side() -> None:
    flat = physics.flat_field("DRTEST", 5.0, seed=9, sid_mm=1000)
    top = net_signal(flat, (slice(10, 40), slice(172, 212)))
    bottom = net_signal(flat, (slice(344, 374), slice(172, 212)))
    assert bottom > top * 1.1  # anode at the top


def test_collimated_rotated_field_and_its_polygon() -> None:
    field = Field(200, 120, centre_mm=(30, -20), rotation_deg=15)
    frame = physics.render_frame("DRTEST", None, 70, 0.1, 1000, grid=False, field=field, seed=12)
    poly = np.array(frame.truth.field_polygon_px)
    centre_px = poly.mean(axis=0)
    c, r = (int(round(v)) for v in centre_px)
    inside = net_signal(frame, (slice(r - 5, r + 5), slice(c - 5, c + 5)))
    outside = net_signal(frame, (slice(5, 25), slice(5, 25)))
    assert inside > 1000 and abs(outside) < 5  # no object: nothing scatters outside the field
    pitch = DRTEST.pixel_pitch_mm
    assert np.hypot(*(poly[1] - poly[0])) * pitch == pytest.approx(200, rel=1e-6)
    assert np.hypot(*(poly[2] - poly[1])) * pitch == pytest.approx(120, rel=1e-6)
    row0, col0, row1, col1 = frame.truth.field_bbox_px
    assert row0 <= r < row1 and col0 <= c < col1


def test_grid_removes_scatter() -> None:
    with_grid = physics.render_frame("DRTEST", "pelvis", 80, 20, 1150, grid=True, seed=13)
    without = physics.render_frame("DRTEST", "pelvis", 80, 20, 1150, grid=False, seed=13)
    assert 0 < with_grid.truth.scatter_fraction_centre < without.truth.scatter_fraction_centre
    assert without.truth.scatter_fraction_centre > 0.5


def test_defects_follow_the_defect_map() -> None:
    frame = physics.render_frame("DRTEST", None, 70, 0.2, 1000, grid=False, seed=14)
    defects = frame.truth.defect_map
    for code in (DEAD_PIXEL, HOT_PIXEL, DEAD_LINE, CLUSTER):
        assert (defects == code).any()
    dead = (defects == DEAD_PIXEL) | (defects == DEAD_LINE) | (defects == CLUSTER)
    net = frame.pixels.astype(float) - frame.truth.offset_map
    assert abs(net[dead].mean()) < 2 and net[defects == GOOD].mean() > 1000
    assert frame.pixels[defects == HOT_PIXEL].min() > 0.9 * DRTEST.full_scale
    assert static_maps(DRTEST) is static_maps(get_model("DRTEST"))  # cached per panel


def test_seed_reproduces_frame_and_dark_frame_has_no_signal() -> None:
    a = physics.render_frame("DRTEST", "hand", 55, 2, 1000, seed=21)
    b = physics.render_frame("DRTEST", "hand", 55, 2, 1000, seed=21)
    assert np.array_equal(a.pixels, b.pixels)
    dark = physics.dark_frame("DRTEST", seed=1)
    good = dark.truth.defect_map == GOOD
    assert abs(float((dark.pixels - dark.truth.offset_map)[good].mean())) < 0.5
    assert dark.truth.detector_kerma_uGy == 0


@pytest.mark.parametrize("phantom", ["chest", "hand", "knee", "skull", "pelvis", "breast"])
def test_every_phantom_attenuates_inside_the_body(phantom: str) -> None:
    model = "MGTEST" if phantom == "breast" else "DRTEST"
    kv, mas, sid = (28, 20, 650) if phantom == "breast" else (70, 2, 1000)
    frame = physics.render_frame(model, phantom, kv, mas, sid, seed=3)
    net = frame.pixels.astype(float) - frame.truth.offset_map
    assert frame.pixels.dtype == np.uint16
    assert net.min() < 0.5 * net.max()  # an object casts a shadow
    truth = frame.truth.to_dict()
    assert truth["phantom"] == phantom and "offset_map" not in truth


def test_full_size_panels_and_bad_technique() -> None:
    frame = physics.dark_frame("DR4343", seed=0)
    assert frame.pixels.shape == (3072, 3072) and frame.pixels.max() <= 16383
    assert get_model("MG2430").pixel_pitch_mm <= 0.076
    with pytest.raises(ValueError, match="kV 200"):
        physics.render_frame("DRTEST", None, 200, 1, 1000)
    with pytest.raises(ValueError, match="unknown detector model"):
        get_model("NOPE")
    with pytest.raises(ValueError, match="unknown phantom"):
        physics.render_frame("DRTEST", "tail", 60, 1, 1000)


def _kerma_through_al(tube: str, kv: float, al_mm: float, step: float = 0.05) -> float:
    """The beam's air kerma behind ``al_mm`` of aluminium, on a finer energy grid than the
    simulator's own (an independent integration of the same Kramers spectrum)."""
    _, _, filtration = physics.TUBES[tube]
    e = np.arange(8.0, kv, step) + step / 2
    mu_al = physics._mu("aluminium", e) * 2.699 / 10
    mu_air = np.exp(np.interp(np.log(e), np.log(physics._E), np.log(physics._MU_EN_AIR)))
    return float(((kv - e) * mu_air * np.exp(-mu_al * (filtration + al_mm))).sum())


@pytest.mark.parametrize("tube, kv", [("W/Rh", 26.0), ("W/Rh", 30.0), ("W/Ag", 32.0), ("W/Al", 70.0)])
def test_half_value_layer_halves_the_beams_air_kerma(tube: str, kv: float) -> None:
    hvl = physics.half_value_layer_mm_al(tube, kv)
    ratio = _kerma_through_al(tube, kv, hvl) / _kerma_through_al(tube, kv, 0.0)
    assert ratio == pytest.approx(0.5, abs=0.01)


def test_mammography_beam_selection_and_hardness() -> None:
    """Rh up to 30 kV, Ag above; the beam hardens with kV and with the silver filter; at the
    protocol library's mammography kVs the HVL lies inside the glandular-dose tables."""
    assert physics.mammo_beam(30.0).FilterMaterial == "RHODIUM"
    assert physics.mammo_beam(30.1).FilterMaterial == "SILVER"
    hvls = [physics.half_value_layer_mm_al(physics.mammo_beam(kv).tube, kv) for kv in (24, 28, 30, 31, 34)]
    assert hvls == sorted(hvls) and 0.30 <= hvls[0] and hvls[-1] <= 0.60
    assert physics.half_value_layer_mm_al("W/Ag", 28) > physics.half_value_layer_mm_al("W/Rh", 28)


def test_frame_is_made_with_the_beam_the_generator_used() -> None:
    rh = physics.render_frame("MGTEST", "breast", 30.0, 50.0, 650.0, seed=1)
    ag = physics.render_frame("MGTEST", "breast", 30.0, 50.0, 650.0, seed=1, tube="W/Ag")
    assert (rh.truth.beam_quality, ag.truth.beam_quality) == ("W/Rh", "W/Ag")
    assert ag.truth.incident_kerma_uGy < rh.truth.incident_kerma_uGy  # more filtration, less output
    with pytest.raises(ValueError, match="unknown beam 'Mo/Mo'"):
        physics.render_frame("MGTEST", None, 30.0, 50.0, 650.0, tube="Mo/Mo")

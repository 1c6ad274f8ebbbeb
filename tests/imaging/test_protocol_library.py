"""The protocol library against the simulator: every protocol's default technique puts its
standard phantom inside the green Deviation Index band, through the console's own image chain.

The frame is what the room makes for the protocol (phantom, kV, mAs, SID, grid, collimated
field, the right side mirrored) on the reduced panel of the same area (DRTEST / MGTEST); a
long-length protocol's image is its fields stitched."""

from __future__ import annotations

import pytest

from hardware_sim import physics
from hardware_sim.phantoms import LONG_PHANTOMS, PHANTOMS, long_field
from tests.imaging.helpers import spacing
from vxacq import protocols
from vxacq.config import ImagingConfig
from vxacq.imaging.chain import process_frame, process_kerma
from vxacq.imaging.corrections import correct
from vxacq.imaging.stitching import FieldImage, stitch

LIBRARY = protocols.load()
GREEN = ImagingConfig().di_warning  # |DI| at or below: the "ok" band the console shows green


def test_the_library_covers_the_common_views() -> None:
    assert len(LIBRARY) >= 60
    for region in protocols.REGIONS:
        assert protocols.by_region(LIBRARY, region), f"no protocol in region {region}"
    for key in ("CHEST_PA", "CHEST_LAT", "CHEST_AP_MOBILE", "CHEST_PAED_AP", "SKULL_LAT",
                "CSPINE_ODONTOID", "LSPINE_LAT", "SHOULDER_Y", "ELBOW_AP", "WRIST_SCAPHOID",
                "THUMB_AP", "HIP_LAT", "KNEE_SKYLINE", "ANKLE_MORTISE", "TOES_DP",
                "ABDOMEN_KUB", "MAMMO_RCC", "MAMMO_LMLO"):
        assert key in LIBRARY, key
    assert {p.phantom for p in LIBRARY.values()} <= set(PHANTOMS) | set(LONG_PHANTOMS)
    assert {p.phantom for p in LIBRARY.values() if p.long_length} <= set(LONG_PHANTOMS)


@pytest.mark.parametrize("protocol_id", list(LIBRARY))
def test_default_technique_lands_in_the_green_band(protocol_id: str, dr_calibration,
                                                   mg_calibration, presets) -> None:
    p = LIBRARY[protocol_id]
    model, calibration = ("MGTEST", mg_calibration) if p.modality == "MG" else (
        "DRTEST", dr_calibration)
    if p.long_length:  # every field at its stand position, stitched, processed once
        fields = [FieldImage(correct(physics.render_frame(
            model, long_field(p.phantom, stand, with_ruler=True), p.kv, p.mas, p.sid_mm,
            grid=p.grid, field=physics.Field(*p.field_mm), seed=1).pixels, calibration), stand)
            for stand in p.stand_positions_mm()]
        stitched = stitch(fields, spacing(model), linear=True)
        image = process_kerma(stitched.pixels, calibration.created, presets.for_protocol(p.id),
                              ei_target=p.target_ei, pixel_spacing_mm=spacing(model))
    else:
        frame = physics.render_frame(model, p.phantom, p.kv, p.mas, p.sid_mm, grid=p.grid,
                                     field=physics.Field(*p.field_mm), seed=1,
                                     mirror=p.laterality == "R")
        image = process_frame(frame.pixels, calibration, presets.for_protocol(p.id),
                              ei_target=p.target_ei, pixel_spacing_mm=spacing(model))
    assert image.exposure.region == "anatomy"
    assert abs(image.di) <= GREEN, (f"{p.id} at {p.kv:g} kV {p.mas:g} mAs: EI {image.ei:g} "
                                    f"against {p.target_ei:g} (DI {image.di:+.2f})")
    assert image.exposure.band == "ok"


def test_sizes_order_the_dose() -> None:
    """A bigger patient never gets less than a smaller one at the same kV."""
    for p in LIBRARY.values():
        techniques = [p.technique_for(size) for size in p.sizes]
        for small, big in zip(techniques, techniques[1:]):
            if small.kv == big.kv:
                assert small.mas <= big.mas, (p.id, small, big)
            assert small.kv <= big.kv, (p.id, small, big)

"""Every kind of dose report the console writes, checked by an independent SR template validator
(PixelMed's DicomSRValidator: TID 10001 and every template it includes, their conditions and
context groups) beside dciodvfy. Each run compiles PixelMed's template stylesheet (~20-30 s)."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
import samples as s
from peers import dciodvfy_errors, sr_template_errors

from vxacq.dicom import codes, part10
from vxacq.dicom.inputs import Acquisition, ImageRef
from vxacq.dicom.rdsr import XRayRadiationDoseSR

# Codes of the current PS3.16 that PixelMed 20220618's context groups predate: its CID 4031 lacks
# the 2020 "Chest" (816094009, replacing 43799004), and its CID 10016 and 10006 (version 20070827)
# list only the "... or ... compound" codes (105874009, 105877002, 105847008) that PS3.16 replaced
# with Tungsten (26194003), Rhodium (59801003) and Silver (41967008). Only these count as the
# validator's own age.
OUTDATED_IN_VALIDATOR = {("816094009", "4031"), ("26194003", "10016"), ("59801003", "10006"),
                         ("41967008", "10006")}
_NOT_IN_GROUP = re.compile(r'Code \((\w+),SCT,"[^"]*"\) not found in context group (\d+)$')


def _real_errors(lines: list[str]) -> list[str]:
    errors = []
    for line in lines:
        found = _NOT_IN_GROUP.search(line)
        if found and (found.group(1), found.group(2)) in OUTDATED_IN_VALIDATOR:
            continue
        errors.append(line)
    return errors


def _projection_report() -> XRayRadiationDoseSR:
    """Chest PA, a rejected lateral and its repeat, a left hand (laterality): DAP, Dose (RP), EI."""
    acquisitions = []
    for i, (part, view, lat, rejected) in enumerate((
        ("CHEST", "PA", "U", None), ("CHEST", "LL", "U", codes.REJECT_REASONS["Positioning"]),
        ("CHEST", "LL", "U", None), ("HAND", "PA", "L", None),
    )):
        # TID 10003C as the protocols fill it: the mount, positioner angles, and for the hand
        # (an unmounted detector) a column angulation, which the event then carries alone
        e = s.exposure(AcquisitionDateTime=s.STARTED + timedelta(minutes=i), PositionerPrimaryAngle=0.0,
                       PositionerSecondaryAngle=0.0, ColumnAngulation=10.0 if part == "HAND" else None,
                       MechanicalConfiguration="UNMOUNTED" if part == "HAND" else "UPRIGHT")
        acquisitions.append(Acquisition(exposure=e, body_part=part, view=view, ImageLaterality=lat,
                                        ExposureIndex=300.0, TargetExposureIndex=350.0, DeviationIndex=-0.7,
                                        rejected_reason=rejected))
    o = s.order()
    return XRayRadiationDoseSR(patient=s.patient(), study=s.study(o), equipment=s.equipment(), order=o,
                               performed_step=s.performed_step(), acquisitions=acquisitions)


def _mammography_report() -> XRayRadiationDoseSR:
    from test_mg import build as build_mg, mammo_exposure

    acquisitions = []
    for i, (lat, view) in enumerate((("R", "CC"), ("L", "CC"), ("R", "MLO"), ("L", "MLO"))):
        # the thicker MLO views with the silver filter, as the simulated AEC chooses above 30 kV
        e = mammo_exposure(OrganDose=0.012, FilterType="FLAT", ImageAndFluoroscopyAreaDoseProduct=0.4,
                           PositionerPrimaryAngle=45.0 if view == "MLO" else 0.0,
                           FilterMaterial=("SILVER",) if view == "MLO" else ("RHODIUM",),
                           AcquisitionDateTime=s.STARTED + timedelta(minutes=i))
        acquisitions.append(Acquisition(exposure=e, body_part="BREAST", view=view, ImageLaterality=lat,
                                        image=ImageRef.of(build_mg(view, lat, exposure=e))))
    return XRayRadiationDoseSR(patient=s.patient(), study=s.study(), equipment=s.equipment(),
                               acquisitions=acquisitions, mammography=True)


REPORTS = {"projection": _projection_report, "mammography": _mammography_report}


@pytest.fixture(scope="module")
def validated(tmp_path_factory) -> dict[str, tuple[Path, list[str]]]:
    """Each report written and validated, the validators run side by side: each JVM spends
    its ~20-30 s compiling the stylesheet on one core."""
    folder = tmp_path_factory.mktemp("rdsr")
    paths = {name: part10.write(folder / f"{name}.dcm", build()) for name, build in REPORTS.items()}
    with ThreadPoolExecutor(max_workers=len(paths)) as pool:
        found = dict(zip(paths, pool.map(sr_template_errors, paths.values())))
    return {name: (paths[name], found[name]) for name in paths}


@pytest.mark.parametrize("name", list(REPORTS))
def test_dose_report_passes_the_sr_template_validator(validated, name):
    path, template_errors = validated[name]
    assert dciodvfy_errors(path) == []
    assert _real_errors(template_errors) == []

"""The study's X-Ray Radiation Dose SR: TID 10001, every exposure (rejected ones too)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import samples as s
from conftest import run
from pydicom.uid import XRayRadiationDoseSRStorage

from vxacq.dicom import codes, part10
from vxacq.dicom.dx import DXImage
from vxacq.dicom.inputs import Acquisition, ImageRef
from vxacq.dicom.rdsr import XRayRadiationDoseSR

EXPOSURES = [
    # body part, view, laterality, kV, mA, ms, DAP dGy·cm², rejected reason
    ("CHEST", "PA", "U", 125.0, 320.0, 8.0, 1.21, None),
    ("CHEST", "LL", "U", 125.0, 400.0, 20.0, 2.02, codes.REJECT_REASONS["Positioning"]),
    ("CHEST", "LL", "U", 125.0, 400.0, 18.0, 1.87, None),
]


@pytest.fixture
def study_with_three_exposures():
    o, pps, pat, eq = s.order(), s.performed_step(), s.patient(), s.equipment()
    st = s.study(o)
    acquisitions, images = [], []
    for i, (part, view, lat, kv, ma, ms, dap, rejected) in enumerate(EXPOSURES):
        e = s.exposure(kvp=kv, ma=ma, ms=ms, ImageAndFluoroscopyAreaDoseProduct=dap,
                       DoseRP=dap * 1e-4, AcquisitionDateTime=s.STARTED + timedelta(minutes=3 + i))
        img = s.image(seed=i, ExposureIndex=300.0 + i * 50, TargetExposureIndex=350.0, DeviationIndex=-0.7 + i * 0.6)
        ds = DXImage(patient=pat, study=st, series=s.series(i + 1), equipment=eq, detector=s.detector(),
                     exposure=e, image=img, body_part=part, view=view, ImageLaterality=lat,
                     native_orientation=("L", "F"), order=o, performed_step=pps, InstanceNumber=1)
        images.append(ds)
        acquisitions.append(Acquisition(
            exposure=e, body_part=part, view=view, ImageLaterality=lat,
            image=None if rejected else ImageRef.of(ds), ExposureIndex=img.ExposureIndex,
            TargetExposureIndex=img.TargetExposureIndex, DeviationIndex=img.DeviationIndex,
            rejected_reason=rejected,
        ))
    sr = XRayRadiationDoseSR(patient=pat, study=st, equipment=eq, acquisitions=acquisitions,
                             order=o, performed_step=pps)
    return sr, acquisitions, images


def test_dose_sr_passes_dciodvfy_and_ihe_rem(tmp_path, validate, study_with_three_exposures):
    sr, _, _ = study_with_three_exposures
    path = part10.write(tmp_path / "rdsr.dcm", sr)
    assert validate(path) == []
    assert validate(path, "IHEREM") == []
    back = part10.read(path)
    assert back.SOPClassUID == XRayRadiationDoseSRStorage
    assert back.SeriesNumber == 9999 and back.Modality == "SR"
    assert back.ContentTemplateSequence[0].TemplateIdentifier == "10001"


def test_dsrdump_shows_the_tid_10001_tree_with_every_exposure(tmp_path, study_with_three_exposures):
    sr, acquisitions, _ = study_with_three_exposures
    path = part10.write(tmp_path / "rdsr.dcm", sr)
    tree = run("dsrdump", "+Pc", "+Pt", str(path))
    assert 'CONTAINER:(113701,DCM,"X-Ray Radiation Dose Report")=SEPARATE>  # TID 10001 (DCMR)' in tree
    assert '(121058,DCM,"Procedure reported")=(113704,DCM,"Projection X-Ray")' in tree
    assert tree.count('CONTAINER:(113706,DCM,"Irradiation Event X-Ray Data")') == 3
    for a in acquisitions:
        assert f'"Irradiation Event UID")="{a.exposure.IrradiationEventUID}"' in tree
    kvs = re.findall(r'\(113733,DCM,"KVP"\)="([\d.]+)"', tree)
    assert [float(v) for v in kvs] == [e[3] for e in EXPOSURES]
    exposures = re.findall(r'\(113736,DCM,"Exposure"\)="([\d.]+)"', tree)
    assert [float(v) for v in exposures] == [ma * ms for _, _, _, _, ma, ms, _, _ in EXPOSURES]  # µAs
    # The rejected exposure is reported (the patient got the dose) and says why it was rejected.
    assert tree.count("Image rejected: Positioning") == 1
    assert tree.count('IMAGE:(113795,DCM,"Acquired Image")') == 2


def test_accumulated_totals_are_sums_of_reported_values(study_with_three_exposures):
    sr, _, _ = study_with_three_exposures
    accumulated = next(i for i in sr.ContentSequence if i.ConceptNameCodeSequence[0].CodeValue == "113702")
    values = {
        i.ConceptNameCodeSequence[0].CodeValue: float(i.MeasuredValueSequence[0].NumericValue)
        for i in accumulated.ContentSequence if i.ValueType == "NUM"
    }
    dap_total_gym2 = sum(e[6] for e in EXPOSURES) * 1e-5
    assert values["113722"] == pytest.approx(dap_total_gym2)
    assert values["113727"] == pytest.approx(dap_total_gym2)
    assert values["113855"] == pytest.approx(sum(e[5] for e in EXPOSURES) / 1000)
    assert values["113731"] == 3


def test_evidence_lists_the_stored_images_by_series(study_with_three_exposures):
    sr, _, images = study_with_three_exposures
    evidence = sr.CurrentRequestedProcedureEvidenceSequence[0]
    referenced = {
        (series.SeriesInstanceUID, ref.ReferencedSOPInstanceUID)
        for series in evidence.ReferencedSeriesSequence for ref in series.ReferencedSOPSequence
    }
    assert referenced == {(images[0].SeriesInstanceUID, images[0].SOPInstanceUID),
                          (images[2].SeriesInstanceUID, images[2].SOPInstanceUID)}
    assert sr.ReferencedPerformedProcedureStepSequence[0].ReferencedSOPInstanceUID


def test_missing_dap_leaves_totals_out_rather_than_guessing(study_with_three_exposures):
    _, acquisitions, _ = study_with_three_exposures
    from dataclasses import replace

    partial = [replace(a, exposure=replace(a.exposure, ImageAndFluoroscopyAreaDoseProduct=None))
               if i == 1 else a for i, a in enumerate(acquisitions)]
    sr = XRayRadiationDoseSR(patient=s.patient(), study=s.study(), equipment=s.equipment(), acquisitions=partial)
    accumulated = next(i for i in sr.ContentSequence if i.ConceptNameCodeSequence[0].CodeValue == "113702")
    names = [i.ConceptNameCodeSequence[0].CodeValue for i in accumulated.ContentSequence]
    assert "113722" not in names and "113727" not in names
    assert "113855" in names


@pytest.mark.parametrize("changes, message", [
    (dict(acquisitions=[]), "at least one irradiation event"),
    (dict(CompletionFlag="DONE"), "Completion Flag"),
    (dict(equipment=s.equipment().__class__(**{**s.equipment().__dict__, "DeviceSerialNumber": ""})),
     "DeviceSerialNumber is Type 1"),
])
def test_bad_dose_report_input_is_refused(changes, message, study_with_three_exposures):
    _, acquisitions, _ = study_with_three_exposures
    kwargs = dict(patient=s.patient(), study=s.study(), equipment=s.equipment(), acquisitions=acquisitions)
    kwargs.update(changes)
    with pytest.raises(ValueError, match=message):
        XRayRadiationDoseSR(**kwargs)


def test_mammography_dose_report_per_breast(tmp_path, validate):
    from test_mg import build as build_mg, mammo_exposure

    acquisitions = []
    for i, (lat, view) in enumerate((("R", "CC"), ("L", "CC"), ("R", "MLO"), ("L", "MLO"))):
        e = mammo_exposure(OrganDose=0.010 + i * 0.001, FilterType="FLAT",
                           PositionerPrimaryAngle=45.0 if view == "MLO" else 0.0,
                           AcquisitionDateTime=s.STARTED + timedelta(minutes=i))
        ds = build_mg(view, lat, exposure=e)
        acquisitions.append(Acquisition(exposure=e, body_part="BREAST", view=view, ImageLaterality=lat,
                                        image=ImageRef.of(ds)))
    o = s.order()
    sr = XRayRadiationDoseSR(patient=s.patient(), study=s.study(o), equipment=s.equipment(), order=o,
                             performed_step=s.performed_step(), acquisitions=acquisitions, mammography=True)
    path = part10.write(tmp_path / "mg-rdsr.dcm", sr)
    assert validate(path) == [] and validate(path, "IHEREM") == []
    tree = run("dsrdump", "+Pc", str(path))
    assert '(121058,DCM,"Procedure reported")=(71651007,SCT,"Mammography")' in tree
    assert tree.count('CONTAINER:(113706,DCM,"Irradiation Event X-Ray Data")') == 4
    agd = {m[1]: float(m[0]) for m in re.findall(
        r'"Accumulated Average Glandular Dose"\)="([\d.]+)" \(mGy,UCUM,"mGy"\)>\n\s+<has concept mod CODE:\(272741003,SCT,"Laterality"\)=\(\d+,SCT,"(\w+) breast"\)', tree)}
    assert agd == {"Right": pytest.approx(2.2), "Left": pytest.approx(2.4)}  # mGy: (0.010+0.012)·100, (0.011+0.013)·100
    assert tree.count('(111631,DCM,"Average Glandular Dose")') == 4
    assert tree.count('(111632,DCM,"Anode Target Material")=(26194003,SCT,"Tungsten")') == 4
    assert tree.count('(113757,DCM,"X-Ray Filter Material")=(59801003,SCT,"Rhodium")') == 4
    assert tree.count('(111633,DCM,"Compression Thickness")="54"') == 4

"""The study's X-Ray Radiation Dose SR: TID 10001, every exposure (rejected ones too)."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone

import pytest
import samples as s
from conftest import run
from peers import tool
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


def _tree(path) -> str:
    return run("dsrdump", "+Pc", str(path))


def test_procedure_reported_carries_has_intent(tmp_path, study_with_three_exposures):
    sr, _, _ = study_with_three_exposures
    tree = _tree(part10.write(tmp_path / "rdsr.dcm", sr))
    assert '(363703001,SCT,"Has Intent")=(261004008,SCT,"Diagnostic Intent")' in tree
    assert "363675004" not in tree


def test_every_event_reports_dose_rp_its_reference_point_and_one_pulse(tmp_path, study_with_three_exposures):
    sr, acquisitions, _ = study_with_three_exposures
    tree = _tree(part10.write(tmp_path / "rdsr.dcm", sr))
    events = tree.split('CONTAINER:(113706,DCM,"Irradiation Event X-Ray Data")')[1:]
    assert len(events) == 3
    for event, a in zip(events, acquisitions):
        assert re.search(r'\(113738,DCM,"Dose \(RP\)"\)="([\d.e-]+)"', event).group(1)
        dose = float(re.search(r'\(113738,DCM,"Dose \(RP\)"\)="([\d.e-]+)"', event).group(1))
        assert dose == pytest.approx(a.exposure.DoseRP)
        assert '(113780,DCM,"Reference Point Definition")=(113941,DCM,"In Detector Plane")' in event
        assert '(113768,DCM,"Number of Pulses")="1" (1,UCUM,"no units")' in event
    accumulated = tree.split('CONTAINER:(113702,DCM,"Accumulated X-Ray Dose Data")')[1].split("113706")[0]
    total = sum(a.exposure.DoseRP for a in acquisitions)
    for concept in ('(113725,DCM,"Dose (RP) Total")', '(113729,DCM,"Acquisition Dose (RP) Total")'):
        value = re.search(re.escape(concept) + r'="([\d.e-]+)"', accumulated).group(1)
        assert float(value) == pytest.approx(total)


def _mammography_report(ContentDateTime=None):
    from test_mg import build as build_mg, mammo_exposure

    acquisitions = []
    for i, (lat, view) in enumerate((("R", "CC"), ("L", "CC"))):
        e = mammo_exposure(OrganDose=0.010, FilterType="FLAT", ImageAndFluoroscopyAreaDoseProduct=0.4,
                           AcquisitionDateTime=s.STARTED + timedelta(minutes=i))
        ds = build_mg(view, lat, exposure=e)
        acquisitions.append(Acquisition(exposure=e, body_part="BREAST", view=view, ImageLaterality=lat,
                                        image=ImageRef.of(ds)))
    return XRayRadiationDoseSR(patient=s.patient(), study=s.study(), equipment=s.equipment(),
                               acquisitions=acquisitions, mammography=True, ContentDateTime=ContentDateTime)


def test_mammography_report_writes_no_dose_area_product(tmp_path):
    """TID 10003: Dose Area Product only where the procedure reported is not mammography."""
    tree = _tree(part10.write(tmp_path / "mg.dcm", _mammography_report()))
    assert "122130" not in tree and "113722" not in tree and "113727" not in tree
    assert tree.count('(111631,DCM,"Average Glandular Dose")') == 2
    # Entrance Exposure at RP names its reference point; Dose (RP) is for projection X-ray only.
    assert tree.count('(113780,DCM,"Reference Point Definition")=(113964,DCM,"At Surface of Patient")') == 2
    assert "113738" not in tree


ZONES = [timezone.utc, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5)),
         timezone(timedelta(hours=5, minutes=30))]


@pytest.mark.parametrize("zone", ZONES, ids=lambda z: z.tzname(None))
def test_dcmtk_reads_every_report_in_every_time_zone(tmp_path, zone, study_with_three_exposures):
    """DCMTK 3.6.7's dsrdump and dsr2xml refuse a content DATETIME ending in +0000: no value
    carries an offset; Timezone Offset From UTC says it for the whole report."""
    _, acquisitions, _ = study_with_three_exposures
    content_time = datetime(2026, 11, 23, 10, 5, tzinfo=zone)
    reports = {
        "dx": XRayRadiationDoseSR(patient=s.patient(), study=s.study(), equipment=s.equipment(),
                                  acquisitions=acquisitions, ContentDateTime=content_time),
        "mg": _mammography_report(content_time),
    }
    offset = content_time.strftime("%z")
    for name, sr in reports.items():
        path = part10.write(tmp_path / f"{name}.dcm", sr)
        assert sr.TimezoneOffsetFromUTC == offset
        tree = run(tool("dsrdump"), "+Pc", str(path))
        xml = run(tool("dsr2xml"), str(path))
        assert "<report" in xml
        started = re.findall(r'\(111526,DCM,"DateTime Started"\)="(\d+)([^"]*)"', tree)
        assert started and all(rest == "" for _, rest in started), started
        # The value is the event's time in the report's zone.
        first = acquisitions[0].exposure.AcquisitionDateTime if name == "dx" else s.STARTED
        assert started[0][0] == first.astimezone(zone).strftime("%Y%m%d%H%M%S")


def test_station_on_utc_writes_a_report_dcmtk_reads(tmp_path, monkeypatch, study_with_three_exposures):
    """The report's zone defaults to the station clock's; here the station is on UTC."""
    _, acquisitions, _ = study_with_three_exposures
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        sr = XRayRadiationDoseSR(patient=s.patient(), study=s.study(), equipment=s.equipment(),
                                 acquisitions=acquisitions)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert sr.TimezoneOffsetFromUTC == "+0000"
    path = part10.write(tmp_path / "utc.dcm", sr)
    run(tool("dsrdump"), str(path))
    run(tool("dsr2xml"), str(path))


def test_dose_rp_is_dap_over_the_field_in_the_detector_plane():
    from vxacq import protocols
    from vxacq.dicom.rdsr.dosimetry import dose_rp_in_detector_plane
    from vxacq.workflow.acquisition import exposure_info

    # 0.121 Gy·cm² over 35 × 43 cm = 1505 cm² → 80.4 µGy at the detector.
    assert dose_rp_in_detector_plane(0.121, (350.0, 430.0)) == pytest.approx(0.121 / 1505.0)
    with pytest.raises(ValueError, match="collimated field must be positive"):
        dose_rp_in_detector_plane(0.121, (0.0, 430.0))
    sidecar = {"uid": "1.2.3", "stored": "2026-11-23T09:41:07+00:00",
               "reported": {"kv": 125, "ma": 320, "ms": 8, "mas": 2.56, "dap_Gy_cm2": 0.121},
               "requested": {"field_mm": [350.0, 430.0], "sid_mm": 1800.0}}
    e = exposure_info(sidecar, protocols.get("CHEST_PA"))
    assert e.DoseRP == pytest.approx(0.121 / 1505.0)
    assert e.ImageAndFluoroscopyAreaDoseProduct == pytest.approx(1.21)
    assert exposure_info(sidecar, protocols.get("MAMMO_LCC")).DoseRP is None


def test_mechanical_data_of_an_angled_and_a_straight_view(tmp_path):
    """TID 10003C: the mount, and either the tube column's angulation or the positioner angles
    (the template's rows exclude each other), in degrees."""
    acquisitions = [
        Acquisition(exposure=s.exposure(AcquisitionDateTime=s.STARTED, MechanicalConfiguration="TABLE",
                                        PositionerPrimaryAngle=0.0, ColumnAngulation=10.0),
                    body_part="COCCYX", view="AP", ImageLaterality="U"),
        Acquisition(exposure=s.exposure(AcquisitionDateTime=s.STARTED + timedelta(minutes=1),
                                        PositionerPrimaryAngle=0.0, PositionerSecondaryAngle=0.0),
                    body_part="CHEST", view="PA", ImageLaterality="U"),
    ]
    sr = XRayRadiationDoseSR(patient=s.patient(), study=s.study(), equipment=s.equipment(),
                             acquisitions=acquisitions)
    angled, straight = _tree(part10.write(tmp_path / "rdsr.dcm", sr)).split(
        'CONTAINER:(113706,DCM,"Irradiation Event X-Ray Data")')[1:]
    assert '(113956,DCM,"CR/DR Mechanical Configuration")=(113952,DCM,"Table Mount")' in angled
    assert '(113770,DCM,"Column Angulation")="10" (deg,UCUM,"deg")' in angled
    assert "112011" not in angled and "112012" not in angled
    assert '(112011,DCM,"Positioner Primary Angle")="0" (deg,UCUM,"deg")' in straight
    assert '(112012,DCM,"Positioner Secondary Angle")="0" (deg,UCUM,"deg")' in straight
    assert "113770" not in straight

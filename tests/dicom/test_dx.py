"""DX For Presentation images: valid for dciodvfy, filled from the real sources, inputs checked."""

from __future__ import annotations

from dataclasses import replace

import pytest
import samples as s
from pydicom.uid import DigitalXRayImageStorageForPresentation

from vxacq.dicom import codes, part10
from vxacq.dicom.dx import DXImage

# (body part, view, laterality, native orientation, rotation, flip)
EXAMS = [
    ("CHEST", "PA", "U", ("L", "F"), 0, False),
    ("HAND", "PA", "L", ("R", "F"), 90, False),
    ("KNEE", "LATERAL", "R", ("A", "F"), 0, True),
    ("PELVIS", "AP", "U", ("L", "F"), 180, False),
    ("CSPINE", "LL", "U", ("A", "F"), 270, True),
]


def build(body_part="CHEST", view="PA", laterality="U", native=("L", "F"), rotation=0, flip=False, **changes):
    o = changes.pop("order", s.order())
    kwargs = dict(
        patient=s.patient(), study=s.study(o), series=s.series(), equipment=s.equipment(),
        detector=s.detector(), exposure=s.exposure(),
        image=s.image(rotation=rotation, flip_horizontal=flip), body_part=body_part, view=view,
        ImageLaterality=laterality, native_orientation=native, order=o, performed_step=s.performed_step(),
    )
    kwargs.update(changes)
    return DXImage(**kwargs)


@pytest.mark.parametrize("exam", EXAMS, ids=[f"{e[0]}-{e[1]}" for e in EXAMS])
def test_dx_of_each_body_part_passes_dciodvfy(tmp_path, validate, exam):
    body_part, view, laterality, native, rotation, flip = exam
    ds = build(body_part, view, laterality, native, rotation, flip)
    path = part10.write(tmp_path / "dx.dcm", ds)
    assert validate(path) == []
    back = part10.read(path)
    assert back.SOPClassUID == DigitalXRayImageStorageForPresentation
    assert back.BodyPartExamined == codes.BODY_PARTS[body_part].BodyPartExamined
    assert back.AnatomicRegionSequence[0].CodeValue == codes.BODY_PARTS[body_part].code.value
    assert back.ViewCodeSequence[0].CodeValue == codes.DX_VIEWS[view].code.value
    assert back.ImageLaterality == laterality


def test_dx_carries_order_step_exposure_detector_and_chain_values(tmp_path):
    o, pps, e, d = s.order(), s.performed_step(), s.exposure(kvp=81, ma=250, ms=16), s.detector()
    img = s.image(seed=3, ExposureIndex=377.0, TargetExposureIndex=350.0, DeviationIndex=0.32)
    ds = build(order=o, performed_step=pps, exposure=e, detector=d, image=img)
    back = part10.read(part10.write(tmp_path / "dx.dcm", ds))

    assert back.StudyInstanceUID == o.StudyInstanceUID
    assert back.AccessionNumber == o.AccessionNumber
    request = back.RequestAttributesSequence[0]
    assert request.RequestedProcedureID == o.RequestedProcedureID
    assert request.ScheduledProcedureStepID == o.ScheduledProcedureStepID
    assert request.RequestedProcedureCodeSequence[0].CodeValue == o.RequestedProcedureCode.value
    assert request.ScheduledProtocolCodeSequence[0].CodeValue == o.ScheduledProtocolCodes[0].value
    assert back.ReferencedStudySequence[0].ReferencedSOPInstanceUID == o.ReferencedStudies[0][1]
    assert back.ReferringPhysicianName == o.ReferringPhysicianName
    assert back.AdmissionID == o.AdmissionID

    ref = back.ReferencedPerformedProcedureStepSequence[0]
    assert ref.ReferencedSOPInstanceUID == pps.SOPInstanceUID
    assert ref.ReferencedSOPClassUID == "1.2.840.10008.3.1.2.3.3"
    assert back.PerformedProcedureStepID == pps.PerformedProcedureStepID

    assert float(back.KVP) == 81
    assert back.XRayTubeCurrent == 250 and float(back.XRayTubeCurrentInuA) == 250000
    assert back.ExposureTime == 16 and float(back.ExposureTimeInuS) == 16000
    assert back.Exposure == 4 and back.ExposureInuAs == 4000
    assert float(back.ImageAndFluoroscopyAreaDoseProduct) == e.ImageAndFluoroscopyAreaDoseProduct
    assert back.IrradiationEventUID == e.IrradiationEventUID
    assert back.Grid == list(e.Grid)

    assert back.DetectorID == d.DetectorID
    assert back.DateOfLastDetectorCalibration == "20261120"
    assert back.DetectorType == "SCINTILLATOR"
    assert [float(v) for v in back.ImagerPixelSpacing] == list(d.ImagerPixelSpacing)

    assert float(back.ExposureIndex) == 377 and float(back.TargetExposureIndex) == 350
    assert float(back.DeviationIndex) == 0.32
    assert float(back.WindowCenter) == img.WindowCenter
    assert (part10.pixels(back) == img.pixel_array).all()
    assert back.LargestImagePixelValue == int(img.pixel_array.max())
    assert back.file_meta.ImplementationClassUID == part10.ImplementationClassUID


def test_patient_orientation_and_spacing_follow_rotation(tmp_path):
    d = s.detector(ImagerPixelSpacing=(0.1, 0.15), DetectorBinning=(1, 2))
    ds = build(native=("L", "F"), rotation=90, detector=d)
    assert list(ds.PatientOrientation) == ["H", "L"]
    assert [float(v) for v in ds.ImagerPixelSpacing] == [0.15, 0.1]
    assert [float(v) for v in ds.DetectorBinning] == [2, 1]
    flipped = build(native=("L", "F"), rotation=0, flip=True)
    assert list(flipped.PatientOrientation) == ["R", "F"]


def test_inverse_lut_means_monochrome1():
    ds = build(image=s.image(PresentationLUTShape="INVERSE"))
    assert ds.PhotometricInterpretation == "MONOCHROME1" and ds.PresentationLUTShape == "INVERSE"


def test_unscheduled_exam_has_no_request_attributes(tmp_path, validate):
    st = replace(s.study(), AccessionNumber="", ReferencedStudies=())
    ds = build(order=None, performed_step=None, study=st)
    assert "RequestAttributesSequence" not in ds
    assert "ReferencedPerformedProcedureStepSequence" not in ds
    validate(part10.write(tmp_path / "dx.dcm", ds))


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(body_part="HAND", laterality="U"), "paired body part"),
        (dict(body_part="CHEST", laterality="L"), "not paired"),
        (dict(laterality="X"), "Image Laterality"),
        (dict(body_part="ELBOWS"), "CID 4031"),
        (dict(view="SIDEWAYS"), "CID 4010"),
        (dict(native=("L", "Q")), "patient direction"),
        (dict(detector=s.detector(DetectorType="CCD")), "Detector Type"),
        (dict(image=s.image(PresentationLUTShape="LINEAR")), "Presentation LUT Shape"),
        (dict(image=s.image(bits=12, PixelIntensityRelationship="SQRT")), "Pixel Intensity Relationship"),
        (dict(image=s.image(WindowWidth=0)), "Window Width"),
        (dict(image=s.image(ImageType=("ORIGINAL", "SECONDARY"))), "Image Type"),
        (dict(exposure=s.exposure(ExposureControlMode="AEC")), "Exposure Control Mode"),
        (dict(patient=s.patient(PatientSex="X")), "Patient's Sex"),
        (dict(InstanceNumber=0), "Instance Number"),
    ],
)
def test_bad_input_is_refused_with_the_rule(changes, message):
    args = dict(changes)
    kwargs = {}
    for key in ("body_part", "view", "laterality", "native"):
        if key in args:
            kwargs[key] = args.pop(key)
    with pytest.raises(ValueError, match=message):
        build(**kwargs, **args)


def test_pixels_must_fit_bits_stored():
    img = s.image(bits=14)
    with pytest.raises(ValueError, match="Bits Stored 12"):
        build(image=replace(img, BitsStored=12))
    with pytest.raises(ValueError, match="uint16"):
        build(image=replace(img, pixel_array=img.pixel_array.astype("int32")))


def test_shutter_must_lie_inside_the_image():
    img = s.image(rows=64, cols=64)
    with pytest.raises(ValueError, match="shutter"):
        build(image=replace(img, shutter=s.Shutter(1, 80, 1, 60)))


def test_equipment_from_station_configuration():
    from vxacq.config import StationConfig
    from vxacq.dicom.inputs import EquipmentInfo

    station = StationConfig(station_name="DX-3", institution_name="St. Mary", character_set="ISO_IR 100")
    eq = EquipmentInfo.from_station(station, Manufacturer="VXacq project", ManufacturerModelName="VXacq",
                                    DeviceSerialNumber="7", SoftwareVersions=("0.1",), DeviceUID="2.25.1")
    assert (eq.StationName, eq.InstitutionName, eq.SpecificCharacterSet) == ("DX-3", "St. Mary", "ISO_IR 100")
    ds = build(equipment=eq)
    assert ds.StationName == "DX-3" and ds.SpecificCharacterSet == "ISO_IR 100"


def test_field_of_view_records_rotation_and_flip(tmp_path, validate):
    d = s.detector(FieldOfViewOrigin=(0, 0), ImagerPixelSpacing=(0.14, 0.14))
    ds = build(detector=d, rotation=270, flip=True)
    assert ds.FieldOfViewRotation == "270" and ds.FieldOfViewHorizontalFlip == "YES"
    assert [float(v) for v in ds.FieldOfViewDimensions] == [36, 36]  # 256 × 0.14 mm
    assert validate(part10.write(tmp_path / "fov.dcm", ds)) == []


def test_markers_not_burned_in_go_to_an_overlay(tmp_path, validate):
    import numpy as np
    from pydicom.pixels import unpack_bits

    img = s.image(seed=9)
    marks = np.zeros(img.pixel_array.shape, dtype=bool)
    marks[20:40, 200:230] = True  # an "L" marker's box
    ds = build(image=replace(img, marker_overlay=marks))
    path = part10.write(tmp_path / "ov.dcm", ds)
    assert validate(path) == []
    back = part10.read(path)
    assert back.BurnedInAnnotation == "NO"
    bits = unpack_bits(back[0x60003000].value)[: marks.size].reshape(marks.shape)
    assert np.array_equal(bits.astype(bool), marks)
    with pytest.raises(ValueError, match="must match"):
        build(image=replace(img, marker_overlay=marks[:10]))


def test_angled_view_carries_its_positioner_angles(tmp_path, validate):
    """An angled view (a coccyx AP 10° caudal) writes Column Angulation and the positioner
    angles in the DX Positioning module; dciodvfy accepts them."""
    ds = build("COCCYX", "AP", exposure=s.exposure(
        MechanicalConfiguration="TABLE", PositionerPrimaryAngle=0.0, PositionerSecondaryAngle=0.0,
        ColumnAngulation=10.0))
    path = part10.write(tmp_path / "dx.dcm", ds)
    assert validate(path) == []
    back = part10.read(path)
    assert (float(back.ColumnAngulation), float(back.PositionerPrimaryAngle),
            float(back.PositionerSecondaryAngle), back.PositionerType) == (10.0, 0.0, 0.0, "COLUMN")

"""MG For Presentation images: the four screening views, valid for dciodvfy and IHE Mammo."""

from __future__ import annotations

import pytest
import samples as s
from pydicom.uid import DigitalMammographyXRayImageStorageForPresentation, DigitalMammographyXRayImageStorageForProcessing

from vxacq.dicom import codes, part10
from vxacq.dicom.mg import MGImage
from vxacq.dicom.uids import new_uid

# dciodvfy checks View Position against the DX defined terms (AP, PA, LL…); mammography writes
# the ACR MQCM abbreviation (CC, MLO) that hanging protocols and IHE Mammo key on.
VIEW_POSITION_WARNING = "Unrecognized defined term <{}> for value 1 of attribute <View Position>"


def mammo_exposure(**changes):
    values = dict(
        kvp=29, ma=95, ms=1400, AnodeTargetMaterial="TUNGSTEN", FilterMaterial=("RHODIUM",),
        FilterThicknessMinimum=0.05, FilterThicknessMaximum=0.05, Grid=("RECIPROCATING",),
        CompressionForce=118.0, BodyPartThickness=54.0, OrganDose=0.0125, EntranceDoseInmGy=4.1,
        HalfValueLayer=0.52, RelativeXRayExposure=870, PositionerType="MAMMOGRAPHIC",
        DistanceSourceToDetector=650.0, DistanceSourceToPatient=630.0, MechanicalConfiguration="",
    )
    values.update(changes)
    return s.exposure(**values)


def build(view, laterality, **changes):
    o = s.order(RequestedProcedureDescription="MG screening bilateral")
    kwargs = dict(
        patient=s.patient(), study=s.study(o), series=s.series(SeriesDescription=f"{laterality}{view}"),
        equipment=s.equipment(),
        detector=s.detector(DetectorType="DIRECT", ImagerPixelSpacing=(0.085, 0.085),
                            DetectorActiveDimensions=(240.0, 300.0)),
        exposure=mammo_exposure(PositionerPrimaryAngle=45.0 if view == "MLO" else 0.0),
        image=s.image(bits=14, PixelPaddingValue=0, WindowCenterWidthExplanation="STANDARD",
                      source_image=(DigitalMammographyXRayImageStorageForProcessing, new_uid())),
        view=view, ImageLaterality=laterality, order=o, performed_step=s.performed_step(),
    )
    kwargs.update(changes)
    return MGImage(**kwargs)


@pytest.mark.parametrize("laterality, view, orientation", [
    ("L", "CC", ["A", "R"]), ("R", "CC", ["P", "L"]), ("L", "MLO", ["A", "FR"]), ("R", "MLO", ["P", "FL"]),
])
def test_screening_views_pass_dciodvfy_and_ihe_mammo(tmp_path, validate, laterality, view, orientation):
    ds = build(view, laterality)
    path = part10.write(tmp_path / f"{laterality}{view}.dcm", ds)
    expected = [VIEW_POSITION_WARNING.format(view)]
    assert [w.removeprefix("Warning - ") for w in validate(path)] == expected
    assert [w.removeprefix("Warning - ") for w in validate(path, "IHEMammo")] == expected
    back = part10.read(path)
    assert back.SOPClassUID == DigitalMammographyXRayImageStorageForPresentation
    assert back.Modality == "MG"
    assert back.ImageLaterality == laterality
    assert back.ViewCodeSequence[0].CodeValue == codes.MG_VIEWS[view].code.value
    assert back.AnatomicRegionSequence[0].CodeValue == codes.BREAST.code.value
    assert list(back.PatientOrientation) == orientation
    assert float(back.CompressionForce) == 118 and float(back.BodyPartThickness) == 54
    assert back.AnodeTargetMaterial == "TUNGSTEN" and back.FilterMaterial == "RHODIUM"
    assert float(back.OrganDose) == 0.0125 and float(back.EntranceDoseInmGy) == 4.1
    assert back.BreastImplantPresent == "NO" and back.PartialView == "NO"
    assert back.OrganExposed == "BREAST" and back.PositionerType == "MAMMOGRAPHIC"


def test_implant_displaced_partial_view(tmp_path, validate):
    ds = build("CC", "R", BreastImplantPresent=True, view_modifiers=("ID",), PartialView=True,
               PartialViewCodes=(codes.PARTIAL_VIEW_OPTIONS["POSTERIOR"],))
    assert ds.ViewCodeSequence[0].ViewModifierCodeSequence[0].CodeValue == codes.MG_VIEW_MODIFIERS["ID"].value
    assert ds.BreastImplantPresent == "YES" and ds.PartialView == "YES"
    validate(part10.write(tmp_path / "mg.dcm", ds))


@pytest.mark.parametrize("changes, message", [
    (dict(ImageLaterality="U"), "L, R or B"),
    (dict(view="AP"), "CID 4014"),
    (dict(view_modifiers=("ZZ",)), "CID 4015"),
    (dict(PartialView=True), "Partial View Code Sequence"),
    (dict(exposure=mammo_exposure(CompressionForce=None)), "Compression Force"),
    (dict(exposure=mammo_exposure(AnodeTargetMaterial="COPPER")), "Anode Target Material"),
])
def test_bad_mammography_input_is_refused(changes, message):
    view = changes.pop("view", "CC")
    laterality = changes.pop("ImageLaterality", "L")
    with pytest.raises(ValueError, match=message):
        build(view, laterality, **changes)

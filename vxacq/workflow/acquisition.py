"""From a stored exposure to its DICOM image: the glue between hal, imaging and dicom.

An exposure leaves a raw frame and a JSON sidecar (``vxacq.hal.rawstore``); the image chain
turns the frame into display pixels and an Exposure Index; this module fills the DICOM
builders' inputs from those real sources — the generator's reported technique, the detector's
identity and calibration, the chain's window, EI and orientation — and writes the Part 10 file.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydicom import Dataset

from vxacq import __version__
from vxacq.config import Config
from vxacq.dicom import part10
from vxacq.dicom.dx import DXImage
from vxacq.dicom.inputs import (
    Acquisition, DetectorInfo, EquipmentInfo, ExposureInfo, ImageInfo, ImageRef, OrderInfo,
    PatientInfo, PerformedStepInfo, SeriesInfo, StudyInfo,
)
from vxacq.dicom.mg import MGImage
from vxacq.dicom.orientation import quadruped_direction
from vxacq.dicom.rdsr import XRayRadiationDoseSR
from vxacq.dicom.rdsr.dosimetry import (
    GlandularDoseError, average_glandular_dose_mGy, dose_rp_in_detector_plane, entrance_air_kerma_mGy,
)
from vxacq.dicom.uids import device_uid
from vxacq.imaging.chain import ProcessedImage
from vxacq.protocols import Protocol

log = logging.getLogger(__name__)

MANUFACTURER = "VXacq"
MODEL_NAME = "VXacq DR Console"
# Focal spot nominal sizes (mm) of the simulated and default tube.
FOCAL_SPOT_MM = {"small": 0.6, "large": 1.2}


@dataclass(frozen=True)
class ImageContext:
    """Who and what an image belongs to: the patient, the study and series, the order."""

    patient: PatientInfo
    study: StudyInfo
    series: SeriesInfo
    equipment: EquipmentInfo
    order: OrderInfo | None = None
    performed_step: PerformedStepInfo | None = None
    InstanceNumber: int = 1


def equipment(config: Config, sidecar: dict[str, Any] | None = None) -> EquipmentInfo:
    """The console as the DICOM General Equipment module describes it."""
    versions = [f"VXacq {__version__}"]
    detector = (sidecar or {}).get("detector") or {}
    if detector.get("firmware"):
        versions.append(str(detector["firmware"]))
    return EquipmentInfo.from_station(
        config.station, Manufacturer=MANUFACTURER, ManufacturerModelName=MODEL_NAME,
        DeviceSerialNumber=config.station.station_name, SoftwareVersions=tuple(versions),
        DeviceUID=device_uid(config.station.station_name))


def exposure_info(sidecar: dict[str, Any], protocol: Protocol) -> ExposureInfo:
    """The exposure as the generator reported it (requested values only where none was reported)."""
    reported = sidecar.get("reported")
    if not reported:
        raise ValueError("the exposure has no generator report; an image needs the delivered "
                         "technique (kV, mA, ms)")
    requested = sidecar.get("requested") or {}
    started = (sidecar.get("frame") or {}).get("integration_start") or sidecar["stored"]
    dap_Gy_cm2 = reported.get("dap_Gy_cm2")
    positioner = sidecar.get("positioner") or {}
    field_mm = requested.get("field_mm") or protocol.field_mm
    sid_mm = float(requested.get("sid_mm", protocol.sid_mm))
    beam = mammography_dose(reported, positioner, sid_mm)[0] if protocol.modality == "MG" else {}
    return ExposureInfo(
        IrradiationEventUID=sidecar["uid"],
        AcquisitionDateTime=dt.datetime.fromisoformat(started),
        KVP=float(reported["kv"]),
        XRayTubeCurrentInmA=float(reported["ma"]),
        ExposureTimeInms=float(reported["ms"]),
        ExposureInmAs=float(reported["mas"]),
        # DICOM's DAP is in dGy·cm²; the generator reports Gy·cm².
        ImageAndFluoroscopyAreaDoseProduct=None if dap_Gy_cm2 is None else dap_Gy_cm2 * 10.0,
        # Mammography reports no Dose (RP) "In Detector Plane" (TID 10003 gives it AGD instead).
        DoseRP=None if dap_Gy_cm2 is None or protocol.modality == "MG"
        else dose_rp_in_detector_plane(float(dap_Gy_cm2), (float(field_mm[0]), float(field_mm[1]))),
        FocalSpots=(FOCAL_SPOT_MM[requested.get("focus", protocol.focus)],),
        Grid=("FIXED", "FOCUSED") if requested.get("grid", protocol.grid) else ("NONE",),
        DistanceSourceToDetector=sid_mm,
        ExposureControlMode="AUTOMATIC" if requested.get("aec") else "MANUAL",
        CompressionForce=positioner.get("CompressionForce"),
        BodyPartThickness=positioner.get("BodyPartThickness"),
        # what the protocol's view implies: the mount and the beam's angles (no device reports them)
        MechanicalConfiguration=protocol.mount,
        PositionerType="COLUMN" if protocol.mount else "",
        PositionerPrimaryAngle=protocol.positioner_primary_angle,
        PositionerSecondaryAngle=protocol.positioner_secondary_angle,
        ColumnAngulation=protocol.column_angulation,
        **beam,
    )


def mammography_dose(reported: dict[str, Any], positioner: dict[str, Any],
                     sid_mm: float) -> tuple[dict[str, Any], str]:
    """The beam and dose fields of a mammography exposure (ExposureInfo keywords) and, when the
    average glandular dose cannot be computed, why (else ""). Target, filter and HVL come from
    the generator's report; the entrance air kerma from its air kerma at 1 m and the distance
    to the compressed breast's upper surface; the AGD by Dance et al. (dosimetry module)."""
    fields: dict[str, Any] = {}
    if reported.get("anode_target"):
        fields["AnodeTargetMaterial"] = reported["anode_target"]
    if reported.get("filter_material"):
        fields["FilterType"] = "FLAT"
        fields["FilterMaterial"] = (reported["filter_material"],)
        if reported.get("filter_mm") is not None:
            fields["FilterThicknessMinimum"] = fields["FilterThicknessMaximum"] = float(reported["filter_mm"])
    hvl = reported.get("hvl_mm_al")
    if hvl is not None:
        fields["HalfValueLayer"] = float(hvl)
    thickness = positioner.get("BodyPartThickness")
    missing = [what for what, value in (
        ("the generator's air kerma at 1 m", reported.get("air_kerma_1m_mGy")),
        ("the half-value layer", hvl), ("the anode target", reported.get("anode_target")),
        ("the filter", reported.get("filter_material")),
        ("the compressed breast thickness", thickness)) if value in (None, "")]
    if missing:
        return fields, "Average Glandular Dose not computed: no " + ", no ".join(missing)
    try:
        entrance = entrance_air_kerma_mGy(float(reported["air_kerma_1m_mGy"]), sid_mm, float(thickness))
        fields["EntranceDoseInmGy"] = entrance
        agd = average_glandular_dose_mGy(entrance, float(hvl), float(thickness),
                                         reported["anode_target"], reported["filter_material"])
    except GlandularDoseError as exc:
        log.warning("average glandular dose not computed: %s", exc)
        return fields, f"Average Glandular Dose not computed: {exc}"
    fields["OrganDose"] = agd / 100.0  # Organ Dose (0040,0316) is in dGy
    return fields, ""


def partial_exposure(sidecar: dict[str, Any]) -> str:
    """"PARTIAL EXPOSURE: ..." when the generator ended the exposure early (its report says
    so), else "". Said in the image's Image Comments and its dose report's irradiation event."""
    reported = sidecar.get("reported")
    if not reported or reported.get("complete", True):
        return ""
    planned = (sidecar.get("requested") or {}).get("mas")
    of = f" of {planned:g} mAs planned" if planned else ""
    why = ((sidecar.get("error") or {}).get("message") or "").removeprefix("generator: ")
    return (f"PARTIAL EXPOSURE: the generator stopped early, {reported['mas']:.3g} mAs "
            f"delivered{of}" + (f" ({why})" if why else ""))[:10240]


def detector_info(sidecar: dict[str, Any], processed: ProcessedImage) -> DetectorInfo:
    d = sidecar["detector"]
    pitch = float(d["pixel_pitch_mm"])
    return DetectorInfo(
        DetectorType="SCINTILLATOR",
        ImagerPixelSpacing=(pitch, pitch),
        DetectorManufacturerName=str(d.get("manufacturer", "")),
        DetectorManufacturerModelName=str(d.get("model_name", "")),
        DetectorID=str(d.get("serial_number", "")),
        DetectorConfiguration="AREA",
        DetectorMode=str((sidecar.get("frame") or {}).get("sync_mode", "")),
        DateTimeOfLastDetectorCalibration=processed.calibration_created,
        DetectorTemperature=d.get("temperature_C"),
        DetectorActiveDimensions=(d["rows"] * pitch, d["columns"] * pitch),
        DetectorActiveShape="RECTANGLE",
        DetectorElementSpacing=(pitch, pitch),
    )


def dicom_transform(rotation: int, flip: str) -> tuple[int, bool]:
    """The chain flips then rotates clockwise; the builder rotates then flips horizontally.

    With H a horizontal flip and R(θ) a clockwise rotation, R(θ)·H = H·R(−θ), and a vertical
    flip is R(180°)·H, so every chain transform has one builder equivalent.
    """
    if flip == "none":
        return rotation % 360, False
    extra = 180 if flip == "vertical" else 0
    return (-(rotation + extra)) % 360, True


def image_info(processed: ProcessedImage) -> ImageInfo:
    rotation, flip_horizontal = dicom_transform(processed.orientation.rotation,
                                                processed.orientation.flip)
    return ImageInfo(
        pixel_array=processed.pixels,
        BitsStored=processed.bits_stored,
        WindowCenter=processed.window.center,
        WindowWidth=processed.window.width,
        ExposureIndex=processed.ei,
        TargetExposureIndex=processed.ei_t,
        DeviationIndex=processed.di,
        PixelIntensityRelationship="LOG",
        # The chain's output falls as X-ray intensity rises (MONOCHROME2: bone bright).
        PixelIntensityRelationshipSign=-1,
        rotation=rotation,
        flip_horizontal=flip_horizontal,
        BurnedInAnnotation=processed.burned_in_marker,
        DerivationDescription=f"VXacq multiscale processing, preset {processed.params.name}",
    )


def build_image(protocol: Protocol, sidecar: dict[str, Any], processed: ProcessedImage,
                ctx: ImageContext, SOPInstanceUID: str | None = None, *,
                exposure: ExposureInfo | None = None, image: ImageInfo | None = None) -> Dataset:
    """The DX or MG For Presentation image of one processed exposure (``SOPInstanceUID``: the
    one the exam database already holds for it; a new one when None). ``exposure`` and
    ``image`` replace what the sidecar and the processed image give (a stitched image)."""
    native = tuple(processed.params.patient_orientation)
    animal = ctx.patient.animal
    if animal is not None and animal.AnatomicalOrientationType == "QUADRUPED":
        native = tuple(quadruped_direction(d) for d in native)
    equipment = ctx.equipment
    if equipment.DateTimeOfLastCalibration is None and processed.calibration_created:
        # PS3.3 C.7.5.1: when the acquisition device's calibration last changed in any way;
        # the detector's offset/gain calibration is that change here (VXvue writes it too)
        equipment = replace(equipment, DateTimeOfLastCalibration=processed.calibration_created)
    common = dict(
        patient=ctx.patient, study=ctx.study, series=ctx.series, equipment=equipment,
        detector=detector_info(sidecar, processed),
        exposure=exposure or exposure_info(sidecar, protocol),
        image=image or replace(image_info(processed), ImageComments=partial_exposure(sidecar)),
        InstanceNumber=ctx.InstanceNumber, order=ctx.order,
        performed_step=ctx.performed_step, SOPInstanceUID=SOPInstanceUID,
        native_orientation=native,
    )
    laterality = (sidecar.get("requested") or {}).get("laterality") or protocol.laterality
    if protocol.modality == "MG":
        return MGImage(view=protocol.view_position, ImageLaterality=laterality, **common)
    return DXImage(body_part=protocol.body_part, view=protocol.view_position,
                   ImageLaterality=laterality, **common)


def summed_report(reports: list[dict[str, Any] | None]) -> dict[str, float | None]:
    """The generator reports of a long-length image's fields as one report (the generator's
    keys and units, as the image's row and its X-Ray Acquisition Dose give it): the first
    field's kV; time, current-time product and DAP summed, each None when a field's report
    lacks it (a sum of the others would understate the dose); the current that delivers that
    product in that time."""
    fields = [r or {} for r in reports]

    def total(key: str) -> float | None:
        values = [f.get(key) for f in fields]
        return None if any(v is None for v in values) else float(sum(values))

    ms, mas = total("ms"), total("mas")
    return {"kv": fields[0].get("kv"), "ms": ms, "mas": mas,
            "ma": mas / ms * 1000.0 if ms and mas is not None else None,
            "dap_Gy_cm2": total("dap_Gy_cm2")}


def long_length_exposure(sidecars: list[dict[str, Any]], protocol: Protocol) -> ExposureInfo:
    """The exposures of a long-length image as its one X-Ray Acquisition Dose: the first
    field's time and kV, the fields' reports summed (:func:`summed_report`), every field's
    irradiation event named."""
    each = [exposure_info(s, protocol) for s in sidecars]  # each field has its report
    first = each[0]
    summed = summed_report([s["reported"] for s in sidecars])
    dap_Gy_cm2, ma = summed["dap_Gy_cm2"], summed["ma"]
    dose_rp = [e.DoseRP for e in each]
    return replace(
        first, ExposureTimeInms=summed["ms"], ExposureInmAs=summed["mas"],
        XRayTubeCurrentInmA=first.XRayTubeCurrentInmA if ma is None else ma,
        # DICOM's DAP is in dGy·cm²; the generator reports Gy·cm².
        ImageAndFluoroscopyAreaDoseProduct=None if dap_Gy_cm2 is None else dap_Gy_cm2 * 10.0,
        DoseRP=None if any(d is None for d in dose_rp)
        else sum(d for d in dose_rp if d is not None),
        OtherIrradiationEventUIDs=tuple(e.IrradiationEventUID for e in each[1:]))


def build_long_length_image(protocol: Protocol, sidecars: list[dict[str, Any]],
                            processed: ProcessedImage, ctx: ImageContext,
                            SOPInstanceUID: str | None = None,
                            fields: tuple[tuple[str, str], ...] = ()) -> Dataset:
    """The stitched DX image of a long-length exposure: DERIVED, its derivation coded as image
    stitching, its fields' exposures as one X-Ray Acquisition Dose, and the fields' own images
    (``fields``: SOP Class and Instance UIDs) as its montage sources when they are kept."""
    comments = "; ".join(c for c in (partial_exposure(s) for s in sidecars) if c)
    image = replace(
        image_info(processed), stitched_fields=len(sidecars), montage_sources=fields,
        ImageComments=comments[:10240],
        DerivationDescription=f"VXacq long-length image stitched from {len(sidecars)} exposures "
                              f"(registration of the overlaps), multiscale processing, preset "
                              f"{processed.params.name}"[:1024])
    return build_image(protocol, sidecars[0], processed, ctx, SOPInstanceUID,
                       exposure=long_length_exposure(sidecars, protocol), image=image)


def acquisition_record(protocol: Protocol, sidecar: dict[str, Any], processed: ProcessedImage | None,
                       image: Dataset | None, rejected_reason: Any = None) -> Acquisition:
    """One exposure as the dose report lists it (rejected and unprocessed ones too)."""
    laterality = (sidecar.get("requested") or {}).get("laterality") or protocol.laterality or "U"
    return Acquisition(
        exposure=exposure_info(sidecar, protocol),
        body_part=protocol.body_part,
        view=protocol.view_position,
        ImageLaterality=laterality,
        image=ImageRef.of(image) if image is not None and rejected_reason is None else None,
        ExposureIndex=processed.ei if processed else None,
        TargetExposureIndex=processed.ei_t if processed else None,
        DeviationIndex=processed.di if processed else None,
        rejected_reason=rejected_reason,
        comment="; ".join(c for c in (partial_exposure(sidecar), _dose_problem(protocol, sidecar)) if c),
    )


def _dose_problem(protocol: Protocol, sidecar: dict[str, Any]) -> str:
    """Why a mammography exposure has no average glandular dose ("" when it has one)."""
    if protocol.modality != "MG" or not sidecar.get("reported"):
        return ""
    sid_mm = float((sidecar.get("requested") or {}).get("sid_mm", protocol.sid_mm))
    return mammography_dose(sidecar["reported"], sidecar.get("positioner") or {}, sid_mm)[1]


def dose_report(ctx: ImageContext, acquisitions: list[Acquisition], mammography: bool) -> Dataset:
    return XRayRadiationDoseSR(patient=ctx.patient, study=ctx.study, equipment=ctx.equipment,
                               acquisitions=acquisitions, order=ctx.order,
                               performed_step=ctx.performed_step, mammography=mammography)


def write(ds: Dataset, folder: Path, syntax: str = "explicit") -> Path:
    """Write ``ds`` atomically as ``<folder>/<SOPInstanceUID>.dcm``."""
    path = Path(folder) / f"{ds.SOPInstanceUID}.dcm"
    part10.write(path, ds, syntax)
    return path

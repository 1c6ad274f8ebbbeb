"""Fixed sample inputs for the conformance statement, two of each, built the way the console does.

Each ``build_*`` takes the set of input groups to change and returns what the console would
send: the images through :func:`vxacq.workflow.acquisition.build_image` from a generator
report, a detector, a protocol and the image chain's results; patients and orders read from
worklist answers by :func:`vxacq.dicom.worklist.from_worklist_item`; the station from a
:class:`Config`. UIDs the console mints are minted here too, so they show as generated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from types import SimpleNamespace

import numpy as np
from pydicom.dataset import Dataset
from pydicom.uid import DigitalXRayImageStorageForPresentation

from vxacq.config import (
    DEFAULT_WORKLIST_MAPPING, Config, NodeConfig, PrintOptions, StationConfig,
)
from vxacq.dicom import mpps, printing
from vxacq.dicom.inputs import (
    Acquisition, ImageRef, OrderInfo, PatientInfo, PerformedStepInfo, SeriesInfo, StudyInfo,
)
from vxacq.dicom.uids import new_uid
from vxacq.dicom.worklist import from_worklist_item, mapped_values
from vxacq.net import commitment
from vxacq.protocols import load as load_protocols
from vxacq.workflow import acquisition, annotations

Vary = frozenset[str]
IMAGE_GROUPS = ("worklist", "exam", "protocol", "configuration", "generator", "detector",
                "image chain")
MG_GROUPS = IMAGE_GROUPS + ("positioner",)
DOSE_GROUPS = ("worklist", "exam", "protocol", "configuration", "generator", "detector",
               "image chain")
MPPS_GROUPS = ("worklist", "exam", "configuration")
PRESENTATION_GROUPS = ("worklist", "exam", "configuration", "review")
REJECTION_GROUPS = ("worklist", "exam", "configuration", "rejection")
TZ = dt.timezone(dt.timedelta(hours=1))


def _pick(vary: Vary, group: str, a, b):
    return b if group in vary else a


def worklist_answer(vary: Vary = frozenset(), animal: bool = False) -> Dataset:
    """A Modality Worklist answer as an RIS sends it."""
    b = "worklist" in vary
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.PatientName = "Roe^Richard" if b else "Doe^Jane"
    ds.PatientID = "PID-0077" if b else "PID-0042"
    ds.IssuerOfPatientID = "CLINIC" if b else "HOSP"
    ds.PatientBirthDate = "19800101" if b else "19710314"
    ds.PatientSex = "M" if b else "F"
    ds.PatientSize = "1.81" if b else "1.68"
    ds.PatientWeight = "80" if b else "61.5"
    ds.PregnancyStatus = 1 if b else 4
    other = Dataset()
    other.PatientID = "NHS-88" if b else "NHS-77"
    ds.OtherPatientIDsSequence = [other]
    ds.AdditionalPatientHistory = "fall" if b else "cough for 3 weeks"
    ds.AdmittingDiagnosesDescription = "fracture?" if b else "suspected pneumonia"
    ds.AccessionNumber = "ACC-2" if b else "ACC-1"
    ds.StudyInstanceUID = "1.2.826.0.1.3680043.10.1.2" if b else "1.2.826.0.1.3680043.10.1.1"
    ds.RequestedProcedureID = "RP-18" if b else "RP-17"
    ds.RequestedProcedureDescription = "XR HAND" if b else "XR CHEST"
    ds.RequestedProcedureCodeSequence = [_code("HAND1", "99RIS", "XR Hand") if b else
                                         _code("36554-4", "LN", "XR Chest 2 Views")]
    ds.RequestedProcedurePriority = "STAT" if b else "ROUTINE"
    ds.ReasonForTheRequestedProcedure = "trauma" if b else "persistent cough"
    ds.ReferringPhysicianName = "Grey^Meredith" if b else "House^Gregory"
    ds.RequestingPhysician = "Wilson^James" if b else "Cuddy^Lisa"
    ds.AdmissionID = "ADM-6" if b else "ADM-5"
    ds.PlacerOrderNumberImagingServiceRequest = "PL-2" if b else "PL-1"
    ds.FillerOrderNumberImagingServiceRequest = "FL-2" if b else "FL-1"
    ref = Dataset()
    # Detached Study Management, or Study Root Q/R FIND as some RIS send
    ref.ReferencedSOPClassUID = "1.2.840.10008.5.1.4.1.2.2.1" if b else "1.2.840.10008.3.1.2.3.1"
    ref.ReferencedSOPInstanceUID = "1.2.826.0.1.3680043.10.2." + ("2" if b else "1")
    ds.ReferencedStudySequence = [ref]
    step = Dataset()
    step.ScheduledStationAETitle = "VXACQ"
    step.Modality = "MG" if b else "DX"
    step.ScheduledProcedureStepStartDate = "20260303" if b else "20260302"
    step.ScheduledProcedureStepStartTime = "1400" if b else "0930"
    step.ScheduledProcedureStepID = "SPS-18-1" if b else "SPS-17-1"
    step.ScheduledProcedureStepDescription = "Hand PA" if b else "Chest PA"
    step.ScheduledPerformingPhysicianName = "Yang^Cristina" if b else "Kovac^Luka"
    step.ScheduledProtocolCodeSequence = [_code("HAND", "99RIS", "Hand PA") if b else
                                          _code("CHEST", "99LOCAL", "Chest PA")]
    ds.ScheduledProcedureStepSequence = [step]
    if animal:
        ds.PatientSpeciesDescription = "Canis lupus familiaris"
        ds.PatientSpeciesCodeSequence = [_code("448771007", "SCT", "Canis lupus familiaris")]
        ds.PatientBreedDescription = "Beagle"
        ds.PatientBreedCodeSequence = [_code("44696006", "SCT", "Beagle")]
        ds.ResponsiblePerson = "Smith^John"
        ds.ResponsiblePersonRole = "OWNER"
        ds.ResponsibleOrganization = "Happy Paws Clinic"
        ds.PatientSexNeutered = "ALTERED"
    return ds


def _code(value: str, scheme: str, meaning: str) -> Dataset:
    item = Dataset()
    item.CodeValue = value
    item.CodingSchemeDesignator = scheme
    item.CodeMeaning = meaning
    return item


def config(vary: Vary = frozenset()) -> Config:
    b = "configuration" in vary
    station = StationConfig(
        ae_title="VXACQ2" if b else "VXACQ", station_name="DX-ROOM-2" if b else "DX-ROOM-1",
        institution_name="City Clinic" if b else "General Hospital",
        institution_address="2 High St" if b else "1 Main St",
        institutional_department_name="Emergency" if b else "Radiology",
        character_set="ISO_IR 100" if b else "ISO_IR 192")
    return Config(station=station, nodes=[NodeConfig("pacs", "PACS", "127.0.0.1", 104,
                                                     services=["store", "commitment"])])


def _started(vary: Vary) -> dt.datetime:
    return _pick(vary, "exam", dt.datetime(2026, 3, 2, 9, 41, 7, tzinfo=TZ),
                 dt.datetime(2026, 3, 3, 14, 5, 30, tzinfo=TZ))


def _patient_order_study(vary: Vary, animal: bool = False) -> tuple[PatientInfo, OrderInfo,
                                                                    StudyInfo]:
    """As ``ExamSession.start`` makes them for a scheduled exam."""
    answer = worklist_answer(vary, animal)
    patient, order = from_worklist_item(answer, "ISO_IR 100")
    # as order_inputs adds them, with the default [[worklist_mapping]]
    order = replace(order, MappedAttributes=mapped_values(
        answer, 0, [(m.key, m.image) for m in DEFAULT_WORKLIST_MAPPING]))
    now = _started(vary)
    study = StudyInfo.from_order(order, now, StudyID=order.RequestedProcedureID[:16]
                                 or now.strftime("%y%m%d%H%M%S"))
    return patient, order, study


def _protocol(vary: Vary, mammography: bool):
    protocols = load_protocols()
    if mammography:
        return protocols["MAMMO_RMLO" if "protocol" in vary else "MAMMO_LCC"]
    return protocols["KNEE_LAT" if "protocol" in vary else "CHEST_PA"]


def _sidecar(vary: Vary, protocol) -> dict:
    """What ``vxacq.hal.exposure`` stores beside a raw frame."""
    g, d = "generator" in vary, "detector" in vary
    integration = _pick(vary, "detector", "2026-03-02T09:43:07.250000+01:00",
                        "2026-03-03T14:07:12.500000+01:00")
    return {
        "uid": str(new_uid()), "protocol": protocol.id, "modality": protocol.modality,
        "stored": integration,
        "requested": {"kv": protocol.kv, "mas": protocol.mas, "focus": protocol.focus,
                      "aec": "protocol" in vary, "sid_mm": protocol.sid_mm,
                      "grid": protocol.grid,
                      "laterality": protocol.laterality or "L"},
        "reported": {"kv": 81.0 if g else 120.0, "ma": 250.0 if g else 320.0,
                     "ms": 32.0 if g else 10.0, "mas": 8.0 if g else 3.2,
                     "dap_Gy_cm2": 0.21 if g else 0.135}
        | ({"anode_target": "TUNGSTEN", "filter_material": "SILVER" if g else "RHODIUM",
            "filter_mm": 0.05, "hvl_mm_al": 0.54 if g else 0.42,
            "air_kerma_1m_mGy": 3.1 if g else 2.4} if protocol.modality == "MG" else {}),
        "detector": {"pixel_pitch_mm": 0.124 if d else 0.14,
                     "manufacturer": "Acme" if d else "Vieworks",
                     "model_name": "FP-2430" if d else "VIVIX-S 1717N",
                     "serial_number": "D-2" if d else "D-1",
                     "rows": 2048 if d else 3072, "columns": 2560 if d else 3072,
                     "temperature_C": 31.5 if d else 29.0},
        "frame": {"integration_start": integration, "sync_mode": "aed" if d else "triggered"},
    } | ({"positioner": {"CompressionForce": 95.0 if "positioner" in vary else 110.0,
                         "BodyPartThickness": 48.0 if "positioner" in vary else 52.0}}
         if protocol.modality == "MG" else {})


def _processed(vary: Vary, protocol, mammography: bool) -> SimpleNamespace:
    """The image chain's results, as many as the workflow's builders read."""
    from vxacq.imaging.params import load_presets

    c = "image chain" in vary
    bits = 14 if c else 12
    pixels = np.random.default_rng(7 if c else 3).integers(0, 1 << bits, (40, 30) if c else (32, 24),
                                                         dtype=np.uint16)
    return SimpleNamespace(
        pixels=pixels, bits_stored=bits,
        window=SimpleNamespace(center=8000.0 if c else 2000.0, width=12000.0 if c else 3000.0),
        ei=512.0 if c else 412.0, ei_t=float(protocol.target_ei), di=1.0 if c else 0.1,
        orientation=SimpleNamespace(rotation=90 if c else 0, flip="horizontal" if c else "none"),
        burned_in_marker=c,
        params=load_presets().for_protocol(protocol.id),
        calibration_created=_pick(vary, "detector", dt.datetime(2026, 2, 20, 7, 30, tzinfo=dt.UTC),
                                  dt.datetime(2026, 2, 27, 7, 0, tzinfo=dt.UTC)),
    )


def _context(vary: Vary, protocol, animal: bool = False) -> acquisition.ImageContext:
    """As ``ExamSession._context`` makes it for an image of the exam."""
    patient, order, study = _patient_order_study(vary, animal)
    now = _started(vary)
    performed = mpps_step(vary, study, now)
    series_time = now + dt.timedelta(minutes=1)
    series = SeriesInfo(
        SeriesInstanceUID=str(new_uid()), SeriesNumber=_pick(vary, "exam", 1, 2),
        SeriesDate=series_time.date(), SeriesTime=series_time.time(),
        SeriesDescription=protocol.name, ProtocolName=protocol.name,
        OperatorsName=(_pick(vary, "exam", "Tech^Tina", "Rad^Robin"),))
    return acquisition.ImageContext(
        patient=patient, study=study, series=series,
        equipment=acquisition.equipment(config(vary)), order=order, performed_step=performed,
        InstanceNumber=_pick(vary, "exam", 1, 3))


def mpps_step(vary: Vary, study: StudyInfo, now: dt.datetime) -> PerformedStepInfo:
    """As ``_new_step`` makes it."""
    return PerformedStepInfo(
        SOPInstanceUID=str(new_uid()), PerformedProcedureStepID=f"{study.StudyID}-1"[:16],
        PerformedProcedureStepStartDateTime=now.replace(microsecond=0),
        PerformedProcedureStepDescription=study.StudyDescription)


def build_image(vary: Vary, mammography: bool = False, animal: bool = False,
                partial: bool = False) -> Dataset:
    protocol = _protocol(vary, mammography)
    sidecar = _sidecar(vary, protocol)
    if partial:  # the generator stopped early (a tube arc): its report says so
        sidecar["reported"] = {**sidecar["reported"], "mas": 1.1, "complete": False}
        sidecar["error"] = {"message": "generator: fault 401: Tube arc: exposure stopped at "
                                       "1.10 mAs"}
    return acquisition.build_image(protocol, sidecar,
                                   _processed(vary, protocol, mammography),  # type: ignore[arg-type]
                                   _context(vary, protocol, animal))


def build_dx(vary: Vary) -> Dataset:
    return build_image(vary)


def build_dx_animal() -> Dataset:
    return build_image(frozenset(), animal=True)


def build_dx_partial() -> Dataset:
    """A partial exposure's image: Image Comments says so."""
    return build_image(frozenset(), partial=True)


def build_mg(vary: Vary) -> Dataset:
    return build_image(vary, mammography=True)


def build_presentation_state(vary: Vary) -> Dataset:
    """The GSPS of a DX image the radiographer annotated and measured (the console's own
    :func:`vxacq.workflow.annotations.presentation_state`)."""
    image = build_image(vary)
    rows, cols = int(image.Rows), int(image.Columns)
    end = _pick(vary, "review", (rows / 2, cols * 0.8), (rows * 0.75, cols * 0.6))
    notes = [annotations.TextNote(_pick(vary, "review", "POST OP", "STANDING"), (1.0, 2.0)),
             annotations.Distance((rows / 2, cols * 0.2), end, "")]
    scale = annotations.scale_of(image)
    notes[1] = annotations.Distance(notes[1].start, notes[1].end,
                                    scale.label(notes[1].start, notes[1].end))
    return annotations.presentation_state(
        image, notes, window=_pick(vary, "review", (2048.0, 4096.0), (1800.0, 3000.0)),
        created=_started(vary), operator=_pick(vary, "exam", "Smith^Anna", "Jones^Bo"))


def build_rejection_note(vary: Vary) -> Dataset:
    """The IOCM rejection note for a DX image that was sent and then rejected (as
    :func:`vxacq.workflow.rejection.reject_sent` writes it)."""
    from vxacq.dicom.codes import REJECTION_TITLES
    from vxacq.dicom.kos import rejection_note

    image = build_image(vary)
    title = REJECTION_TITLES[_pick(vary, "rejection", "113001", "113037")]
    return rejection_note([image], title, SeriesInstanceUID=new_uid(), SOPInstanceUID=new_uid(),
                          created=_started(vary) + dt.timedelta(minutes=10),
                          SeriesNumber=_pick(vary, "exam", 3, 4))


def _acquisitions(vary: Vary) -> list[Acquisition]:
    """One kept and one rejected exposure, as ``_write_dose_report`` lists them."""
    from vxacq.dicom.codes import REJECT_REASONS

    protocol = _protocol(vary, False)
    processed = _processed(vary, protocol, False)
    kept = acquisition.acquisition_record(protocol, _sidecar(vary, protocol), None, None)
    kept = replace(kept, image=ImageRef(str(new_uid()), DigitalXRayImageStorageForPresentation,
                                        str(new_uid())),
                   ExposureIndex=processed.ei, TargetExposureIndex=processed.ei_t,
                   DeviationIndex=processed.di)
    rejected = acquisition.acquisition_record(protocol, _sidecar(vary, protocol), None, None,
                                              next(iter(REJECT_REASONS.values())))
    return [kept, rejected]


def build_dose_report(vary: Vary) -> Dataset:
    protocol = _protocol(vary, False)
    ctx = _context(vary, protocol)
    ctx = replace(ctx, series=SeriesInfo(
        SeriesInstanceUID=str(new_uid()), SeriesNumber=9999,
        SeriesDate=ctx.series.SeriesDate, SeriesTime=ctx.series.SeriesTime))
    return acquisition.dose_report(ctx, _acquisitions(vary), mammography=False)


def build_mpps_create(vary: Vary) -> Dataset:
    patient, order, study = _patient_order_study(vary)
    now = _started(vary)
    step = mpps_step(vary, study, now)
    start = mpps.StepStart(PerformedProcedureStepID=step.PerformedProcedureStepID, started=now,
                           patient=patient, StudyInstanceUID=study.StudyInstanceUID, order=order,
                           StudyID=study.StudyID, Modality=_scheduled_modality(vary),
                           PerformedProcedureStepDescription=study.StudyDescription,
                           ProcedureCodes=study.ProcedureCodes)
    return mpps.n_create(start, config(vary).station)


def _scheduled_modality(vary: Vary) -> str:
    """The exam's modality as ``ExamSession.start`` takes it: the order's, if DX or MG."""
    return str(worklist_answer(vary).ScheduledProcedureStepSequence[0].Modality)


def build_mpps_set(vary: Vary, status: str = mpps.COMPLETED) -> Dataset:
    """As ``ExamSession._queue_n_set`` makes it: one image series and the dose report."""
    _patient, order, study = _patient_order_study(vary)
    ended = _started(vary) + dt.timedelta(minutes=12)
    operators = (_pick(vary, "exam", "Tech^Tina", "Rad^Robin"),)
    series = (
        mpps.PerformedSeries(SeriesInstanceUID=str(new_uid()), ProtocolName="Chest PA",
                             OperatorsName=operators,
                             images=((DigitalXRayImageStorageForPresentation, str(new_uid())),)),
        mpps.PerformedSeries(SeriesInstanceUID=str(new_uid()), ProtocolName="Dose report",
                             OperatorsName=operators,
                             non_images=(("1.2.840.10008.5.1.4.1.1.88.67", str(new_uid())),)),
    )
    end = mpps.StepEnd(status=status, ended=ended,
                       series=series if status == mpps.COMPLETED else (),
                       discontinuation_reason=None,
                       PerformedProcedureStepDescription=study.StudyDescription,
                       ProcedureCodes=study.ProcedureCodes,
                       PerformedProtocolCodes=order.ScheduledProtocolCodes
                       if status == mpps.COMPLETED else ())
    return mpps.n_set(end, config(vary).station)


def build_mpps_discontinued() -> Dataset:
    return build_mpps_set(frozenset(), mpps.DISCONTINUED)


def build_commitment_request(vary: Vary) -> Dataset:
    sop_class = ("1.2.840.10008.5.1.4.1.1.1.2" if "stored instances" in vary
                 else DigitalXRayImageStorageForPresentation)
    return commitment.request_dataset(str(new_uid()), [(sop_class, str(new_uid()))])


def _print_options(vary: Vary) -> PrintOptions:
    if "configuration" not in vary:
        return PrintOptions(smoothing_type="NORMAL", annotation_format="ANNOTATION")
    return PrintOptions(smoothing_type="MEDIUM", annotation_format="LABEL",
                        illumination=1500, reflected_ambient_light=5,
                        film_size="8INX10IN", layout="STANDARD\\1,2", orientation="LANDSCAPE",
                        medium_type="CLEAR FILM", film_destination="PROCESSOR", priority="HIGH",
                        copies=2, magnification_type="BILINEAR", min_density=10,
                        max_density=300, border_density="WHITE", empty_image_density="WHITE",
                        trim=True, bits=8, true_size=True)


def build_film_session(vary: Vary) -> Dataset:
    label = _pick(vary, "job", "Doe^Jane ACC-1", "Roe^Richard ACC-2")
    return printing.film_session(_print_options(vary), label)


def build_film_box(vary: Vary) -> Dataset:
    session = _pick(vary, "printer", "1.2.826.0.1.3680043.10.9.1", "1.2.826.0.1.3680043.10.9.2")
    lut = _pick(vary, "printer", "1.2.826.0.1.3680043.10.9.3", "1.2.826.0.1.3680043.10.9.4")
    return printing.film_box(_print_options(vary), session, presentation_lut_uid=lut,
                             annotation=True)


def build_image_box(vary: Vary) -> Dataset:
    image = build_image(frozenset({"image chain"}) if "image" in vary else frozenset())
    return printing.image_box(image, _pick(vary, "job", 1, 2), _print_options(vary))

"""The exam database's tables.

Columns that hold a DICOM attribute carry its keyword as their name (``PatientName``, not
``pat_name``). The schema itself is created and upgraded by ``schema.py``; these classes are
how the code reads and writes it, and a test keeps the two in agreement.
"""

from __future__ import annotations

from datetime import datetime, timezone
from enum import StrEnum

from sqlalchemy import String
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def aware(value: datetime | None) -> datetime | None:
    """A time read back from SQLite, which keeps no zone: every time we write is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=timezone.utc)


# States are stored as their plain string values (sa_type=String) so the rows read the same
# from SQL, from the migrations and from Python.


class OrderState(StrEnum):
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    DISCONTINUED = "discontinued"
    # The worklist no longer lists it (cancelled or rescheduled at the RIS).
    GONE = "gone"


class StudyState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class ImageState(StrEnum):
    ACQUIRED = "acquired"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class JobKind(StrEnum):
    STORE = "store"
    COMMITMENT = "commitment"
    PRINT = "print"
    MPPS = "mpps"
    # The study published to the department database (vxacq.net.department).
    PUBLISH = "publish"


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class CommitmentState(StrEnum):
    PENDING = "pending"
    COMMITTED = "committed"
    PARTIAL = "partial"
    FAILED = "failed"
    TIMED_OUT = "timed_out"


class Patient(SQLModel, table=True):
    __tablename__ = "patient"
    id: int | None = Field(default=None, primary_key=True)
    PatientID: str = Field(index=True)
    IssuerOfPatientID: str = ""
    PatientName: str = ""
    PatientBirthDate: str = ""
    PatientSex: str = ""
    OtherPatientIDs: str = ""
    # Veterinary patients (empty for humans).
    PatientSpeciesDescription: str = ""
    PatientBreedDescription: str = ""
    ResponsiblePerson: str = ""
    ResponsibleOrganization: str = ""
    PatientSexNeutered: str = ""
    created_at: datetime = Field(default_factory=utcnow)


class Order(SQLModel, table=True):
    """One scheduled procedure step received from a worklist node (or registered by hand)."""

    __tablename__ = "orders"
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    node: str = ""  # the worklist node it came from; "" for manual registration
    AccessionNumber: str = Field(default="", index=True)
    RequestedProcedureID: str = ""
    RequestedProcedureDescription: str = ""
    RequestedProcedurePriority: str = ""
    ScheduledProcedureStepID: str = ""
    ScheduledProcedureStepDescription: str = ""
    ScheduledProcedureStepStartDate: str = Field(default="", index=True)
    ScheduledProcedureStepStartTime: str = ""
    ScheduledStationAETitle: str = ""
    Modality: str = ""
    StudyInstanceUID: str = ""
    ReferringPhysicianName: str = ""
    state: OrderState = Field(default=OrderState.SCHEDULED, sa_type=String)
    # The C-FIND response as received (Part 10 bytes, Explicit VR LE), so nothing is lost.
    dataset: bytes | None = None
    received_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Study(SQLModel, table=True):
    __tablename__ = "study"
    id: int | None = Field(default=None, primary_key=True)
    StudyInstanceUID: str = Field(unique=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    order_id: int | None = Field(default=None, foreign_key="orders.id")
    AccessionNumber: str = ""
    StudyID: str = ""
    StudyDate: str = ""
    StudyTime: str = ""
    StudyDescription: str = ""
    ReferringPhysicianName: str = ""
    OperatorsName: str = ""
    # The room's station name (config [station] station_name) when the study was made; empty
    # in rows made before it was recorded (reports read those as this station's).
    StationName: str = ""
    state: StudyState = Field(default=StudyState.OPEN, sa_type=String)
    created_at: datetime = Field(default_factory=utcnow)
    # The patient's name and ID, accession and description folded (vxacq.db.folding) for the
    # history search; written by the database's triggers, never by the code.
    search_text: str = ""


class PerformedStep(SQLModel, table=True):
    """A Modality Performed Procedure Step: the instance UID and where it stands."""

    __tablename__ = "performed_step"
    id: int | None = Field(default=None, primary_key=True)
    study_id: int = Field(foreign_key="study.id", index=True)
    SOPInstanceUID: str = Field(unique=True)  # the MPPS instance (SCP-assigned when it chose one)
    PerformedProcedureStepID: str = ""
    PerformedProcedureStepStatus: str = "IN PROGRESS"
    PerformedProcedureStepStartDate: str = ""
    PerformedProcedureStepStartTime: str = ""
    PerformedProcedureStepEndDate: str = ""
    PerformedProcedureStepEndTime: str = ""
    discontinuation_code: str = ""  # CID 9300 code value when DISCONTINUED
    created_at: datetime = Field(default_factory=utcnow)


# The series of a study that hold no exposure: dose reports (SR), rejection notes (KO) and
# presentation states (PR, annotations). Whatever counts exposures — the exam's dose and
# summary, the QA reports — leaves them out.
NOT_EXPOSURES = ("SR", "KO", "PR")


class Series(SQLModel, table=True):
    __tablename__ = "series"
    id: int | None = Field(default=None, primary_key=True)
    SeriesInstanceUID: str = Field(unique=True)
    study_id: int = Field(foreign_key="study.id", index=True)
    performed_step_id: int | None = Field(default=None, foreign_key="performed_step.id")
    SeriesNumber: int = 1
    Modality: str = "DX"
    BodyPartExamined: str = ""
    ViewPosition: str = ""
    Laterality: str = ""
    ProtocolName: str = ""
    created_at: datetime = Field(default_factory=utcnow)


class Image(SQLModel, table=True):
    __tablename__ = "image"
    id: int | None = Field(default=None, primary_key=True)
    series_id: int = Field(foreign_key="series.id", index=True)
    SOPInstanceUID: str = Field(unique=True)
    SOPClassUID: str = ""
    InstanceNumber: int = 1
    file_path: str = ""  # the DICOM file, written atomically before this is set
    raw_path: str = ""  # the raw detector frame, persisted before processing
    state: ImageState = Field(default=ImageState.ACQUIRED, sa_type=String)
    KVP: float | None = None
    XRayTubeCurrent: float | None = None  # mA
    ExposureTime: float | None = None  # ms
    Exposure: float | None = None  # mAs
    ImageAndFluoroscopyAreaDoseProduct: float | None = None  # dGy·cm²
    DistanceSourceToDetector: float | None = None  # mm
    ExposureIndex: float | None = None
    TargetExposureIndex: float | None = None
    DeviationIndex: float | None = None
    reject_code_value: str = ""
    reject_coding_scheme: str = ""
    reject_code_meaning: str = ""
    acquired_at: datetime = Field(default_factory=utcnow)


class Job(SQLModel, table=True):
    """Network work for the outbox: written before it runs, updated after each attempt."""

    __tablename__ = "job"
    id: int | None = Field(default=None, primary_key=True)
    kind: JobKind = Field(sa_type=String)
    node: str = Field(index=True)
    state: JobState = Field(default=JobState.QUEUED, sa_type=String, index=True)
    study_id: int | None = Field(default=None, foreign_key="study.id", index=True)
    payload: str = "{}"  # JSON: what to do (file paths, SOP instances, MPPS action, ...)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    last_error: str = ""
    progress: str = ""  # what the running attempt is doing ("3 of 12 instances sent")
    # A process claims a job by writing its name and a lease; an expired lease is free again,
    # so a job is never run by two processes and never stranded by one that died.
    claimed_by: str = ""
    lease_expires_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Commitment(SQLModel, table=True):
    """A Storage Commitment request (N-ACTION) and its outcome, keyed by Transaction UID."""

    __tablename__ = "commitment"
    id: int | None = Field(default=None, primary_key=True)
    TransactionUID: str = Field(unique=True)
    node: str
    job_id: int | None = Field(default=None, foreign_key="job.id")
    state: CommitmentState = Field(default=CommitmentState.PENDING, sa_type=String)
    requested_at: datetime = Field(default_factory=utcnow)
    answered_at: datetime | None = None


class CommitmentItem(SQLModel, table=True):
    __tablename__ = "commitment_item"
    id: int | None = Field(default=None, primary_key=True)
    commitment_id: int = Field(foreign_key="commitment.id", index=True)
    ReferencedSOPClassUID: str
    ReferencedSOPInstanceUID: str = Field(index=True)
    committed: bool | None = None  # None until the report arrives
    FailureReason: int | None = None


class AuditEvent(SQLModel, table=True):
    """Who did what: exams started and closed, images rejected, jobs retried or cancelled."""

    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    user: str = ""
    action: str
    detail: str = ""
    study_id: int | None = Field(default=None, foreign_key="study.id")
    # JSON: what the DICOM audit message needs beyond the above (patient, study, peer, outcome),
    # taken when the event happened; see vxacq.security.audit.
    data: str = ""
    # When the audit repository took the message; None while it waits (or none is configured).
    forwarded_at: datetime | None = Field(default=None, index=True)


class UserAccount(SQLModel, table=True):
    """A local account of the console (vxacq.security.accounts): who may work here and as
    what. Secrets are kept only as argon2id hashes; the plain password never reaches a row."""

    __tablename__ = "user_account"
    id: int | None = Field(default=None, primary_key=True)
    user: str = Field(unique=True, index=True)  # the login name
    display_name: str = ""  # a DICOM PN (Family^Given): the Operators' Name in images and MPPS
    roles: str = ""  # role names separated by spaces (vxacq.security.roles.Role)
    password_hash: str = ""
    pin_hash: str = ""  # "" when the account has no PIN
    disabled: bool = False
    failed_logins: int = 0  # failures in a row since the last good login
    locked_until: datetime | None = None  # refused until then after too many failures
    created: datetime = Field(default_factory=utcnow)
    changed: datetime = Field(default_factory=utcnow)
    last_login: datetime | None = None


class AuditSender(SQLModel, table=True):
    """The one row whose lease says which process forwards the audit trail: one sender at a
    time keeps the messages in order and sends none twice, however many processes share the
    data dir."""

    __tablename__ = "audit_sender"
    id: int | None = Field(default=None, primary_key=True)
    claimed_by: str = ""
    lease_expires_at: datetime | None = None
    last_error: str = ""  # why the repository did not take the backlog, for `vxacq audit`
    updated_at: datetime | None = None



class DoseConfirmation(SQLModel, table=True):
    """A dose notification the radiographer confirmed before an exposure, and why.

    DAP values in dGy·cm² (the DICOM unit); ``level_kind`` is ``exposure`` or ``exam``;
    ``estimate`` says how the projected DAP was found."""

    __tablename__ = "dose_confirmation"
    id: int | None = Field(default=None, primary_key=True)
    study_id: int = Field(foreign_key="study.id", index=True)
    at: datetime = Field(default_factory=utcnow)
    user: str = ""
    protocol_id: str
    level_kind: str
    projected_dap: float
    exam_total_dap: float
    level_dap: float
    estimate: str = ""
    reason: str

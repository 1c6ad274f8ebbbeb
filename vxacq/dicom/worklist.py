"""A Modality Worklist answer (one C-FIND response) turned into the builders' typed inputs.

The answer is decoded with its own Specific Character Set, or the node's fallback when the SCP
sent none, so the patient's name arrives as the characters the RIS holds. The set it came in is
kept on the order so the image can be written in it when the station's preferred set cannot
carry the text. Malformed optional values (a birth date like ``19710230``) are dropped with a
warning rather than blocking the exam; identity values are kept verbatim.
"""

from __future__ import annotations

import copy
import functools
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from io import BytesIO
from typing import TYPE_CHECKING, TypeVar

from pydicom import dcmwrite
from pydicom.datadict import DicomDictionary, dictionary_VR, keyword_for_tag, tag_for_keyword
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.multival import MultiValue
from pydicom.tag import BaseTag
from pydicom.values import convert_value

from vxacq.dicom import charset
from vxacq.dicom.inputs import AnimalInfo, OrderInfo, PatientInfo
from vxacq.logs import phi

if TYPE_CHECKING:
    from pydicom.sr.coding import Code

log = logging.getLogger(__name__)

_Record = TypeVar("_Record", PatientInfo, OrderInfo)


# The VRs whose values pydicom converts from their bytes alone (and the character set).
_STRING_VRS = frozenset({"AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST",
                         "TM", "UC", "UI", "UR", "UT"})


@functools.cache
def _entry(keyword: str) -> tuple[BaseTag, str]:
    tag = BaseTag(tag_for_keyword(keyword))
    return tag, dictionary_VR(tag)


def _get(ds: Dataset, keyword: str) -> object:
    """``ds.get(keyword)``. A string value still as received, in its dictionary VR, is
    converted here as pydicom converts it on first access (``convert_value`` with the data
    set's character set), without pydicom's per-access work: that work was a third of a
    worklist answer's reading. Anything else — absent, already converted, another VR (which
    pydicom's hooks may change), a sequence — is pydicom's own ``get``."""
    tag, vr = _entry(keyword)
    element = ds.get_item(tag)
    if (type(element) is RawDataElement and element.VR == vr and vr in _STRING_VRS
            and element.value is not None and ds.original_character_set
            and tag != 0x00080005):  # pydicom reads the set itself in its default one
        return convert_value(vr, element, ds.original_character_set)
    return ds.get(keyword)


def _text(ds: Dataset, keyword: str) -> str:
    """A value as text; several values (VM 1-n) joined with the DICOM delimiter, so they are
    written back as values — ``str`` of a pydicom MultiValue is a Python list's text."""
    value = _get(ds, keyword)
    if value is None:
        return ""
    if isinstance(value, MultiValue):
        return "\\".join(str(v) for v in value)
    return str(value)


def _code(item: Dataset) -> Code | None:
    from pydicom.sr.coding import Code

    value = item.get("CodeValue") or item.get("LongCodeValue") or item.get("URNCodeValue")
    if not value or not item.get("CodingSchemeDesignator"):
        return None
    return Code(str(value), str(item.CodingSchemeDesignator), str(item.get("CodeMeaning", "")),
                item.get("CodingSchemeVersion") or None)


def _codes(ds: Dataset, keyword: str) -> tuple[Code, ...]:
    return tuple(c for c in (_code(i) for i in ds.get(keyword) or []) if c is not None)


def _first_code(ds: Dataset, keyword: str) -> Code | None:
    found = _codes(ds, keyword)
    return found[0] if found else None


def _date(ds: Dataset, keyword: str, who: str) -> date | None:
    raw = _text(ds, keyword).strip()
    if not raw:
        return None
    day = raw[:8]
    try:
        # DA is YYYYMMDD (PS3.5 6.2); strptime would also take "197112" as 2 January 1971
        if len(day) != 8 or not (day.isascii() and day.isdigit()):
            raise ValueError(day)
        return date(int(day[:4]), int(day[4:6]), int(day[6:]))
    except ValueError:
        log.warning("worklist item for %s: %s %r is not a date; left empty", phi(who), keyword, raw)
        return None


def _float(ds: Dataset, keyword: str) -> float | None:
    raw = _get(ds, keyword)
    try:
        return float(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        log.warning("worklist item: %s %r is not a number; left empty", keyword, raw)
        return None


def from_worklist_item(
    ds: Dataset, fallback_character_set: str | None = None, step: int = 0
) -> tuple[PatientInfo, OrderInfo]:
    """(patient, order) from one worklist answer; ``step`` picks the Scheduled Procedure Step
    Sequence item when the answer carries several. ``ds`` itself is not changed."""
    return _read_item(copy.deepcopy(ds), fallback_character_set, step)


def _read_item(ds: Dataset, fallback_character_set: str | None, step: int, *,
               as_read: bool = False) -> tuple[PatientInfo, OrderInfo]:
    """:func:`from_worklist_item` on a data set of its own, whose text is decoded in place.

    ``as_read``: ``ds`` was read from the answer's bytes, its values as received or
    converted by pydicom only (no fallback set applied). Then, unless the node's fallback set must be applied, each value is decoded when it is
    read (pydicom converts a value as received with the data set's own Specific Character Set
    on first access, as ``Dataset.decode`` would) and the values no field needs never are."""
    received_set = ds.get("SpecificCharacterSet") or fallback_character_set or ""
    if not isinstance(received_set, str):
        received_set = "\\".join(received_set)
    if not (as_read and ("SpecificCharacterSet" in ds or not fallback_character_set)):
        charset.decode_received(ds, fallback_character_set)

    who = _text(ds, "PatientID")
    steps = ds.get("ScheduledProcedureStepSequence") or []
    if steps and not 0 <= step < len(steps):
        raise ValueError(f"worklist item has {len(steps)} scheduled steps; step {step} does not exist")
    sps = steps[step] if steps else Dataset()

    animal = None
    # An SCP answers every key asked, empty ones too: a species makes the patient an animal.
    if _text(ds, "PatientSpeciesDescription") or _first_code(ds, "PatientSpeciesCodeSequence"):
        animal = AnimalInfo(
            PatientSpeciesDescription=_text(ds, "PatientSpeciesDescription"),
            PatientSpeciesCode=_first_code(ds, "PatientSpeciesCodeSequence"),
            PatientBreedDescription=_text(ds, "PatientBreedDescription"),
            PatientBreedCode=_first_code(ds, "PatientBreedCodeSequence"),
            BreedRegistrations=tuple(
                (str(r.get("BreedRegistrationNumber", "")), c)
                for r in ds.get("BreedRegistrationSequence") or []
                for c in _codes(r, "BreedRegistryCodeSequence")[:1]
            ),
            ResponsiblePerson=_text(ds, "ResponsiblePerson"),
            ResponsiblePersonRole=_text(ds, "ResponsiblePersonRole"),
            ResponsibleOrganization=_text(ds, "ResponsibleOrganization"),
            PatientSexNeutered=_text(ds, "PatientSexNeutered"),
        )
    sex = _text(ds, "PatientSex").upper()
    if sex not in ("M", "F", "O", ""):
        log.warning("worklist item for %s: Patient's Sex %r is not M, F or O; left empty", phi(who), sex)
        sex = ""
    pregnancy = ds.get("PregnancyStatus")
    patient = PatientInfo(
        PatientName=_text(ds, "PatientName"),
        PatientID=who,
        IssuerOfPatientID=_text(ds, "IssuerOfPatientID"),
        PatientBirthDate=_date(ds, "PatientBirthDate", who),
        PatientSex=sex,
        OtherPatientIDs=tuple(str(i.get("PatientID", "")) for i in ds.get("OtherPatientIDsSequence") or []),
        EthnicGroup=_text(ds, "EthnicGroup"),
        PatientComments=_text(ds, "PatientComments"),
        PatientSize=_float(ds, "PatientSize"),
        PatientWeight=_float(ds, "PatientWeight"),
        AdditionalPatientHistory=_text(ds, "AdditionalPatientHistory"),
        AdmittingDiagnosesDescription=_text(ds, "AdmittingDiagnosesDescription"),
        AdmittingDiagnosesCodes=_codes(ds, "AdmittingDiagnosesCodeSequence"),
        PregnancyStatus=int(pregnancy) if pregnancy in (1, 2, 3, 4) else None,
        animal=animal,
    )
    priority = _text(ds, "RequestedProcedurePriority").upper()
    order = OrderInfo(
        AccessionNumber=_text(ds, "AccessionNumber"),
        StudyInstanceUID=_text(ds, "StudyInstanceUID"),
        RequestedProcedureID=_text(ds, "RequestedProcedureID"),
        RequestedProcedureDescription=_text(ds, "RequestedProcedureDescription"),
        RequestedProcedureCode=_first_code(ds, "RequestedProcedureCodeSequence"),
        RequestedProcedurePriority=priority if priority in ("STAT", "HIGH", "ROUTINE", "MEDIUM", "LOW") else "",
        ReasonForTheRequestedProcedure=_text(ds, "ReasonForTheRequestedProcedure"),
        ReasonForRequestedProcedureCode=_first_code(ds, "ReasonForRequestedProcedureCodeSequence"),
        ScheduledProcedureStepID=_text(sps, "ScheduledProcedureStepID"),
        ScheduledProcedureStepDescription=_text(sps, "ScheduledProcedureStepDescription"),
        ScheduledProtocolCodes=_codes(sps, "ScheduledProtocolCodeSequence"),
        ReferringPhysicianName=_text(ds, "ReferringPhysicianName"),
        RequestingPhysician=_text(ds, "RequestingPhysician"),
        RequestingService=_text(ds, "RequestingService"),
        AdmissionID=_text(ds, "AdmissionID"),
        PlacerOrderNumberImagingServiceRequest=_text(ds, "PlacerOrderNumberImagingServiceRequest"),
        FillerOrderNumberImagingServiceRequest=_text(ds, "FillerOrderNumberImagingServiceRequest"),
        ReferencedStudies=tuple(
            (str(r.ReferencedSOPClassUID), str(r.ReferencedSOPInstanceUID))
            for r in ds.get("ReferencedStudySequence") or []
            if r.get("ReferencedSOPClassUID") and r.get("ReferencedSOPInstanceUID")
        ),
        SpecificCharacterSet=received_set,
    )
    return patient, order


# --- the C-FIND request and the tolerant reading of its answers (net.worklist uses these) -----

# Return keys asked of every worklist SCP: every key of the VXvue MWL table plus those the
# typed inputs above read. Empty keys ask the SCP to return the value (universal matching).
_TOP_RETURN_KEYS = (
    "AccessionNumber", "ReferringPhysicianName", "RequestingPhysician", "RequestingService",
    "RequestedProcedureID", "RequestedProcedureDescription", "RequestedProcedurePriority",
    "ReasonForTheRequestedProcedure", "PatientTransportArrangements", "StudyInstanceUID",
    "AdmissionID", "CurrentPatientLocation", "PatientName", "PatientID", "IssuerOfPatientID",
    "PatientBirthDate", "PatientSex", "PatientWeight", "PatientSize",
    "ConfidentialityConstraintOnPatientDataDescription", "PatientState", "PregnancyStatus",
    "MedicalAlerts", "Allergies", "SpecialNeeds", "AdditionalPatientHistory", "PatientComments",
    "PlacerOrderNumberImagingServiceRequest", "FillerOrderNumberImagingServiceRequest",
    "StudyDate", "StudyTime",
    # veterinary orders (the patient's species makes the images' orientation quadruped)
    "PatientSpeciesDescription", "PatientBreedDescription", "ResponsiblePerson",
    "ResponsiblePersonRole", "ResponsibleOrganization", "PatientSexNeutered",
)
_TOP_SEQUENCE_KEYS = ("RequestedProcedureCodeSequence", "ReferencedStudySequence",
                      "ReferencedPatientSequence", "PatientSpeciesCodeSequence",
                      "PatientBreedCodeSequence", "BreedRegistrationSequence")
_STEP_RETURN_KEYS = (
    "ScheduledProcedureStepStartTime", "ScheduledPerformingPhysicianName",
    "ScheduledProcedureStepDescription", "ScheduledStationName", "ScheduledProcedureStepLocation",
    "PreMedication", "ScheduledProcedureStepID", "RequestedContrastAgent",
)


@dataclass(frozen=True)
class WorklistCriteria:
    """What a worklist query matches on. ``dates`` is one DA value or a range
    ``YYYYMMDD-YYYYMMDD`` (PS3.4 C.2.2.2.5); empty optional keys match everything."""

    ScheduledStationAETitle: str
    Modality: str
    dates: str
    PatientName: str = ""
    PatientID: str = ""
    AccessionNumber: str = ""

    @property
    def narrowed(self) -> bool:
        """True when patient or accession keys narrow the answer below "the day's list"."""
        return bool(self.PatientName or self.PatientID or self.AccessionNumber)


def parse_dates(text: str, today: date | None = None) -> str:
    """``today``, ``YYYYMMDD`` or ``YYYYMMDD-YYYYMMDD`` as a DA matching value; ValueError
    naming the bad part otherwise."""
    text = text.strip()
    if text.lower() in ("", "today"):
        return (today or date.today()).strftime("%Y%m%d")
    parts = text.split("-")
    if len(parts) > 2:
        raise ValueError(f"'{text}' is not a date or a range YYYYMMDD-YYYYMMDD")
    for part in parts:
        try:
            datetime.strptime(part, "%Y%m%d")
        except ValueError:
            raise ValueError(f"'{part}' is not a date YYYYMMDD (in '{text}')") from None
    if len(parts) == 2 and parts[0] > parts[1]:
        raise ValueError(f"'{text}': the range ends before it starts")
    return text


def query_identifier(criteria: WorklistCriteria, mapped_keys: Sequence[str] = ()) -> Dataset:
    """The MWL C-FIND identifier: matching keys from ``criteria``, every return key empty, and
    always an empty Specific Character Set, so SCPs that only say which set they answer in
    when asked do say it (our keys are ASCII, so the request itself needs none).
    ``mapped_keys``: the configured mapping's keys (``Keyword`` or ``Sequence>Keyword``),
    asked as return keys too."""
    ds = Dataset()
    ds.SpecificCharacterSet = ""
    for keyword in _TOP_RETURN_KEYS:
        setattr(ds, keyword, None)
    for keyword in _TOP_SEQUENCE_KEYS:
        setattr(ds, keyword, [])
    ds.PatientName = criteria.PatientName
    ds.PatientID = criteria.PatientID
    ds.AccessionNumber = criteria.AccessionNumber
    step = Dataset()
    step.ScheduledStationAETitle = criteria.ScheduledStationAETitle
    step.Modality = criteria.Modality
    step.ScheduledProcedureStepStartDate = criteria.dates
    for keyword in _STEP_RETURN_KEYS:
        setattr(step, keyword, None)
    step.ScheduledProtocolCodeSequence = []
    ds.ScheduledProcedureStepSequence = [step]
    for key in mapped_keys:
        *outer, keyword = [part.strip() for part in key.split(">")]
        if outer == ["ScheduledProcedureStepSequence"]:
            if keyword not in step:
                setattr(step, keyword, None)
        elif outer:  # an empty sequence key returns the whole sequence (PS3.4 C.2.2.2.6)
            if outer[0] not in ds:
                setattr(ds, outer[0], [])
        elif keyword not in ds:
            setattr(ds, keyword, None)
    return ds


def mapped_values(ds: Dataset, step: int, mapped_keys: Sequence[tuple[str, str]]
                  ) -> tuple[tuple[str, object], ...]:
    """(image keyword, value) for each (key, image keyword) of the mapping that the decoded
    answer ``ds`` holds a value for; the Scheduled Procedure Step is item ``step``, any other
    sequence its first item."""
    found = []
    for key, target in mapped_keys:
        *outer, keyword = [part.strip() for part in key.split(">")]
        source: Dataset | None = ds
        if outer:
            items = ds.get(outer[0]) or []
            index = step if outer[0] == "ScheduledProcedureStepSequence" else 0
            source = items[index] if index < len(items) else None
        value = source.get(keyword) if source is not None else None
        if value not in (None, "", []):
            found.append((target, value))
    return tuple(found)


@dataclass
class WorklistOrder:
    """One scheduled procedure step read from a worklist answer: the typed inputs, the
    scheduling keys the database indexes, the answer's bytes as received, and every problem
    found in it (each already logged). An answer with problems is still an order."""

    patient: PatientInfo
    order: OrderInfo
    ScheduledStationAETitle: str = ""
    Modality: str = ""
    ScheduledProcedureStepStartDate: str = ""
    ScheduledProcedureStepStartTime: str = ""
    dataset: bytes = b""
    problems: list[str] = field(default_factory=list)


def dataset_bytes(ds: Dataset) -> bytes:
    """``ds`` as Explicit VR Little Endian bytes, values exactly as received (undecoded)."""
    buffer = BytesIO()
    dcmwrite(buffer, ds, implicit_vr=False, little_endian=True, enforce_file_format=False)
    return buffer.getvalue()


def _safe_text(ds: Dataset, keyword: str, problems: list[str]) -> str:
    try:
        return _text(ds, keyword)
    except Exception as exc:  # a value pydicom cannot convert: say so, keep the rest
        problems.append(f"{keyword} cannot be read ({exc}); left empty")
        return ""


def read_answer(ds: Dataset, fallback_character_set: str | None = None,
                received: bytes | None = None) -> list[WorklistOrder]:
    """The orders in one worklist answer: one per Scheduled Procedure Step item (one with empty
    scheduling keys when the sequence is missing). Never raises: a value that cannot be read or
    decoded is left empty and named in ``problems`` (and logged); the order is kept.

    ``received``: the answer's bytes as they came (Explicit VR Little Endian), kept as they
    are; without them ``ds`` is encoded to get them. With them, ``ds`` is read from them and
    its values are still as received (as :func:`vxacq.net.cfind.find` gives its answers):
    then it is read as it is for every check and step below, and nothing needs copying."""
    problems: list[str] = (_character_set_problems(ds, fallback_character_set)
                           + _dropped_name_problems(ds, received))
    raw = received or b""
    if not raw:
        try:
            raw = dataset_bytes(ds)
        except Exception as exc:
            problems.append(f"the answer cannot be kept as received ({exc})")
    try:
        steps = list(ds.get("ScheduledProcedureStepSequence") or [])
    except Exception as exc:
        steps = []
        problems.append(f"Scheduled Procedure Step Sequence cannot be read ({exc})")
    if not steps:
        problems.append("no Scheduled Procedure Step Sequence item; scheduling keys left empty")
    orders = []
    for index in range(max(1, len(steps))):
        step_problems = list(problems)
        patient, order = _typed_inputs(ds, fallback_character_set, index if steps else 0,
                                       step_problems, received)
        sps = steps[index] if steps else Dataset()
        worklist_order = WorklistOrder(
            patient=patient, order=order,
            ScheduledStationAETitle=_safe_text(sps, "ScheduledStationAETitle", step_problems).strip(),
            Modality=_safe_text(sps, "Modality", step_problems).strip(),
            ScheduledProcedureStepStartDate=_safe_text(
                sps, "ScheduledProcedureStepStartDate", step_problems).strip(),
            ScheduledProcedureStepStartTime=_safe_text(
                sps, "ScheduledProcedureStepStartTime", step_problems).strip(),
            dataset=raw,
        )
        for keyword, value in (("PatientID", patient.PatientID),
                               ("ScheduledProcedureStepID", order.ScheduledProcedureStepID)):
            if not value.strip():
                step_problems.append(f"{keyword} is empty")
        worklist_order.problems = step_problems
        for problem in step_problems:
            log.warning("worklist item for %s (accession %s): %s", phi(patient.PatientID),
                        order.AccessionNumber or "none", problem)
        orders.append(worklist_order)
    return orders


def _character_set_problems(ds: Dataset, fallback: str | None) -> list[str]:
    """What makes the answer's text doubtful before it is decoded: a Specific Character Set
    we do not know (pydicom would read it as Latin-1 without a word), or non-ASCII bytes in
    an answer that declares no set while the node has no fallback."""
    declared = ds.get("SpecificCharacterSet")
    if declared:
        try:
            charset.terms(declared)
        except charset.CharacterSetError as exc:
            return [f"{exc}; its text was read as Latin-1 and may be wrong"]
        return []
    if fallback:
        return []
    found = sorted({keyword for keyword, value in _raw_text(ds) if max(value, default=0) > 0x7F})
    if not found:
        return []
    return [f"{', '.join(found)} hold(s) non-ASCII bytes but the answer declares no character "
            "set; read as Latin-1 — set the node's fallback_character_set to the RIS's set"]


@functools.cache
def _name_tags() -> frozenset[int]:
    """Every tag the DICOM dictionary gives the VR PN."""
    return frozenset(tag for tag, entry in DicomDictionary.items() if entry[0] == "PN")


def _raw_text(ds: Dataset, only: frozenset[int] | None = None) -> Iterator[tuple[str, bytes]]:
    """(keyword, bytes) of every text value still as received, in ``ds`` and its sequences;
    with ``only``, of those tags' values only (and no dictionary look-up for the others)."""
    for element in list(ds.values()):  # as they are: no conversion, no look-up
        tag = element.tag
        if isinstance(element, RawDataElement) and element.value is None and element.length:
            element = ds.get_item(tag)  # a deferred read
        vr = element.VR
        if vr is None:  # implicit VR: the dictionary's
            try:
                vr = dictionary_VR(tag)
            except KeyError:
                continue
        if vr == "SQ":
            try:
                items = ds[tag].value or []
            except Exception:
                continue
            for item in items:
                yield from _raw_text(item, only)
        elif vr in charset.TEXT_VRS and (only is None or tag in only):
            value = getattr(element.value, "original_string", element.value)  # a PersonName
            if isinstance(value, bytes):
                yield keyword_for_tag(tag) or str(tag), value


# An ISO 2022 escape sequence (ESC, intermediate bytes, final byte; ISO/IEC 2022 13.1).
_ESCAPE = re.compile("\x1b[\x20-\x2f]+[\x30-\x7e]")


def _dropped_groups(name: bytes) -> list[str]:
    """The component groups of a person name as received (PS3.5 6.2.1.1) that came back as
    '?' marks, or empty at the end with their '=' delimiter sent: what an SCP leaves when it
    converts a name to a set that cannot carry its ideographic or phonetic characters (a RIS
    that holds no such group sends no trailing delimiter; "A==B" keeps an empty middle group
    on purpose). pydicom drops trailing empty groups when it decodes, so the bytes are read."""
    groups = [g.replace(b"^", b"").strip() for g in name.split(b"=")[1:3]]
    dropped = [bool(g) and set(g) <= {ord("?")} for g in groups]
    for i in reversed(range(len(groups))):  # empty groups at the end, their delimiters sent
        if groups[i]:
            break
        dropped[i] = True
    return [label for label, gone in zip(("ideographic group", "phonetic group"), dropped) if gone]


def _dropped_name_problems(ds: Dataset, received: bytes | None = None) -> list[str]:
    """Names whose groups the SCP dropped. A group delimiter is an '=' byte: when the answer's
    bytes as ``received`` hold none, no name has one, and its values need not be walked."""
    if received is not None and b"=" not in received:
        return []
    problems = []
    for keyword, value in _raw_text(ds, _name_tags()):
        if b"=" in value:
            dropped = _dropped_groups(value)
            if dropped:
                problems.append(f"{keyword} came back with its {' and '.join(dropped)} empty "
                                "or as '?' marks: the SCP may have dropped characters it cannot "
                                "send — check the name at the RIS before using it")
    return problems


def _checked_text(record: _Record, problems: list[str]) -> _Record:
    """``record`` with escape sequences left in decoded text removed: some SCPs transcode
    ISO 2022 text to UTF-8 but keep its escapes (Orthanc 1.10 does with KS X 1001), and an
    escape is never a character of a name. Text with bytes its set could not decode (shown
    as U+FFFD) is kept and named in ``problems``."""
    changes = {}
    for f in fields(record):
        value = getattr(record, f.name)
        if not isinstance(value, str):
            continue
        if "\x1b" in value:
            changes[f.name] = _ESCAPE.sub("", value).replace("\x1b", "")
            problems.append(f"{f.name} held stray character-set escape sequences; removed")
        if "\ufffd" in value:
            problems.append(f"{f.name} has bytes its character set cannot decode; "
                            "shown with replacement characters")
    return replace(record, **changes) if changes else record


def _typed_inputs(ds: Dataset, fallback: str | None, step: int, problems: list[str],
                  received: bytes | None = None) -> tuple[PatientInfo, OrderInfo]:
    """:func:`from_worklist_item`, or — when the answer defeats it (an unknown character set, a
    value of the wrong form) — the identity values read one by one, each failure noted.
    With the bytes ``received`` (``ds`` read from them, every value as received) and no
    fallback set to apply, ``ds`` is read as it is: decoding each value as it is read changes
    nothing another step reads."""
    step = step if "ScheduledProcedureStepSequence" in ds else 0
    try:
        if received and ("SpecificCharacterSet" in ds or not fallback):
            patient, order = _read_item(ds, fallback, step, as_read=True)
        else:
            patient, order = from_worklist_item(ds, fallback, step)
        return _checked_text(patient, problems), _checked_text(order, problems)
    except Exception as exc:
        problems.append(f"the answer could not be read whole ({exc}); identity values read one by one")
    copy_ds = copy.deepcopy(ds)
    try:
        charset.decode_received(copy_ds, fallback)
    except Exception as exc:
        problems.append(f"its text could not be decoded ({exc}); shown as received")
    steps = []
    try:
        steps = list(copy_ds.get("ScheduledProcedureStepSequence") or [])
    except Exception:
        pass
    sps = steps[step] if step < len(steps) else Dataset()
    patient = PatientInfo(PatientName=_safe_text(copy_ds, "PatientName", problems),
                          PatientID=_safe_text(copy_ds, "PatientID", problems),
                          IssuerOfPatientID=_safe_text(copy_ds, "IssuerOfPatientID", problems))
    order = OrderInfo(
        AccessionNumber=_safe_text(copy_ds, "AccessionNumber", problems),
        StudyInstanceUID=_safe_text(copy_ds, "StudyInstanceUID", problems),
        RequestedProcedureID=_safe_text(copy_ds, "RequestedProcedureID", problems),
        RequestedProcedureDescription=_safe_text(copy_ds, "RequestedProcedureDescription", problems),
        ScheduledProcedureStepID=_safe_text(sps, "ScheduledProcedureStepID", problems),
        ScheduledProcedureStepDescription=_safe_text(sps, "ScheduledProcedureStepDescription",
                                                     problems),
        ReferringPhysicianName=_safe_text(copy_ds, "ReferringPhysicianName", problems),
    )
    return patient, order

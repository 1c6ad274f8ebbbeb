"""Media: studies written to a folder or a USB stick as a DICOM file set, and read back.

Export (:func:`export_media`) writes a PS3.10 file set with a DICOMDIR through pydicom's
:class:`~pydicom.fileset.FileSet`, as the General Purpose profiles of PS3.11 ask (STD-GEN-USB
and STD-GEN-CD, Annex D): every file Explicit VR Little Endian (a compressed one is decoded
first), file IDs of at most eight components of at most eight upper-case letters, digits or
``_`` (pydicom's ``PT000000/ST000000/SE000000/IM000000``), a DICOMDIR (Basic Directory) with
PATIENT, STUDY, SERIES and IMAGE / SR DOCUMENT / KEY OBJECT DOC / PRESENTATION records.
Optionally every object is de-identified first (:mod:`vxacq.dicom.deidentify`, PS3.15 E.1
Basic Profile with Clean Structured Content; UIDs replaced consistently across the set). Each
export is an audit event "export".

Import (:func:`read_media`, :func:`import_studies`) lists the studies a DICOMDIR holds and
stores the chosen ones as priors (files under ``<data_dir>/priors/<StudyInstanceUID>/``, which
the review reads beside a new image) or queues them to a store node through the outbox. Every
file is checked before it is used (:func:`check_media_file`: its size, the Part 10 preamble and
"DICM" prefix, a SOP class the console accepts, its UIDs); a bad file is named with what is
wrong and the others go on.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pydicom
from pydicom.dataset import Dataset
from pydicom.fileset import DIRECTORY_RECORDERS, FileSet
from pydicom.uid import (
    ComputedRadiographyImageStorage, DigitalMammographyXRayImageStorageForPresentation,
    DigitalMammographyXRayImageStorageForProcessing, DigitalXRayImageStorageForPresentation,
    DigitalXRayImageStorageForProcessing, EnhancedXRayRadiationDoseSRStorage,
    ExplicitVRLittleEndian, GrayscaleSoftcopyPresentationStateStorage,
    KeyObjectSelectionDocumentStorage, XRayRadiationDoseSRStorage,
)
from sqlmodel import select

from vxacq.config import Config
from vxacq.db import Database, Image, ImageState, Series, Study
from vxacq.dicom import decoders
from vxacq.dicom.deidentify import DeidentificationError, UidMap, deidentify
from vxacq.dicom.extent import overrun
from vxacq.security import audit
from vxacq.workflow.annotations import annotated_files

log = logging.getLogger(__name__)

MEDIA_PROFILES = ("STD-GEN-USB", "STD-GEN-CD")
FILE_SET_ID = "VXACQ"
MAX_FILE_BYTES = 512 * 1024 * 1024  # a DR image is tens of MB; more is not one of ours
#: What import takes from media: the projection radiography objects the review can show,
#: their dose reports, presentation states and key object notes.
ACCEPTED_SOP_CLASSES = {
    str(uid): uid.name for uid in (
        DigitalXRayImageStorageForPresentation, DigitalXRayImageStorageForProcessing,
        DigitalMammographyXRayImageStorageForPresentation,
        DigitalMammographyXRayImageStorageForProcessing, ComputedRadiographyImageStorage,
        XRayRadiationDoseSRStorage, EnhancedXRayRadiationDoseSRStorage,
        GrayscaleSoftcopyPresentationStateStorage, KeyObjectSelectionDocumentStorage)}


class MediaError(ValueError):
    """The export or import cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class ExportResult:
    folder: str
    dicomdir: str
    files: int
    studies: tuple[str, ...]  # Study Instance UIDs as written (new ones when de-identified)
    deidentified: bool


@dataclass(frozen=True)
class MediaStudy:
    StudyInstanceUID: str
    PatientName: str
    PatientID: str
    StudyDate: str
    StudyDescription: str
    AccessionNumber: str
    Modalities: tuple[str, ...]
    files: tuple[str, ...]


@dataclass(frozen=True)
class MediaProblem:
    path: str
    message: str


@dataclass(frozen=True)
class ImportResult:
    studies: tuple[str, ...]
    stored: tuple[str, ...] = ()  # files written under data_dir/priors
    jobs: tuple[int, ...] = ()  # STORE jobs queued
    problems: tuple[MediaProblem, ...] = field(default_factory=tuple)


# --- export ----------------------------------------------------------------------------------


def _concept_modifiers_only(make):
    """pydicom's SR DOCUMENT / KEY OBJECT DOC record copies the whole content tree; PS3.3
    F.5.22 and F.5.32 want only the root's HAS CONCEPT MOD items there (Type 1C)."""
    def record(ds: Dataset) -> Dataset:
        out = make(ds)
        if "ContentSequence" in out:
            modifiers = [i for i in out.ContentSequence
                         if i.get("RelationshipType") == "HAS CONCEPT MOD"]
            if modifiers:
                out.ContentSequence = modifiers
            else:
                del out.ContentSequence
        return out
    record.__wrapped__ = make  # marks it as ours, so a second import wraps nothing twice
    return record


for _kind in ("SR DOCUMENT", "KEY OBJECT DOC"):  # pydicom's documented way to change a record
    if not hasattr(DIRECTORY_RECORDERS[_kind], "__wrapped__"):
        DIRECTORY_RECORDERS[_kind] = _concept_modifiers_only(DIRECTORY_RECORDERS[_kind])


def export_files(db: Database, study_uids: Iterable[str]) -> list[str]:
    """What a study puts on media: its accepted images, their presentation states and its dose
    reports (rejected images and rejection notes stay on the console)."""
    out: list[str] = []
    for uid in study_uids:
        with db.session() as session:
            study = session.exec(select(Study).where(Study.StudyInstanceUID == uid)).first()
            if study is None:
                raise MediaError(f"no study {uid} in the exam database")
            rows = session.exec(select(Image, Series).join(Series, Image.series_id == Series.id)
                                .where(Series.study_id == study.id)
                                .order_by(Series.SeriesNumber, Image.InstanceNumber)).all()
            study_id = int(study.id)
        out += [i.file_path for i, s in rows if i.file_path and s.Modality != "KO"
                and (i.state == ImageState.ACCEPTED
                     or (s.Modality == "SR" and i.state != ImageState.REJECTED))]
        out += annotated_files(db, study_id)
    return out


def export_media(db: Database, to: Path | str, *, study_uids: Sequence[str] = (),
                 files: Sequence[str | Path] = (), deidentify_objects: bool = False,
                 operator: str = "") -> ExportResult:
    """Write the studies (and/or files) to ``to`` as a file set with a DICOMDIR (see the module
    docstring). ``to`` must not hold a DICOMDIR already. MediaError, with nothing written,
    when an object cannot go (unreadable, or burned-in annotation when de-identifying)."""
    target = Path(to)
    if (target / "DICOMDIR").exists():
        raise MediaError(f"{target} holds a DICOMDIR already; choose an empty folder or stick")
    paths = [str(p) for p in files] + export_files(db, study_uids)
    if not paths:
        raise MediaError("nothing to export: name studies (--study) or files")
    uids = UidMap()
    datasets: list[Dataset] = []
    problems: list[str] = []
    for path in dict.fromkeys(paths):
        try:
            ds = pydicom.dcmread(path)
        except Exception as exc:  # a damaged or missing file: say which
            problems.append(f"{Path(path).name}: cannot be read ({exc})")
            continue
        if ds.file_meta.TransferSyntaxUID != ExplicitVRLittleEndian:
            try:  # the profiles take Explicit VR Little Endian only
                decoders.decompress(ds)
            except Exception as exc:
                problems.append(f"{Path(path).name}: cannot be decoded to Explicit VR Little "
                                f"Endian ({exc})")
                continue
            ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        if deidentify_objects:
            try:
                ds = deidentify(ds, uids)
            except DeidentificationError as exc:
                problems.append(str(exc))
                continue
        datasets.append(ds)
    if problems:
        raise MediaError("nothing was written: " + "; ".join(problems))
    target.mkdir(parents=True, exist_ok=True)
    fileset = FileSet()
    fileset.ID = FILE_SET_ID
    for ds in datasets:
        fileset.add(ds)
    fileset.write(target)
    studies = tuple(dict.fromkeys(str(ds.StudyInstanceUID) for ds in datasets))
    audit.record(db, "export", user=operator, destination=target.resolve().as_uri(),
                 detail=f"{len(datasets)} object(s) of {len(studies)} stud(ies) to {target}"
                        + (" de-identified (PS3.15 E.1 Basic Profile)" if deidentify_objects
                           else ""))
    log.info("export: %d object(s) to %s", len(datasets), target)
    return ExportResult(str(target), str(target / "DICOMDIR"), len(datasets), studies,
                        deidentify_objects)


# --- import ----------------------------------------------------------------------------------


def check_media_file(path: Path | str) -> Dataset:
    """The dataset of a file on media, once it is known to be one we take; MediaError naming
    the file and what is wrong otherwise."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise MediaError(f"{path.name}: not a regular file")
        if size > MAX_FILE_BYTES:
            raise MediaError(f"{path.name}: {size} bytes, more than the "
                             f"{MAX_FILE_BYTES // (1024 * 1024)} MB an image of ours can be")
        with path.open("rb") as fh:
            head = fh.read(132)
    except OSError as exc:
        raise MediaError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
    if len(head) < 132 or head[128:132] != b"DICM":
        raise MediaError(f"{path.name}: not a DICOM Part 10 file (no 128-byte preamble and "
                         "'DICM' prefix)")
    try:
        cut = overrun(path)  # pydicom would read such a file short without a word
    except OSError as exc:
        raise MediaError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
    if cut:
        raise MediaError(f"{path.name}: {cut}")
    try:
        ds = pydicom.dcmread(path)
    except Exception as exc:  # pydicom raises several types for damaged files
        raise MediaError(f"{path.name}: damaged DICOM file ({exc})") from None
    sop_class = str(ds.get("SOPClassUID", ""))
    if sop_class not in ACCEPTED_SOP_CLASSES:
        name = pydicom.uid.UID(sop_class).name if sop_class else "no SOP Class UID"
        raise MediaError(f"{path.name}: {name} is not a kind of object the console takes "
                         "(projection radiographs, their dose reports, presentation states "
                         "and key object notes)")
    for keyword in ("SOPInstanceUID", "StudyInstanceUID", "SeriesInstanceUID"):
        value = str(ds.get(keyword, ""))
        if not value or len(value) > 64 or not all(c.isdigit() or c == "." for c in value):
            raise MediaError(f"{path.name}: {keyword} is missing or not a valid UID")
    return ds


def read_media(folder: Path | str) -> tuple[list[MediaStudy], list[MediaProblem]]:
    """The studies on the media at ``folder`` (its DICOMDIR), each file checked; and the files
    that cannot be taken, with why."""
    root = Path(folder)
    dicomdir = root / "DICOMDIR"
    if not dicomdir.is_file():
        raise MediaError(f"{root} has no DICOMDIR: not a DICOM media file set")
    try:
        fileset = FileSet(dicomdir)
    except Exception as exc:  # a damaged DICOMDIR
        raise MediaError(f"{dicomdir}: the DICOMDIR cannot be read ({exc})") from None
    studies: dict[str, dict] = {}
    problems: list[MediaProblem] = []
    for instance in fileset:
        path = Path(instance.path)
        if root.resolve() not in path.resolve().parents:  # a file ID pointing out of the set
            problems.append(MediaProblem(str(path), "its file ID points outside the media"))
            continue
        try:
            ds = check_media_file(path)
        except MediaError as exc:
            problems.append(MediaProblem(str(path), str(exc)))
            continue
        entry = studies.setdefault(str(ds.StudyInstanceUID), {
            "PatientName": str(ds.get("PatientName", "")), "PatientID": ds.get("PatientID", ""),
            "StudyDate": ds.get("StudyDate", ""),
            "StudyDescription": ds.get("StudyDescription", ""),
            "AccessionNumber": ds.get("AccessionNumber", ""), "modalities": [], "files": []})
        entry["files"].append(str(path))
        if ds.get("Modality") and ds.Modality not in entry["modalities"]:
            entry["modalities"].append(str(ds.Modality))
    out = [MediaStudy(uid, e["PatientName"], str(e["PatientID"]), str(e["StudyDate"]),
                      str(e["StudyDescription"]), str(e["AccessionNumber"]),
                      tuple(e["modalities"]), tuple(e["files"])) for uid, e in studies.items()]
    return out, problems


def import_studies(config: Config, db: Database, folder: Path | str,
                   study_uids: Sequence[str], *, node: str | None = None,
                   operator: str = "") -> ImportResult:
    """Store the chosen studies of the media as priors, or (``node``) queue them to that store
    node. Files that fail their check are reported and left; the rest go on."""
    studies, problems = read_media(folder)
    by_uid = {s.StudyInstanceUID: s for s in studies}
    unknown = [u for u in study_uids if u not in by_uid]
    if unknown:
        raise MediaError(f"not on this media: {', '.join(unknown)} (see `vxacq import DIR`)")
    chosen = [by_uid[u] for u in study_uids]
    files = [f for s in chosen for f in s.files]
    if node is not None:
        if node not in {n.name for n in config.nodes_with("store")}:
            raise MediaError(f"no store node '{node}' in the configuration")
        from vxacq.net.store import enqueue_store

        jobs = (enqueue_store(db, node, files),) if files else ()
        stored: tuple[str, ...] = ()
    else:
        jobs = ()
        stored = tuple(_store_prior(config, f) for f in files)
        from vxacq.workflow.priors import add_to_cache

        for study in chosen:
            folder_files = [Path(f) for f in stored
                            if Path(f).parent.name == study.StudyInstanceUID]
            if folder_files:
                add_to_cache(config, study.StudyInstanceUID, "media", folder_files)
    audit.record(db, "import", user=operator,
                 detail=f"{len(files)} object(s) of {len(chosen)} stud(ies) from {folder} "
                        + (f"queued to {node}" if node else "stored as priors"))
    return ImportResult(tuple(study_uids), stored, jobs, tuple(problems))


def priors_dir(config: Config) -> Path:
    return Path(config.data_dir) / "priors"


def _store_prior(config: Config, source: str) -> str:
    """Copy one checked file to ``priors/<StudyInstanceUID>/<SOPInstanceUID>.dcm``, atomically
    (a copy is whole or absent); the same instance again replaces itself."""
    ds = pydicom.dcmread(source, stop_before_pixels=True)
    folder = priors_dir(config) / str(ds.StudyInstanceUID)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{ds.SOPInstanceUID}.dcm"
    temporary = target.with_suffix(".part")
    shutil.copyfile(source, temporary)
    with temporary.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(temporary, target)
    return str(target)

"""A patient's earlier studies at the archives: found (Study Root C-FIND on every query
node), retrieved into the priors cache (C-MOVE or C-GET, per node) and read back for display.

:func:`find_priors` asks each node with the ``query`` service; a node that is down or refuses
does not hide what the others answered: its reason is in ``errors``. :func:`retrieve_prior`
fetches one study into ``<data dir>/priors/<StudyInstanceUID>/``; the cache's index
(``index.json``) says when and from where each study came, and :func:`prune_cache` keeps it
within ``[priors] cache_mb`` and ``keep_days``. Nothing here touches an exam.

Reading the cache (:func:`priors_for_patient`, :func:`prior_pixels`) is what the Exam page
needs to be built; the network modules (pynetdicom) are imported by the functions that ask or
retrieve, so the console's window shows without them.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from pydicom import dcmread
from pydicom.multival import MultiValue

from vxacq.config import Config, NodeConfig
from vxacq.db import Database
from vxacq.dicom import decoders
from vxacq.dicom.query import StudyQuery, StudyRecord
from vxacq.security import audit

if TYPE_CHECKING:
    from vxacq.net.retrieve import RetrieveInbox, RetrieveOutcome, RetrieveRequest

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prior:
    study: StudyRecord
    node: str  # where it was found


@dataclass
class PriorsAnswer:
    priors: list[Prior] = field(default_factory=list)  # newest first
    errors: list[str] = field(default_factory=list)  # "node: why", one per node not answering
    asked: list[str] = field(default_factory=list)  # the query nodes asked


def record_query(db: Database, node: NodeConfig, query: StudyQuery, found: int, *,
                 user: str = "") -> None:
    """A Study Root C-FIND that was answered, as a Query event in the audit trail (the keys
    asked go into the audit message, not into the event's text)."""
    from pynetdicom.sop_class import StudyRootQueryRetrieveInformationModelFind

    keys = ", ".join(f"{k}={v}" for k, v in asdict(query).items() if v)
    how = "QIDO-RS" if node.is_dicomweb else "Study Root C-FIND"
    audit.record(db, "query", user=user, detail=f"{how} at {node.name}: {found} "
                 "study(ies)", peer_ae=node.ae_title, peer_address=node.host, query=keys,
                 query_model=str(StudyRootQueryRetrieveInformationModelFind),
                 PatientID=query.PatientID)


def find_priors(config: Config, PatientID: str, *, exclude_study: str = "",
                modality: str = "", db: Database | None = None) -> PriorsAnswer:
    """The studies of ``PatientID`` at every query node, newest first, without the study
    ``exclude_study`` (the exam itself, once sent); with ``modality`` only studies holding a
    series of it (checked here too when the node ignores the key). ValueError when no node
    offers query. With ``db``, each answered query is a Query event in the audit trail."""
    from vxacq.net.errors import DicomNetworkError
    from vxacq.net.query import find_studies

    nodes = config.nodes_with("query")
    if not nodes:
        raise ValueError("no node with the query service is configured (Service → Nodes)")
    if not PatientID.strip():
        raise ValueError("the exam has no patient ID to ask the archive with")
    answer = PriorsAnswer(asked=[n.name for n in nodes])
    for node in nodes:
        query = StudyQuery(PatientID=PatientID, ModalitiesInStudy=modality)
        try:
            studies = find_studies(config, node, query)
        except DicomNetworkError as exc:
            answer.errors.append(f"{node.name}: {exc}")
            continue
        if db is not None:
            record_query(db, node, query, len(studies))
        answer.priors += [Prior(study, node.name) for study in studies
                          if study.StudyInstanceUID != exclude_study]
    answer.priors.sort(key=lambda p: (p.study.StudyDate, p.study.StudyTime), reverse=True)
    return answer


# --- retrieve into the priors cache ----------------------------------------------------------

INDEX = "index.json"


@dataclass(frozen=True)
class CachedStudy:
    StudyInstanceUID: str
    node: str
    retrieved_at: float  # time.time()
    files: int
    bytes: int
    partial: str = ""  # what did not arrive, in words


def cache_dir(config: Config) -> Path:
    return config.data_dir / "priors"


def _read_index(folder: Path) -> dict[str, CachedStudy]:
    try:
        raw = json.loads((folder / INDEX).read_text(encoding="utf-8"))
        return {uid: CachedStudy(**entry) for uid, entry in raw.items()}
    except FileNotFoundError:
        return {}
    except (ValueError, TypeError) as exc:
        # the cache is only a copy of what the archive holds: start it again
        log.warning("priors cache index unreadable (%s); the cache starts empty", exc)
        return {}


def _write_index(folder: Path, index: dict[str, CachedStudy]) -> None:
    from vxacq.net.retrieve import write_atomically

    data = json.dumps({uid: asdict(entry) for uid, entry in index.items()}, indent=1)
    write_atomically(folder / INDEX, data.encode("utf-8"))


_cache_lock = threading.Lock()


def cached_studies(config: Config) -> list[CachedStudy]:
    """The studies in the priors cache, newest retrieve first."""
    with _cache_lock:
        index = _read_index(cache_dir(config))
    return sorted(index.values(), key=lambda c: c.retrieved_at, reverse=True)


def prune_cache(config: Config, *, now: float | None = None) -> list[str]:
    """Remove studies retrieved more than ``keep_days`` ago, then the oldest ones until the
    cache is within ``cache_mb``; the folders of studies not in the index (a retrieve that
    was cut off) go too. Returns the study UIDs removed."""
    folder = cache_dir(config)
    now = time.time() if now is None else now
    removed: list[str] = []
    with _cache_lock:
        index = _read_index(folder)
        too_old = now - config.priors.keep_days * 86400
        for uid, entry in sorted(index.items(), key=lambda kv: kv[1].retrieved_at):
            total = sum(e.bytes for e in index.values())
            if entry.retrieved_at < too_old or total > config.priors.cache_mb << 20:
                del index[uid]
                removed.append(uid)
                shutil.rmtree(folder / uid, ignore_errors=True)
        for child in folder.iterdir() if folder.is_dir() else ():
            # a folder written to in the last hour may be a retrieve still under way
            if child.is_dir() and child.name not in index and \
                    now - child.stat().st_mtime > 3600:
                shutil.rmtree(child, ignore_errors=True)
        if folder.is_dir():
            _write_index(folder, index)
    for uid in removed:
        log.info("priors cache: removed study %s", uid)
    return removed


def retrieve_prior(config: Config, node_name: str, StudyInstanceUID: str, *,
                   PatientID: str = "", inbox: RetrieveInbox | None = None) -> RetrieveOutcome:
    """Fetch one study from ``node_name`` into the priors cache, by the node's ``retrieve``
    setting (a DICOMweb node: WADO-RS). C-MOVE needs our listener: ``inbox`` is the running
    one's (the window's :class:`~vxacq.workflow.runtime.Services`); without it a listener is
    started for this retrieve. ``PatientID``, when given, must be every object's. RetrieveError (a
    DicomNetworkError) says in words why nothing usable came; a partial retrieve returns with
    ``partial`` set. ValueError for a node or UID that cannot be used."""
    from vxacq.net import dicomweb, retrieve
    from vxacq.net.retrieve import UID_FORM, RetrieveRequest

    node = config.node(node_name)
    if not node.offers("query"):
        raise ValueError(f"node '{node.name}' does not offer the query service, so nothing can "
                         "be retrieved from it")
    if not UID_FORM.fullmatch(StudyInstanceUID) or len(StudyInstanceUID) > 64:
        raise ValueError(f"'{StudyInstanceUID}' is not a Study Instance UID")
    folder = cache_dir(config) / StudyInstanceUID
    request = RetrieveRequest(node=node.name, peer_ae=node.ae_title,
                              StudyInstanceUID=StudyInstanceUID, folder=folder,
                              PatientID=PatientID,
                              max_bytes=config.priors.max_object_mb << 20)
    if node.is_dicomweb:
        outcome = dicomweb.retrieve_study(config, node, request)
    elif node.retrieve == "get":
        outcome = retrieve.get(config, node, request)
    elif inbox is not None:
        outcome = retrieve.move(config, node, request, inbox)
    else:
        outcome = _move_with_own_listener(config, node, request)
    size = sum(p.stat().st_size for p in outcome.files)
    with _cache_lock:
        index = _read_index(cache_dir(config))
        index[StudyInstanceUID] = CachedStudy(StudyInstanceUID, node.name, time.time(),
                                              len(outcome.files), size, outcome.partial)
        _write_index(cache_dir(config), index)
    prune_cache(config)
    return outcome


def add_to_cache(config: Config, StudyInstanceUID: str, source: str,
                 files: list[Path]) -> None:
    """Record in the cache's index a study written into its folder by other means than a
    retrieve (imported from media, ``source`` saying from where): without the entry it would
    not be shown beside an image, and pruning would remove its folder as a retrieve cut off."""
    size = sum(p.stat().st_size for p in files)
    with _cache_lock:
        index = _read_index(cache_dir(config))
        index[StudyInstanceUID] = CachedStudy(StudyInstanceUID, source, time.time(),
                                              len(files), size)
        _write_index(cache_dir(config), index)
    prune_cache(config)


def _move_with_own_listener(config: Config, node: NodeConfig,
                            request: RetrieveRequest) -> RetrieveOutcome:
    from vxacq.net import retrieve
    from vxacq.net.listener import Listener
    from vxacq.net.retrieve import RetrieveError, RetrieveInbox

    inbox = RetrieveInbox()
    listener = Listener(config, **inbox.listener_options())
    status = listener.start()
    if status.error:
        raise RetrieveError(f"C-MOVE needs our listener, and it cannot start: {status.error} "
                            "(is `vxacq serve` or the window running? then retrieve from there, "
                            "or set the node's retrieve = \"get\")", kind="listener",
                            retryable=False)
    try:
        return retrieve.move(config, node, request, inbox)
    finally:
        listener.stop()


@dataclass(frozen=True)
class PriorImage:
    path: Path
    PatientID: str
    StudyInstanceUID: str
    StudyDate: str
    BodyPartExamined: str
    ViewPosition: str
    ImageLaterality: str
    SeriesDescription: str


def prior_images(config: Config, StudyInstanceUID: str) -> list[PriorImage]:
    """The cached images of one prior study (headers only; pixels on display)."""
    folder = cache_dir(config) / StudyInstanceUID
    images = []
    for path in sorted(folder.glob("*.dcm")):
        try:
            ds = dcmread(path, stop_before_pixels=True)
        except Exception as exc:  # noqa: BLE001 - a damaged cache file is skipped, said why
            log.warning("priors cache: %s cannot be read (%s); skipped", path.name, exc)
            continue
        images.append(PriorImage(path, str(ds.get("PatientID", "")),
                                 str(ds.get("StudyInstanceUID", "")),
                                 str(ds.get("StudyDate", "")),
                                 str(ds.get("BodyPartExamined", "")),
                                 str(ds.get("ViewPosition", "")),
                                 str(ds.get("ImageLaterality", "") or ds.get("Laterality", "")),
                                 str(ds.get("SeriesDescription", ""))))
    return images


def best_match(images: list[PriorImage], BodyPartExamined: str,
               ViewPosition: str) -> list[PriorImage]:
    """``images`` ordered for showing beside a new image: same body part and view first,
    then same body part, then the rest (newest study first within each)."""
    def rank(image: PriorImage) -> tuple[int, str]:
        part = image.BodyPartExamined.upper() == BodyPartExamined.upper() != ""
        view = image.ViewPosition.upper() == ViewPosition.upper() != ""
        return (0 if part and view else 1 if part else 2, _negated(image.StudyDate))

    return sorted(images, key=rank)


def _negated(date: str) -> str:
    """A text that sorts the newer YYYYMMDD date first."""
    return "".join(chr(ord("9") - ord(c) + ord("0")) if c.isdigit() else c for c in date)


def priors_for_patient(config: Config, PatientID: str, BodyPartExamined: str = "",
                       ViewPosition: str = "") -> list[PriorImage]:
    """Every cached image of ``PatientID`` (never another patient's), the best match for a
    new image of ``BodyPartExamined`` and ``ViewPosition`` first (:func:`best_match`)."""
    if not PatientID:
        return []
    images = [image for study in cached_studies(config)
              for image in prior_images(config, study.StudyInstanceUID)
              if image.PatientID == PatientID]
    return best_match(images, BodyPartExamined, ViewPosition)


@dataclass(frozen=True)
class PriorPixels:
    pixels: np.ndarray  # as stored, MONOCHROME1 inverted so that bright is dense everywhere
    bits_stored: int
    window: tuple[float, float]  # center, width: the object's own, else its pixel range


def prior_pixels(image: PriorImage) -> PriorPixels:
    """The pixels of one cached prior, for display beside the new image. ValueError when the
    file has no pixels we can show."""
    try:
        ds = dcmread(image.path)
        pixels = decoders.pixel_array(ds)
    except Exception as exc:  # noqa: BLE001 - any decoding failure is said the same way
        raise ValueError(f"the prior image cannot be shown ({exc})") from None
    if pixels.ndim != 2:
        raise ValueError("the prior image is not a single grey-scale frame")
    bits = int(ds.get("BitsStored", 8) or 8)
    if ds.get("PhotometricInterpretation", "") == "MONOCHROME1":
        pixels = (1 << bits) - 1 - pixels.astype(np.int32)
    try:
        center, width = _first(ds.WindowCenter), _first(ds.WindowWidth)
        if ds.get("PhotometricInterpretation", "") == "MONOCHROME1":
            center = (1 << bits) - 1 - center
    except (AttributeError, TypeError, ValueError):
        low, high = float(pixels.min()), float(pixels.max())
        center, width = (low + high) / 2, max(1.0, high - low)
    return PriorPixels(np.ascontiguousarray(pixels), bits, (center, max(1.0, width)))


def _first(value: object) -> float:
    return float(value[0] if isinstance(value, (list, tuple, MultiValue)) else value)

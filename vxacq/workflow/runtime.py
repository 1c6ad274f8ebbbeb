"""What has to run beside an exam: the outbox and the listener, and the headless exam itself.

:class:`Services` starts the outbox (which sends the queued MPPS, store, commitment and print
jobs) and our listener (C-ECHO, and the storage commitment reports the archive sends on an
association of its own); the console window and ``vxacq exam`` both use it. :func:`run_exam`
is the whole scripted exam of ``vxacq exam``: the order (fetched from the worklist nodes when
the database does not have it yet), MPPS IN PROGRESS, one exposure per protocol, accept,
close (MPPS COMPLETED), and wait until every job is finished or ``timeout`` passes.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from vxacq.config import Config
from vxacq.db import Database, JobState
from vxacq.hal import rawstore
from vxacq.hal.pending import FramePendingError, open_records
from vxacq.logs import escape
from vxacq.net.errors import DicomNetworkError
from vxacq.net.outbox import Outbox, list_jobs
from vxacq.security import audit
from vxacq.security.audit_sender import AuditForwarder
from vxacq.workflow.exam import Exam, ExamError, ExposureError, ImageView
from vxacq.workflow.history import ImageStatus, image_status
from vxacq.workflow.orders import OrderView, find_order

if TYPE_CHECKING:
    from vxacq.net.commitment import OverdueWatch
    from vxacq.net.listener import Listener
    from vxacq.net.retrieve import RetrieveInbox

log = logging.getLogger(__name__)

# A worklist asked for one accession need not be narrowed to today: a year either side.
ACCESSION_WINDOW_DAYS = 365


class Services:
    """The outbox, the listener and the audit forwarder for one station; ``start()`` then
    ``stop()`` (or ``with``). ``application`` names the program in the audit trail's
    Application Activity events (start and stop).

    Made, they cost nothing: the outbox can be subscribed to (its job handlers are imported at
    the first job). The listener, the storage commitment watch and the retrieve inbox, which
    need pynetdicom, are made at ``start()`` (or when first asked for), so the console's
    window shows before them (:meth:`vxacq.ui.context.Console.start_services`)."""

    def __init__(self, config: Config, db: Database, *, owner: str | None = None,
                 application: str = "vxacq") -> None:
        self.config = config
        self.db = db
        self.application = application
        self.started = False
        self.outbox = Outbox(config, db, owner=owner)
        # the audit trail leaves for the repository (if one is configured) from here
        self.audit = AuditForwarder(config, db, owner=owner)
        self.notices: list[str] = []  # what start-up found and put in order, for the user
        self._tidied = False

    @cached_property
    def retrieves(self) -> RetrieveInbox:
        """The priors we retrieve with C-MOVE: only those we asked for are taken."""
        from vxacq.net.retrieve import RetrieveInbox

        db = self.db
        return RetrieveInbox(lambda action, detail: audit.record(
            db, f"security: {action}", detail=escape(detail)))

    @cached_property
    def listener(self) -> Listener:
        """Reports on associations the nodes open come to this listener (and the priors
        retrieved)."""
        from vxacq.net.commitment import listener_options
        from vxacq.net.listener import Listener

        options = listener_options(self.config, self.db)
        extra = self.retrieves.listener_options()
        return Listener(self.config, handlers=options["handlers"] + extra["handlers"],
                        contexts=options["contexts"] + extra["contexts"],
                        security_event=options["security_event"])

    @cached_property
    def overdue(self) -> OverdueWatch:
        """Turns a storage commitment report that never came into a visible time-out."""
        from vxacq.net.commitment import OverdueWatch

        return OverdueWatch(self.config, self.db)

    def start(self) -> Services:
        self.started = True
        audit.record(self.db, "application start", detail=self.application)
        self.audit.start()
        self.tidy()
        status = self.listener.start()
        if status.error:
            log.warning("listener: %s (commitment reports on new associations will not "
                        "arrive)", status.error)
        self.outbox.start()
        self.overdue.start()
        return self

    def tidy(self) -> None:
        """What a crash while a raw frame was written left behind, put in order (once) and
        said before anything runs: before the room, when the services start after it."""
        if not self._tidied:
            self._tidied = True
            self.notices = rawstore.tidy(rawstore.raw_dir(self.config.data_dir))
            for notice in self.notices:
                log.warning("raw frames: %s", notice)

    def follow_config(self) -> str:
        """After the configuration was changed in place (the service page's Save): the outbox
        sends to new nodes and fails the jobs of removed ones, the listener takes a new AE
        title, port or set of callers. Returns what changed, in words."""
        added = self.outbox.follow_config()
        status = self.listener.follow_config()
        self.audit.follow_config()
        words = [f"sending to {', '.join(added)} started"] if added else []
        if status.error:
            words.append(f"listener not listening: {status.error}")
        return "; ".join(words)

    def stop(self) -> None:
        if not self.started:  # e.g. the console's window closed before they started
            return
        self.overdue.stop()
        self.outbox.stop()
        self.listener.stop()
        audit.record(self.db, "application stop", detail=self.application)
        if not self.audit.last_error:  # the stop event too, unless the repository is away
            self.audit.forward()
        self.audit.stop()

    def __enter__(self) -> Services:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def refresh_worklist(config: Config, db: Database, dates: str = "today", *, modality: str = "DX",
                     cancel: Any = None) -> dict[str, str]:
    """Ask every worklist node for ``modality``'s steps on ``dates`` (today, YYYYMMDD or a
    range) and save the answers;
    returns, per node, what happened in words ("12 new, 0 changed, …" or why it failed).
    The worklist screen calls this on demand and on its timer, off the GUI thread."""
    from vxacq.net.worklist import criteria_for, query_and_sync

    outcome: dict[str, str] = {}
    for node in config.nodes_with("worklist"):
        try:
            criteria = criteria_for(config, dates, modality=modality)
            result, saved = query_and_sync(config, db, node, criteria, cancel=cancel)
        except DicomNetworkError as exc:
            outcome[node.name] = f"failed: {exc}"
            continue
        outcome[node.name] = saved.describe() + ("" if result.complete else " (incomplete answer)")
    return outcome


def fetch_order(config: Config, db: Database, accession: str) -> OrderView | None:
    """The active order with this accession: from the database, else asked of every worklist
    node (and saved). DicomNetworkError when no node could be asked."""
    found = find_order(db, accession)
    if found is not None:
        return found
    from vxacq.net.worklist import criteria_for, query_and_sync

    today = dt.date.today()
    span = dt.timedelta(days=ACCESSION_WINDOW_DAYS)
    dates = f"{(today - span):%Y%m%d}-{(today + span):%Y%m%d}"
    errors = []
    for node in config.nodes_with("worklist"):
        try:
            query_and_sync(config, db, node, criteria_for(config, dates, AccessionNumber=accession))
        except DicomNetworkError as exc:
            errors.append(f"{node.name}: {exc}")
    found = find_order(db, accession)
    if found is None and errors:
        raise DicomNetworkError("the worklist could not be asked: " + "; ".join(errors),
                                kind="unreachable", retryable=True)
    return found


@dataclass
class ExamRun:
    """What ``vxacq exam`` reports."""

    study_id: int
    StudyInstanceUID: str
    status: str
    images: list[ImageView]
    dose_report: str
    jobs: dict[str, list[int]]
    unfinished: list[str] = field(default_factory=list)  # jobs not done, in words
    per_image: list[ImageStatus] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unfinished


def run_exam(config: Config, db: Database, services: Services, accession: str,
             protocols: list[str], *, laterality: str | None = None, operator: str = "",
             timeout: float = 120.0, time_scale: float | None = None,
             confirm_dose: str = "") -> ExamRun:
    """The scripted exam (see the module docstring). ExamError/ExposureError when a step
    cannot be done (an exposure past a dose notification level needs ``confirm_dose``, the
    reason recorded with the exam); jobs still queued at ``timeout`` are listed in ``unfinished`` (they stay
    queued and are sent later: nothing is lost)."""
    order = fetch_order(config, db, accession)
    if order is None:
        raise ExamError(f"no scheduled order with accession '{accession}' in the database or "
                        "on the worklist nodes; check the accession or the worklist")
    waiting = open_records(config.data_dir)
    if waiting:  # refused before the exam starts: nothing to discontinue
        raise ExamError(FramePendingError(waiting).text)
    exam = Exam.start(config, db, order.id, operator=operator, protocols=list(protocols))
    for protocol_id in protocols:
        try:
            view = exam.expose(protocol_id, laterality=laterality, time_scale=time_scale,
                               confirm_dose=confirm_dose)
            problem = view.error if not view.file_path else ""
        except ExposureError as exc:
            problem = str(exc)
        except ExamError:  # e.g. no side for a paired body part: nothing was exposed yet
            exam.discontinue("DiscontinuedForUnspecifiedReason")
            raise
        if problem:
            exam.discontinue("EquipmentFailure")
            raise ExamError(f"{protocol_id}: {problem}; the exam was discontinued "
                            "(Equipment failure) and its dose report queued")
        exam.accept(view.id)
    closed = exam.close()
    unfinished = wait_for_jobs(db, services.outbox, exam.study_id, timeout)
    return ExamRun(study_id=exam.study_id, StudyInstanceUID=exam.study.StudyInstanceUID,
                   status=closed.status, images=exam.images(), dose_report=closed.dose_report,
                   jobs=closed.jobs, unfinished=unfinished,
                   per_image=image_status(db, exam.study_id))


def wait_for_jobs(db: Database, outbox: Outbox, study_id: int, timeout: float) -> list[str]:
    """Wait until every job of the study (including the commitment jobs the store jobs queue
    as they finish) is finished and no commitment answer is pending, or ``timeout`` passes;
    return what is not done, in words."""
    deadline = time.monotonic() + timeout
    while True:
        jobs = list_jobs(db, study_id=study_id)
        pending = [j for j in jobs if not j.finished]
        waiting = [f"{s.SOPInstanceUID} on {node}: commitment {word}"
                   for s in image_status(db, study_id)
                   for node, word in s.committed.items() if word == "pending"]
        if (not pending and not waiting) or time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    return [j.describe() for j in jobs if j.state != JobState.DONE] + waiting

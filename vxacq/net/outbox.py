"""The outbox: network work (store, commitment, print, MPPS) kept as rows of the exam database.

A job is written by :func:`enqueue` before anything is sent and updated after every attempt, so
a crash, a power cut or ``kill -9`` at any moment leaves it queued or running, and the next
start resumes it: an image is sent at least once and never lost.

Two processes may share one data dir (the console window and ``vxacq serve``). A process
claims a job with one conditional UPDATE (``claimed_by``, ``lease_expires_at``), which SQLite
applies atomically, so two processes never run the same job; the lease is renewed while the
job runs, and a lease that expires (its process died) is taken over.

The work itself is done by a handler, ``run_job(ctx: JobContext) -> dict | None``, in the
service module of the job's kind (imported by name, so services land independently). It raises
:class:`~vxacq.net.association.DicomNetworkError`: ``retryable`` errors are tried again after
``node.retry_delay`` seconds, doubling, up to ``node.retries`` more times; anything else fails
the job with the message kept in ``last_error`` for the user, who can retry or cancel it.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import socket
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, update
from sqlmodel import func, select

from vxacq.config import DEPARTMENT_NODE, Config, ConfigError, DepartmentConfig, NodeConfig
from vxacq.db import Database, Job, JobKind, JobState
from vxacq.db.models import aware, utcnow
from vxacq.net.errors import DicomNetworkError
from vxacq.security import audit

log = logging.getLogger(__name__)

HANDLER_MODULES = {
    JobKind.STORE: "vxacq.net.store",
    JobKind.COMMITMENT: "vxacq.net.commitment",
    JobKind.PRINT: "vxacq.net.printing",
    JobKind.MPPS: "vxacq.net.mpps",
    JobKind.PUBLISH: "vxacq.net.department",
}
FINAL_STATES = frozenset({JobState.DONE, JobState.FAILED, JobState.CANCELLED})
DEFAULT_LEASE_SECONDS = 60.0
# How often an idle worker looks for jobs another process queued (same-process enqueues wake it).
POLL_SECONDS = 2.0

_table = Job.__table__
_live_outboxes: weakref.WeakSet[Outbox] = weakref.WeakSet()


class JobError(Exception):
    """A job cannot be retried or cancelled as asked; the message says why."""


class JobInterrupted(Exception):
    """Raised by a handler that stopped early because :meth:`JobContext.should_stop` said so.

    The job keeps its state: cancelled stays cancelled; a job stopped because the outbox is
    shutting down goes back to the queue without counting the attempt.
    """


@dataclass(frozen=True)
class JobView:
    """A job as read from the database: what ``vxacq queue`` and the window show."""

    id: int
    kind: JobKind
    node: str
    state: JobState
    study_id: int | None
    payload: dict[str, Any]
    attempts: int
    next_attempt_at: datetime
    last_error: str
    progress: str
    claimed_by: str
    lease_expires_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> JobView:
        return cls(
            id=row.id, kind=JobKind(row.kind), node=row.node, state=JobState(row.state),
            study_id=row.study_id, payload=json.loads(row.payload or "{}"),
            attempts=row.attempts, next_attempt_at=aware(row.next_attempt_at),
            last_error=row.last_error, progress=row.progress, claimed_by=row.claimed_by,
            lease_expires_at=aware(row.lease_expires_at), created_at=aware(row.created_at),
            updated_at=aware(row.updated_at),
        )

    @property
    def finished(self) -> bool:
        return self.state in FINAL_STATES

    def describe(self) -> str:
        """One line for a person: what, where, and how it stands."""
        files = self.payload.get("files")
        what = f"{self.kind} of {len(files)} file(s)" if isinstance(files, list) else str(self.kind)
        line = f"#{self.id} {what} to {self.node}: {self.state}"
        if self.state == JobState.RUNNING and self.progress:
            line += f" ({self.progress})"
        if self.state == JobState.QUEUED and self.attempts:
            line += f", attempt {self.attempts + 1} at {self.next_attempt_at:%H:%M:%S} UTC"
        if self.last_error and self.state != JobState.DONE:
            line += f" — {self.last_error}"
        return line

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": str(self.kind), "node": self.node, "state": str(self.state),
            "study_id": self.study_id, "attempts": self.attempts,
            "next_attempt_at": self.next_attempt_at.isoformat(),
            "last_error": self.last_error, "progress": self.progress,
            "claimed_by": self.claimed_by,
            "created_at": self.created_at.isoformat(), "updated_at": self.updated_at.isoformat(),
            "payload": self.payload,
        }


@dataclass
class JobContext:
    """What a handler gets: the job, its node, and ways to report on it while it runs."""

    config: Config
    db: Database
    node: NodeConfig | DepartmentConfig  # where the job goes: a DICOM node, or the department
    job_id: int
    payload: dict[str, Any]
    attempt: int  # 1 for the first try
    study_id: int | None = None
    _outbox: Outbox | None = field(default=None, repr=False)

    def progress(self, text: str) -> None:
        """Say what the job is doing now (shown by ``vxacq queue`` and the window)."""
        log.debug("job %s: %s", self.job_id, text)
        if self._outbox is not None:
            self._outbox._write_running(self.job_id, progress=text)

    def checkpoint(self, *, progress: str | None = None, **values: Any) -> None:
        """Save ``values`` in ``payload["checkpoint"]`` now, so the next attempt after a crash
        or an error can skip work already done (e.g. instances already stored); ``progress``
        updates the display in the same write. Retrying a done job clears the checkpoint."""
        self.payload.setdefault("checkpoint", {}).update(values)
        if self._outbox is not None:
            changes: dict[str, Any] = {"payload": json.dumps(self.payload)}
            if progress is not None:
                changes["progress"] = progress
            self._outbox._write_running(self.job_id, **changes)

    def should_stop(self) -> bool:
        """True when the job was cancelled or the outbox is stopping; a handler that checks
        this between steps raises :class:`JobInterrupted`."""
        return self._outbox is not None and self._outbox._should_stop(self.job_id)


# --- the queue in the database ---------------------------------------------------------


def enqueue(db: Database, kind: JobKind | str, node: str, payload: dict[str, Any], *,
            study_id: int | None = None) -> int:
    """Write a queued job and return its id; the row is committed before this returns."""
    kind = JobKind(kind)
    text = json.dumps(payload)  # fails here, not later in a worker, if it cannot be stored
    now = utcnow()
    with db.session() as session:
        job = Job(kind=kind, node=node, payload=text, study_id=study_id,
                  next_attempt_at=now, created_at=now, updated_at=now)
        session.add(job)
        session.flush()
        job_id = int(job.id)
    log.info("job %s queued: %s to %s", job_id, kind, node)
    for outbox in list(_live_outboxes):
        if outbox.db.path == db.path:
            outbox._wake(node)
            outbox._notify(job_id)
    return job_id


def get_job(db: Database, job_id: int) -> JobView:
    with db.session() as session:
        row = session.get(Job, job_id)
        if row is None:
            raise JobError(f"there is no job {job_id}")
        return JobView.from_row(row)


def send_now(config: Config, db: Database, job_id: int, node: str, *, wait: bool,
             owner: str) -> JobView:
    """Run one queued job from a command: one attempt now, or with ``wait`` every retry until
    it is done or failed. A job that must wait for a retry stays queued for the console or
    ``vxacq serve``."""
    outbox = Outbox(config, db, owner=owner, nodes=[node])
    if wait:
        [job] = outbox.drain([job_id])
        return job
    outbox.run_once([job_id])
    return get_job(db, job_id)


def list_jobs(db: Database, *, states: Iterable[JobState | str] | None = None,
              node: str | None = None, study_id: int | None = None,
              limit: int | None = None) -> list[JobView]:
    """Jobs, newest first, optionally only those in ``states`` / for ``node`` / ``study_id``."""
    query = select(Job).order_by(Job.id.desc())
    if states is not None:
        query = query.where(Job.state.in_([str(JobState(s)) for s in states]))
    if node is not None:
        query = query.where(Job.node == node)
    if study_id is not None:
        query = query.where(Job.study_id == study_id)
    if limit is not None:
        query = query.limit(limit)
    with db.session() as session:
        return [JobView.from_row(row) for row in session.exec(query).all()]


def count_jobs(db: Database) -> dict[JobState, int]:
    """How many jobs are in each state (counted by the database, not read one by one)."""
    with db.session() as session:
        rows = session.exec(select(Job.state, func.count(Job.id)).group_by(Job.state)).all()
    return {JobState(state): int(n) for state, n in rows}


def retry(db: Database, job_id: int, *, user: str = "") -> JobView:
    """Queue a job again now with a fresh count of attempts: a failed or cancelled one (what
    an earlier attempt finished is not redone), a done one (sent again, whole), or a queued
    one waiting for its next attempt."""
    job = get_job(db, job_id)
    if job.state == JobState.RUNNING:
        raise JobError(f"job {job_id} is running now; cancel it first or let it finish")
    payload = dict(job.payload)
    if job.state == JobState.DONE:
        payload.pop("checkpoint", None)
        payload.pop("result", None)
    now = utcnow()
    with db.engine.begin() as conn:
        changed = conn.execute(
            update(_table).where(_table.c.id == job_id, _table.c.state == str(job.state))
            .values(state=str(JobState.QUEUED), attempts=0, next_attempt_at=now,
                    last_error="", progress="", claimed_by="", lease_expires_at=None,
                    payload=json.dumps(payload), updated_at=now)
        ).rowcount
    if not changed:
        raise JobError(f"job {job_id} changed meanwhile (now {get_job(db, job_id).state}); "
                       "look again and retry")
    job = get_job(db, job_id)
    _audit(db, user, "job retried", job)
    _tell_outboxes(db, job)
    return job


def cancel(db: Database, job_id: int, *, user: str = "") -> JobView:
    """Cancel a queued, running or failed job. A running job stops at its next step; what it
    already sent stays sent. Cancelled jobs can be retried."""
    now = utcnow()
    with db.engine.begin() as conn:
        changed = conn.execute(
            update(_table)
            .where(_table.c.id == job_id,
                   _table.c.state.in_([str(JobState.QUEUED), str(JobState.RUNNING),
                                       str(JobState.FAILED)]))
            .values(state=str(JobState.CANCELLED), claimed_by="", lease_expires_at=None,
                    progress="", updated_at=now)
        ).rowcount
    job = get_job(db, job_id)
    if not changed:
        raise JobError(f"job {job_id} is already {job.state}; nothing to cancel")
    _audit(db, user, "job cancelled", job)
    _tell_outboxes(db, job)
    return job


def _audit(db: Database, user: str, action: str, job: JobView) -> None:
    audit.record(db, action, user=user, study_id=job.study_id,
                 detail=f"job {job.id}: {job.kind} to {job.node}")


def _tell_outboxes(db: Database, job: JobView) -> None:
    for outbox in list(_live_outboxes):
        if outbox.db.path == db.path:
            outbox._wake(job.node)
            outbox._notify(job.id)


def _due(now: datetime) -> Any:
    """Jobs a process may claim now: queued and due, or running under an expired lease."""
    return or_(
        and_(_table.c.state == str(JobState.QUEUED), _table.c.next_attempt_at <= now),
        and_(_table.c.state == str(JobState.RUNNING), _table.c.lease_expires_at < now),
    )


def removed_node(node: str) -> str:
    """The error of a job whose node is not (or no longer) configured."""
    if node == DEPARTMENT_NODE:
        return ("the department database is no longer in the configuration; add [department] "
                "back and retry the job, or cancel it")
    return (f"node '{node}' is no longer in the configuration; add it back (Service → Nodes) "
            "and retry the job, or cancel it")


def destinations(config: Config) -> list[str]:
    """The names jobs can go to: every node, and the department database when configured."""
    return [n.name for n in config.nodes] + ([DEPARTMENT_NODE] if config.department else [])


def destination(config: Config, name: str) -> NodeConfig | DepartmentConfig:
    """The configured node (or department database) a job goes to; ConfigError if none."""
    if name == DEPARTMENT_NODE:
        if config.department is None:
            raise ConfigError(removed_node(name))
        return config.department
    return config.node(name)


def _due_or_waiting(now: datetime) -> Any:
    """Jobs no process is working on: queued (due or not), or running under an expired lease."""
    return or_(_table.c.state == str(JobState.QUEUED),
               and_(_table.c.state == str(JobState.RUNNING), _table.c.lease_expires_at < now))


def _owner_is_dead(claimed_by: str) -> bool:
    """True if ``claimed_by`` names a process on this host that no longer exists."""
    try:
        host, pid_text, _token = claimed_by.split(":")
        pid = int(pid_text)
    except ValueError:
        return False
    if host != socket.gethostname() or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:  # a killed child its parent has not reaped yet is a zombie: as good as dead
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


# --- the runner --------------------------------------------------------------------------


class Outbox:
    """Runs queued jobs: one worker thread per configured node, nodes in parallel.

    ``start()``/``stop()`` for the window and ``vxacq serve``; ``run_once()``, ``drain()``,
    ``wait_idle()`` and ``wait_for()`` for the command line and tests. ``subscribe(fn)`` calls
    ``fn(JobView)`` whenever this process changes a job (enqueue, claim, progress, retry,
    cancel, end), from the thread that changed it — a worker, mostly, so a window must hand
    it to its own thread; changes made by another process are seen by polling
    :func:`list_jobs`.
    """

    def __init__(self, config: Config, db: Database, *, owner: str | None = None,
                 nodes: Iterable[str] | None = None,
                 lease_seconds: float = DEFAULT_LEASE_SECONDS,
                 poll_seconds: float = POLL_SECONDS) -> None:
        self.config = config
        self.db = db
        # host:pid:token — the pid lets a restarted process on this host take over at once
        # the jobs of one that was killed, without waiting for their leases to expire.
        token = (owner or uuid.uuid4().hex[:8]).replace(":", "_")
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{token}"
        # None: every configured node, following the configuration (see follow_config)
        self._fixed_nodes = nodes is not None
        self.nodes = list(nodes) if nodes is not None else destinations(config)
        self.lease = timedelta(seconds=lease_seconds)
        self.poll_seconds = poll_seconds
        self._stopping = threading.Event()
        self._wakers: dict[str, threading.Event] = {n: threading.Event() for n in self.nodes}
        self._workers: list[threading.Thread] = []
        self._running: dict[int, bool] = {}  # job id -> lost (cancelled or taken over)
        # Running jobs a write found running and ours since the last look (see _should_stop).
        self._confirmed: set[int] = set()
        self._lock = threading.Lock()
        self._subscribers: list[Callable[[JobView], None]] = []
        _live_outboxes.add(self)

    # lifecycle

    def start(self) -> None:
        """Resume unfinished work and start one worker per node."""
        if self._workers:
            return
        self._stopping.clear()
        self.recover()
        self.fail_orphans()
        for name in self.nodes:
            self._start_worker(name)
        log.info("outbox %s started for %s", self.owner, ", ".join(self.nodes) or "no nodes")

    def _start_worker(self, name: str) -> None:
        self._wakers.setdefault(name, threading.Event())
        thread = threading.Thread(target=self._work, args=(name,), daemon=True,
                                  name=f"outbox-{name}")
        thread.start()
        self._workers.append(thread)

    def follow_config(self) -> list[str]:
        """Take the configuration as it is now (a node added, changed or removed on the
        service page): a worker starts for each new node, and the unfinished jobs of nodes no
        longer configured fail, saying so. A changed node's settings are read by its next job.
        Returns the names of the nodes that got a worker."""
        if self._fixed_nodes:
            return []
        added = [n for n in destinations(self.config) if n not in self.nodes]
        self.nodes += added
        if self._workers:
            for name in added:
                self._start_worker(name)
        self.fail_orphans()
        if added:
            log.info("outbox %s now also sends to %s", self.owner, ", ".join(added))
        return added

    def fail_orphans(self) -> list[int]:
        """Fail the queued jobs (and the running ones whose lease ran out) of nodes that are
        not in the configuration: no worker would ever send them, and they must not sit in the
        queue looking as if they would. Returns their ids."""
        known = destinations(self.config)
        now = utcnow()
        with self.db.session() as session:
            ids = list(session.exec(select(Job.id).where(Job.node.not_in(known),
                                                         _due_or_waiting(now))).all())
        failed = []
        for job_id in ids:
            job = get_job(self.db, job_id)
            message = removed_node(job.node)
            with self.db.engine.begin() as conn:
                changed = conn.execute(
                    update(_table).where(_table.c.id == job_id, _due_or_waiting(now))
                    .values(state=str(JobState.FAILED), last_error=message, claimed_by="",
                            lease_expires_at=None, progress="", updated_at=now)).rowcount
            if changed:
                log.warning("job %s failed: %s", job_id, message)
                failed.append(job_id)
                self._notify(job_id)
        return failed

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the workers. A handler that checks ``should_stop`` puts its job back in the
        queue; one still busy after ``timeout`` is left to its lease (taken over later)."""
        self._stopping.set()
        for event in self._wakers.values():
            event.set()
        deadline = time.monotonic() + timeout
        for thread in self._workers:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._workers = [t for t in self._workers if t.is_alive()]
        if self._workers:
            log.warning("outbox stopped with %d job(s) still running; their leases will expire",
                        len(self._workers))
            self._workers = []

    def subscribe(self, callback: Callable[[JobView], None]) -> Callable[[], None]:
        """Call ``callback(job)`` after every change this process makes; returns unsubscribe."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback)

    def recover(self) -> int:
        """Put back in the queue the jobs of processes on this host that died while running
        them (e.g. killed); jobs of other hosts wait for their leases. Returns how many."""
        with self.db.session() as session:
            rows = session.exec(
                select(Job.id, Job.claimed_by).where(Job.state == JobState.RUNNING)
            ).all()
        recovered = 0
        for job_id, claimed_by in rows:
            if not _owner_is_dead(claimed_by):
                continue
            now = utcnow()
            with self.db.engine.begin() as conn:
                recovered += conn.execute(
                    update(_table)
                    .where(_table.c.id == job_id, _table.c.claimed_by == claimed_by,
                           _table.c.state == str(JobState.RUNNING))
                    .values(state=str(JobState.QUEUED), claimed_by="", lease_expires_at=None,
                            next_attempt_at=now, updated_at=now,
                            last_error="interrupted: the process sending it stopped")
                ).rowcount
            log.warning("job %s resumed: its process (%s) is gone", job_id, claimed_by)
            self._notify(job_id)
        return recovered

    # synchronous use (command line, tests)

    def run_once(self, job_ids: Iterable[int] | None = None) -> int:
        """Run, in this thread, every job that is due now (only ``job_ids`` if given);
        return how many attempts were made. Jobs waiting for a retry are left waiting."""
        ids = list(job_ids) if job_ids is not None else None
        self.recover()
        count = 0
        while not self._stopping.is_set():
            job = self._claim(self.nodes, ids)
            if job is None:
                return count
            self._run(job)
            count += 1
        return count

    def drain(self, job_ids: Iterable[int], timeout: float | None = None) -> list[JobView]:
        """Run ``job_ids`` in this thread, through their retries, until each is done, failed
        or cancelled (or ``timeout`` seconds pass); return them as they stand."""
        ids = list(job_ids)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            self.run_once(ids)
            jobs = [get_job(self.db, i) for i in ids]
            waiting = [j for j in jobs if not j.finished]
            if not waiting or self._stopping.is_set():
                return jobs
            next_due = min(j.next_attempt_at if j.state == JobState.QUEUED
                           else (j.lease_expires_at or utcnow()) for j in waiting)
            pause = max(0.05, (next_due - utcnow()).total_seconds())
            if deadline is not None:
                if time.monotonic() >= deadline:
                    return jobs
                pause = min(pause, deadline - time.monotonic())
            self._stopping.wait(min(pause, self.poll_seconds))

    def wait_for(self, job_ids: Iterable[int], timeout: float) -> list[JobView]:
        """Wait (workers started) until ``job_ids`` are all finished or ``timeout`` passes."""
        ids = list(job_ids)
        deadline = time.monotonic() + timeout
        while True:
            jobs = [get_job(self.db, i) for i in ids]
            if all(j.finished for j in jobs) or time.monotonic() >= deadline:
                return jobs
            time.sleep(0.05)

    def wait_idle(self, timeout: float) -> bool:
        """Wait (workers started) until no job of our nodes is running or due now; True if
        that happened within ``timeout``. Jobs waiting for a later retry do not count."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            now = utcnow()
            with self.db.session() as session:
                busy = session.exec(
                    select(Job.id).where(Job.node.in_(self.nodes)).where(
                        or_(Job.state == JobState.RUNNING,
                            and_(Job.state == JobState.QUEUED, Job.next_attempt_at <= now)))
                    .limit(1)
                ).first()
            if busy is None:
                return True
            time.sleep(0.05)
        return False

    # workers

    def _work(self, node: str) -> None:
        waker = self._wakers[node]
        while not self._stopping.is_set():
            try:
                job = self._claim([node])
                if job is not None:
                    self._run(job)
                    continue
                waker.wait(self._idle_pause(node))
                waker.clear()
            except Exception:  # the database was unavailable: keep the worker alive
                log.exception("outbox worker for %s", node)
                self._stopping.wait(self.poll_seconds)

    def _idle_pause(self, node: str) -> float:
        """Seconds until the node's next job falls due, at most the poll interval."""
        with self.db.session() as session:
            next_at = session.exec(
                select(Job.next_attempt_at).where(Job.node == node,
                                                  Job.state == JobState.QUEUED)
                .order_by(Job.next_attempt_at).limit(1)
            ).first()
        if next_at is None:
            return self.poll_seconds
        return min(self.poll_seconds, max(0.0, (aware(next_at) - utcnow()).total_seconds()))

    def _claim(self, nodes: list[str], job_ids: list[int] | None = None) -> JobView | None:
        now = utcnow()
        query = (select(Job.id).where(Job.node.in_(nodes)).where(_due(now))
                 .order_by(Job.next_attempt_at, Job.id).limit(10))
        if job_ids is not None:
            query = query.where(Job.id.in_(job_ids))
        with self.db.session() as session:
            candidates = list(session.exec(query).all())
        for job_id in candidates:
            # The same condition again inside the UPDATE: of two processes racing for the
            # job, exactly one changes the row.
            with self.db.engine.begin() as conn:
                claimed = conn.execute(
                    update(_table).where(_table.c.id == job_id, _due(now))
                    .values(state=str(JobState.RUNNING), claimed_by=self.owner,
                            lease_expires_at=now + self.lease, attempts=_table.c.attempts + 1,
                            progress="", updated_at=now)
                ).rowcount
            if claimed:
                job = get_job(self.db, job_id)
                self._notify(job_id, job)
                return job
        return None

    def _run(self, job: JobView) -> None:
        try:
            node = destination(self.config, job.node)
        except ConfigError:
            self._finish(job, JobState.FAILED, removed_node(job.node))
            return
        try:
            module = importlib.import_module(HANDLER_MODULES[job.kind])
        except ImportError as exc:
            self._finish(job, JobState.FAILED,
                         f"this VXacq cannot run {job.kind} jobs ({exc}); retry it after updating")
            return
        ctx = JobContext(self.config, self.db, node, job.id, dict(job.payload), job.attempts,
                         job.study_id, self)
        log.info("job %s: %s to %s, attempt %d", job.id, job.kind, job.node, job.attempts)
        with self._leased(job.id):
            try:
                result = module.run_job(ctx)
            except JobInterrupted as exc:
                self._release(job, ctx, str(exc))
            except DicomNetworkError as exc:
                self._after_error(job, ctx, node, exc)
            except Exception as exc:
                log.exception("job %s failed with an unexpected error", job.id)
                self._finish(job, JobState.FAILED, f"unexpected error: {exc}", ctx.payload)
            else:
                if result is not None:
                    ctx.payload["result"] = result
                self._finish(job, JobState.DONE, "", ctx.payload)

    def _after_error(self, job: JobView, ctx: JobContext, node: NodeConfig | DepartmentConfig,
                     exc: DicomNetworkError) -> None:
        message = str(exc)
        if exc.kind == "tls" and isinstance(node, NodeConfig):  # we could not authenticate it
            audit.record(self.db, "TLS failure", detail=message, study_id=job.study_id,
                         peer_ae=node.ae_title, peer_address=node.host)
        if job.node not in destinations(self.config):  # removed while it ran
            self._finish(job, JobState.FAILED, f"{removed_node(job.node)} (last attempt: "
                         f"{message.removesuffix('; will retry')})", ctx.payload)
            return
        if exc.retryable and job.attempts <= node.retries:
            delay = node.retry_delay * 2 ** (job.attempts - 1)
            log.warning("job %s attempt %d failed, retry in %g s: %s", job.id, job.attempts,
                        delay, message)
            self._finish(job, JobState.QUEUED, message, ctx.payload,
                         next_attempt_at=utcnow() + timedelta(seconds=delay))
            return
        if exc.retryable:
            message = (f"{message.removesuffix('; will retry')} — gave up after "
                       f"{job.attempts} attempt(s); check the node, then retry the job")
        log.error("job %s failed: %s", job.id, message)
        self._finish(job, JobState.FAILED, message, ctx.payload)

    def _release(self, job: JobView, ctx: JobContext, why: str) -> None:
        """Back to the queue without counting the attempt (the outbox is stopping)."""
        now = utcnow()
        with self.db.engine.begin() as conn:
            conn.execute(
                update(_table).where(*self._mine(job.id))
                .values(state=str(JobState.QUEUED), attempts=_table.c.attempts - 1,
                        claimed_by="", lease_expires_at=None, next_attempt_at=now,
                        progress="", payload=json.dumps(ctx.payload), updated_at=now)
            )
        log.info("job %s interrupted: %s", job.id, why)
        self._notify(job.id)

    def _finish(self, job: JobView, state: JobState, error: str,
                payload: dict[str, Any] | None = None, *,
                next_attempt_at: datetime | None = None) -> None:
        now = utcnow()
        values: dict[str, Any] = dict(state=str(state), last_error=error, claimed_by="",
                                      lease_expires_at=None, progress="", updated_at=now)
        if payload is not None:
            values["payload"] = json.dumps(payload)
        if next_attempt_at is not None:
            values["next_attempt_at"] = next_attempt_at
        with self.db.engine.begin() as conn:
            changed = conn.execute(update(_table).where(*self._mine(job.id))
                                   .values(**values)).rowcount
        if not changed:
            # Cancelled while running, or the lease was lost: the row is someone else's now.
            log.warning("job %s ended as %s, but it was cancelled or taken over meanwhile",
                        job.id, state)
        elif state == JobState.DONE:
            log.info("job %s done", job.id)
        self._notify(job.id)

    def _mine(self, job_id: int) -> tuple[Any, ...]:
        return (_table.c.id == job_id, _table.c.claimed_by == self.owner,
                _table.c.state == str(JobState.RUNNING))

    def _write_running(self, job_id: int, **values: Any) -> None:
        values["updated_at"] = utcnow()
        with self.db.engine.begin() as conn:
            changed = conn.execute(update(_table).where(*self._mine(job_id))
                                   .values(**values)).rowcount
        with self._lock:
            if changed:
                self._confirmed.add(job_id)
            else:
                self._running[job_id] = True
        self._notify(job_id)

    def _should_stop(self, job_id: int) -> bool:
        if self._stopping.is_set():
            return True
        with self._lock:
            if self._running.get(job_id):
                return True
            if job_id in self._confirmed:
                # A write since the last look found the row running and ours (its WHERE is
                # what is read below): the step's checkpoint just now, mostly. Reading the row
                # back would say the same; one read a file less when a study is sent.
                self._confirmed.discard(job_id)
                return False
        job = get_job(self.db, job_id)
        return job.state != JobState.RUNNING or job.claimed_by != self.owner

    @contextmanager
    def _leased(self, job_id: int) -> Iterator[None]:
        """Renew the job's lease every third of its length while the handler runs."""
        done = threading.Event()
        with self._lock:
            self._running[job_id] = False

        def renew() -> None:
            interval = self.lease.total_seconds() / 3
            while not done.wait(interval):
                try:
                    with self.db.engine.begin() as conn:
                        kept = conn.execute(
                            update(_table).where(*self._mine(job_id))
                            .values(lease_expires_at=utcnow() + self.lease)).rowcount
                except Exception:
                    log.exception("renewing the lease of job %s", job_id)
                    continue
                if not kept:
                    with self._lock:
                        self._running[job_id] = True
                    return

        thread = threading.Thread(target=renew, daemon=True, name=f"lease-{job_id}")
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()
            with self._lock:
                self._running.pop(job_id, None)
                self._confirmed.discard(job_id)

    def _wake(self, node: str) -> None:
        if node in self._wakers:
            self._wakers[node].set()

    def _notify(self, job_id: int, job: JobView | None = None) -> None:
        if not self._subscribers:
            return
        try:
            job = job or get_job(self.db, job_id)
        except JobError:
            return
        for callback in list(self._subscribers):
            try:
                callback(job)
            except Exception:
                log.exception("outbox subscriber %r", callback)

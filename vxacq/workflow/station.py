"""The station's service functions: C-ECHO the nodes, the send queue, the simulator's faults.

What the service pages, ``vxacq echo`` and ``vxacq queue`` share. Each answer says what
happened in words a service engineer can act on:

- :func:`echo_node` never raises for a network problem and ends within the node's connect
  timeout when the host cannot be resolved or reached (the reason is in the result);
- :func:`list_jobs` marks the jobs of nodes that are no longer configured, and
  :data:`QUEUE_VIEWS` are the queue's filters, failed jobs first;
- :func:`retry_job` and :func:`cancel_job` return the job and a sentence saying what was
  actually done (what is sent again and what is not, when the next attempt is).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vxacq import config as configuration
from vxacq.config import Config, NodeConfig
from vxacq.db import Database, JobState
from vxacq.hal.faults import FAULTS, FaultSpec, parse_fault
from vxacq.net import outbox
from vxacq.net.outbox import JobError, JobView
from vxacq.security import audit
from vxacq.workflow.runtime import Services

if TYPE_CHECKING:
    from vxacq.net.echo import EchoResult

__all__ = [
    "apply_config", "FaultSpec", "JobError", "JobRow", "QUEUE_PAGE", "QUEUE_VIEWS",
    "ActionOutcome",
    "cancel_job", "echo_node", "fault_catalogue", "list_jobs", "parse_fault", "queue_counts",
    "retry_job",
]

log = logging.getLogger(__name__)

# The queue's filters: what each shows. "attention" (the default) puts failed jobs first.
QUEUE_VIEWS: dict[str, tuple[JobState, ...] | None] = {
    "attention": (JobState.FAILED, JobState.QUEUED, JobState.RUNNING),
    "failed": (JobState.FAILED,),
    "all": None,
}
# What the queue page lists at most: the newest finished jobs past it are left out (with
# 10,000 jobs in the file the page stays quick); `vxacq queue --limit` lists more.
QUEUE_PAGE = 200


def apply_config(services: Services, changed: Config) -> str:
    """Validate and save ``changed`` to the station's configuration file, make it the
    running configuration (the pages, the outbox, the listener and the worklist share one
    Config object, updated in place) and let the services follow it: no restart needed.
    ConfigError or OSError when it cannot be saved (then nothing changed). Returns what the
    services did, in words ("" when nothing but settings changed)."""
    current = services.config
    configuration.save(changed, current.path)
    sections = [name for name in ("station", "hardware", "imaging", "audit", "nodes")
                if getattr(current, name) != getattr(changed, name)]
    for name in ("station", "hardware", "imaging", "audit", "nodes", "path"):
        setattr(current, name, getattr(changed, name))
    if sections:
        try:
            audit.record(services.db, "configuration changed",
                         detail=f"{current.path}: {', '.join(sections)}")
        except Exception:  # saved and running already: the services must follow it all the same
            log.exception("the configuration was saved, its audit event was not")
    return services.follow_config()


def echo_node(config: Config, node: NodeConfig) -> EchoResult:
    """C-ECHO ``node`` (see :func:`vxacq.net.echo.echo`): the round trip or why not."""
    from vxacq.net.echo import echo  # pynetdicom: not before a node is echoed

    return echo(config, node)


@dataclass(frozen=True)
class JobRow:
    """A job as the queue shows it, with whether its node still exists."""

    job: JobView
    node_known: bool

    @property
    def error(self) -> str:
        if not self.node_known and not self.job.finished:
            return (f"node '{self.job.node}' is no longer in the configuration; this job will "
                    "not be sent")
        return self.job.last_error

    def to_dict(self) -> dict[str, object]:
        return {**self.job.to_dict(), "node_known": self.node_known}


def list_jobs(config: Config, db: Database, view: str = "attention", *,
              states: Iterable[JobState | str] | None = None,
              limit: int | None = QUEUE_PAGE) -> list[JobRow]:
    """The queue for one of :data:`QUEUE_VIEWS` (or explicit ``states``); failed jobs first,
    then newest first; at most ``limit`` (None: all)."""
    if states is None:
        if view not in QUEUE_VIEWS:
            raise ValueError(f"unknown queue view '{view}' (known: {', '.join(QUEUE_VIEWS)})")
        states = QUEUE_VIEWS[view]
    wanted = set(JobState) if states is None else {JobState(s) for s in states}
    known = {n.name for n in config.nodes}
    # two queries, so that a limit keeps every failed job that fits before the newest others
    jobs = outbox.list_jobs(db, states=[JobState.FAILED], limit=limit) \
        if JobState.FAILED in wanted else []
    others = wanted - {JobState.FAILED}
    if others and (limit is None or len(jobs) < limit):
        jobs += outbox.list_jobs(db, states=sorted(others),
                                 limit=None if limit is None else limit - len(jobs))
    return [JobRow(j, j.node in known) for j in jobs]


def queue_counts(db: Database) -> tuple[int, int]:
    """(jobs waiting or being sent, failed jobs): what the status bar shows."""
    counts = outbox.count_jobs(db)
    return (counts.get(JobState.QUEUED, 0) + counts.get(JobState.RUNNING, 0),
            counts.get(JobState.FAILED, 0))


@dataclass(frozen=True)
class ActionOutcome:
    job: JobView
    message: str


def retry_job(config: Config, db: Database, job_id: int, *, user: str = "") -> ActionOutcome:
    """Queue the job again now (see :func:`vxacq.net.outbox.retry`) and say what will be
    sent. JobError when it cannot be retried, e.g. its node is no longer configured."""
    before = outbox.get_job(db, job_id)
    if before.node not in {n.name for n in config.nodes}:
        raise JobError(f"job {job_id} cannot be retried: node '{before.node}' is no longer in "
                       "the configuration; add it back (Service → Nodes) or cancel the job")
    job = outbox.retry(db, job_id, user=user)
    return ActionOutcome(job, _retried(before, job))


def _retried(before: JobView, job: JobView) -> str:
    what = f"Job #{job.id} ({job.kind} to {job.node})"
    files = before.payload.get("files")
    done = before.payload.get("checkpoint", {}).get("sent", [])
    if before.state == JobState.DONE:
        whole = f" all {len(files)} file(s)" if isinstance(files, list) else ""
        return f"{what} was done; it is queued again and sends{whole} again, now."
    if before.state == JobState.QUEUED:
        return (f"{what} was waiting for attempt {before.attempts + 1} at "
                f"{before.next_attempt_at:%H:%M:%S} UTC; it is tried now, with a fresh count "
                "of attempts.")
    line = f"{what} was {before.state}; it is queued again and tried now"
    if isinstance(files, list) and done:
        line += (f": {len(done)} of {len(files)} file(s) already stored are not sent again, "
                 f"{len(files) - len(done)} are")
    return line + "."


def cancel_job(db: Database, job_id: int, *, user: str = "") -> ActionOutcome:
    """Cancel the job (see :func:`vxacq.net.outbox.cancel`) and say what that means."""
    before = outbox.get_job(db, job_id)
    job = outbox.cancel(db, job_id, user=user)
    line = f"Job #{job.id} ({job.kind} to {job.node}) is cancelled"
    if before.state == JobState.RUNNING:
        line += "; it stops after the step it is in, and what it already sent stays sent"
    return ActionOutcome(job, line + ". Retry brings it back.")


def fault_catalogue() -> list[tuple[str, str, str]]:
    """The simulator's faults: (name, kind of value, meaning), for the QA page."""
    return [(name, kind, meaning) for name, (_, kind, meaning) in FAULTS.items()]

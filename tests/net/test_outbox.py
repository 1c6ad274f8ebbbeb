"""The outbox's queue: rows before work, retries with back-off, leases between processes,
cancel and retry, recovery after a process died. The DICOM side is in test_store.py; here a
handler in this module stands in for a service so each queue rule can be driven directly."""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from vxacq import config as configuration
from vxacq.db import Job, JobKind, JobState, open_database
from vxacq.net import outbox
from vxacq.net.association import DicomNetworkError
from vxacq.net.outbox import JobContext, JobInterrupted, Outbox, enqueue, get_job, list_jobs

KIND = JobKind.PRINT  # any kind: its handler module is pointed at this file below


def run_job(ctx: JobContext) -> dict | None:
    """The stand-in handler: records the attempt, then does what the payload says."""
    with open(ctx.payload["log"], "a", encoding="ascii") as fh:
        fh.write(f"{ctx.job_id} {ctx.attempt} {os.getpid()}\n")
    action = ctx.payload.get("action", "ok")
    if action == "slow":
        started = time.time()
        deadline = time.monotonic() + ctx.payload.get("seconds", 1.0)
        while time.monotonic() < deadline:
            if ctx.should_stop():
                raise JobInterrupted("stopped on request")
            time.sleep(0.02)
        if "times" in ctx.payload:
            with open(ctx.payload["times"], "a", encoding="ascii") as fh:
                fh.write(f"{ctx.job_id} {started} {time.time()}\n")
    if action == "retry" or (action == "retry-once" and ctx.attempt == 1):
        raise DicomNetworkError("the peer is down; will retry", kind="unreachable", retryable=True)
    if action == "refuse":
        raise DicomNetworkError("the peer refused for good", kind="rejected", retryable=False)
    if action == "bug":
        raise KeyError("no such thing")
    ctx.progress("working")
    ctx.checkpoint(step="half")
    return {"attempt": ctx.attempt}


@pytest.fixture(autouse=True)
def handler_is_this_module(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(outbox.HANDLER_MODULES, KIND, __name__)


def make_config(tmp_path: Path, **node: object) -> configuration.Config:
    raw = {"station": {"data_dir": str(tmp_path)},
           "node": [{"name": "pacs", "ae_title": "PACS", "host": "127.0.0.1", "port": 1,
                     "services": ["store"], "retries": 2, "retry_delay": 0.2, **node},
                    {"name": "other", "ae_title": "OTHER", "host": "127.0.0.1", "port": 2,
                     "services": ["store"]}]}
    return configuration.from_dict(raw)


@pytest.fixture
def setup(tmp_path: Path):
    config = make_config(tmp_path)
    db = open_database(tmp_path / "vxacq.sqlite")
    yield config, db, tmp_path / "attempts.log"
    db.close()


def attempts(log: Path) -> list[tuple[int, int]]:
    if not log.exists():
        return []
    return [(int(a), int(b)) for a, b, _pid in (line.split() for line in log.read_text().splitlines())]


def test_job_is_a_row_before_it_runs_and_done_after(setup) -> None:
    config, db, log = setup
    job_id = enqueue(db, KIND, "pacs", {"log": str(log)}, study_id=None)
    job = get_job(db, job_id)
    assert job.state == JobState.QUEUED and job.attempts == 0 and attempts(log) == []
    assert Outbox(config, db).run_once() == 1
    job = get_job(db, job_id)
    assert job.state == JobState.DONE and job.attempts == 1
    assert job.payload["result"] == {"attempt": 1} and job.payload["checkpoint"] == {"step": "half"}
    assert job.claimed_by == "" and job.lease_expires_at is None
    assert attempts(log) == [(job_id, 1)]


def test_retryable_error_backs_off_doubling_then_fails_in_words(setup) -> None:
    config, db, log = setup
    job_id = enqueue(db, KIND, "pacs", {"log": str(log), "action": "retry"})
    box = Outbox(config, db)
    before = outbox.utcnow()
    box.run_once()
    job = get_job(db, job_id)
    assert job.state == JobState.QUEUED and job.last_error.startswith("the peer is down")
    assert timedelta(seconds=0.15) < job.next_attempt_at - before < timedelta(seconds=1)
    assert box.run_once() == 0  # not due yet
    time.sleep(0.25)
    box.run_once()
    job = get_job(db, job_id)
    assert job.attempts == 2 and job.state == JobState.QUEUED
    gap = job.next_attempt_at - job.updated_at
    assert timedelta(seconds=0.35) < gap < timedelta(seconds=0.5)  # 0.2 s doubled
    jobs = box.drain([job_id], timeout=10)
    assert jobs[0].state == JobState.FAILED
    assert jobs[0].attempts == 3  # the first try and node.retries = 2 more
    assert "gave up after 3 attempt(s)" in jobs[0].last_error
    assert "will retry" not in jobs[0].last_error


def test_peer_back_after_a_retry_completes_the_job(setup) -> None:
    config, db, log = setup
    job_id = enqueue(db, KIND, "pacs", {"log": str(log), "action": "retry-once"})
    [job] = Outbox(config, db).drain([job_id], timeout=10)
    assert job.state == JobState.DONE and job.attempts == 2 and job.last_error == ""


def test_permanent_errors_and_bugs_fail_at_once(setup) -> None:
    config, db, log = setup
    refused = enqueue(db, KIND, "pacs", {"log": str(log), "action": "refuse"})
    bug = enqueue(db, KIND, "pacs", {"log": str(log), "action": "bug"})
    lost = enqueue(db, KIND, "gone", {"log": str(log)})
    box = Outbox(config, db, nodes=["pacs", "gone"])
    box.run_once()
    assert get_job(db, refused).state == JobState.FAILED
    assert get_job(db, refused).last_error == "the peer refused for good"
    assert get_job(db, bug).state == JobState.FAILED
    assert "unexpected error" in get_job(db, bug).last_error
    assert get_job(db, lost).state == JobState.FAILED
    assert "node 'gone' is no longer in the configuration" in get_job(db, lost).last_error


def test_cancel_and_retry(setup) -> None:
    config, db, log = setup
    job_id = enqueue(db, KIND, "pacs", {"log": str(log), "action": "refuse"})
    outbox.cancel(db, job_id, user="tech")
    box = Outbox(config, db)
    assert box.run_once() == 0 and attempts(log) == []
    with pytest.raises(outbox.JobError, match="already cancelled"):
        outbox.cancel(db, job_id)
    outbox.retry(db, job_id, user="tech")
    box.run_once()
    job = get_job(db, job_id)
    assert job.state == JobState.FAILED and job.attempts == 1
    done = enqueue(db, KIND, "pacs", {"log": str(log)})
    box.run_once()
    assert get_job(db, done).payload["checkpoint"] == {"step": "half"}
    job = outbox.retry(db, done)  # a done job is sent again, whole
    assert job.state == JobState.QUEUED and "checkpoint" not in job.payload
    assert "result" not in job.payload
    with db.session() as s:
        from sqlmodel import select

        from vxacq.db import AuditEvent
        actions = [e.action for e in s.exec(select(AuditEvent)).all()]
    assert actions == ["job cancelled", "job retried", "job retried"]


def test_cancel_stops_a_running_job(setup) -> None:
    config, db, log = setup
    box = Outbox(config, db, lease_seconds=0.3)
    job_id = enqueue(db, KIND, "pacs", {"log": str(log), "action": "slow", "seconds": 20})
    runner = threading.Thread(target=box.run_once)
    runner.start()
    while get_job(db, job_id).state != JobState.RUNNING:
        time.sleep(0.01)
    with pytest.raises(outbox.JobError, match="running"):
        outbox.retry(db, job_id)
    outbox.cancel(db, job_id)
    runner.join(5)
    assert not runner.is_alive()
    assert get_job(db, job_id).state == JobState.CANCELLED


def test_a_checkpoint_that_finds_the_job_still_ours_spares_reading_it_back(setup, monkeypatch) -> None:
    """``should_stop`` reads the row, except right after a write that found it running and
    ours (a step's checkpoint): that write's condition is what the read checks. A cancel
    during a step makes the step's checkpoint find nothing, and the job stops before the next
    step; one that lands between the checkpoint and the look is seen at the next checkpoint."""
    config, db, log = setup
    box = Outbox(config, db)
    job_id = enqueue(db, KIND, "pacs", {"log": str(log)})
    job = box._claim(["pacs"])
    ctx = JobContext(config, db, config.node("pacs"), job.id, dict(job.payload), job.attempts,
                     None, box)
    reads: list[int] = []
    read = outbox.get_job
    monkeypatch.setattr(outbox, "get_job", lambda db, i: reads.append(i) or read(db, i))
    with box._leased(job_id):
        assert not ctx.should_stop() and len(reads) == 1  # nothing written yet: read
        ctx.checkpoint(sent=["1"])
        assert not ctx.should_stop() and len(reads) == 1  # the write found it ours
        assert not ctx.should_stop() and len(reads) == 2  # once per write
        outbox.cancel(db, job_id)  # during a step
        ctx.checkpoint(sent=["1", "2"])
        assert ctx.should_stop()
    job_id = enqueue(db, KIND, "pacs", {"log": str(log)})
    job = box._claim(["pacs"])
    ctx = JobContext(config, db, config.node("pacs"), job.id, dict(job.payload), job.attempts,
                     None, box)
    with box._leased(job_id):
        ctx.checkpoint(sent=["1"])
        outbox.cancel(db, job_id)  # between the checkpoint and the look
        assert not ctx.should_stop()
        ctx.checkpoint(sent=["1", "2"])
        assert ctx.should_stop()
    assert get_job(db, job_id).state == JobState.CANCELLED


def test_two_processes_never_run_one_job_twice(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    log = tmp_path / "attempts.log"
    first, second = open_database(tmp_path / "vxacq.sqlite"), open_database(tmp_path / "vxacq.sqlite")
    ids = [enqueue(first, KIND, "pacs", {"log": str(log)}) for _ in range(40)]
    boxes = [Outbox(config, first, owner="a"), Outbox(config, second, owner="b"),
             Outbox(config, first, owner="c")]
    threads = [threading.Thread(target=b.run_once) for b in boxes]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    ran = [job_id for job_id, _ in attempts(log)]
    assert sorted(ran) == ids  # each exactly once
    assert {j.state for j in list_jobs(first)} == {JobState.DONE}
    first.close()
    second.close()


def test_expired_lease_is_taken_over_and_a_live_one_is_not(setup) -> None:
    config, db, log = setup
    job_id = enqueue(db, KIND, "pacs", {"log": str(log)})
    with db.session() as s:
        row = s.get(Job, job_id)
        row.state, row.claimed_by, row.attempts = JobState.RUNNING, "elsewhere:1:x", 1
        row.lease_expires_at = outbox.utcnow() + timedelta(seconds=30)
    box = Outbox(config, db)
    assert box.run_once() == 0
    with db.session() as s:
        s.get(Job, job_id).lease_expires_at = outbox.utcnow() - timedelta(seconds=1)
    assert box.run_once() == 1
    job = get_job(db, job_id)
    assert job.state == JobState.DONE and job.attempts == 2


def test_a_dead_local_process_jobs_resume_at_once(setup) -> None:
    config, db, log = setup
    import socket
    import subprocess
    import sys

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    job_id = enqueue(db, KIND, "pacs", {"log": str(log)})
    with db.session() as s:
        row = s.get(Job, job_id)
        row.state, row.attempts = JobState.RUNNING, 1
        row.claimed_by = f"{socket.gethostname()}:{dead.pid}:x"
        row.lease_expires_at = outbox.utcnow() + timedelta(minutes=5)
    box = Outbox(config, db)
    assert box.recover() == 1
    assert "process sending it stopped" in get_job(db, job_id).last_error
    box.run_once()
    assert get_job(db, job_id).state == JobState.DONE


def test_workers_run_nodes_in_parallel_and_report_changes(setup) -> None:
    config, db, log = setup
    seen: list[tuple[int, JobState]] = []
    box = Outbox(config, db)
    box.subscribe(lambda job: seen.append((job.id, job.state)))
    box.start()
    try:
        times = log.with_name("times.log")
        slow = {"log": str(log), "action": "slow", "seconds": 1.0, "times": str(times)}
        a = enqueue(db, KIND, "pacs", slow)
        b = enqueue(db, KIND, "other", slow)
        jobs = box.wait_for([a, b], timeout=20)
        assert [j.state for j in jobs] == [JobState.DONE, JobState.DONE]
        assert box.wait_idle(5)
    finally:
        box.stop()
    # Both ran at once: each started before the other ended.
    spans = {int(i): (float(s), float(e)) for i, s, e in
             (line.split() for line in times.read_text().splitlines())}
    assert spans[a][0] < spans[b][1] and spans[b][0] < spans[a][1]
    for job_id in (a, b):
        states = [s for i, s in seen if i == job_id]
        assert states[0] == JobState.QUEUED and JobState.RUNNING in states
        assert states[-1] == JobState.DONE


def test_stop_puts_a_running_job_back_without_counting_it(setup) -> None:
    config, db, log = setup
    box = Outbox(config, db)
    box.start()
    job_id = enqueue(db, KIND, "pacs", {"log": str(log), "action": "slow", "seconds": 30})
    while get_job(db, job_id).state != JobState.RUNNING:
        time.sleep(0.01)
    box.stop(timeout=5)
    job = get_job(db, job_id)
    assert job.state == JobState.QUEUED and job.attempts == 0 and job.claimed_by == ""
    assert json.loads(json.dumps(job.to_dict()))["state"] == "queued"

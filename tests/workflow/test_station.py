"""The service functions the service pages and the commands share (vxacq.workflow.station):
C-ECHO that ends within the node's timeout with the reason, Retry that says what it did,
jobs of removed nodes that say so and stop, and a configuration change that takes effect in
the running outbox and listener without a restart. Real peers: DCMTK storescp and echoscu."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from pydicom.uid import generate_uid
from sqlalchemy import update

from tests import peers
from tests.net.test_store import make_config, write_dx
from vxacq import config as configuration
from vxacq.config import ConfigError, NodeConfig
from vxacq.db import Job, JobState, open_database
from vxacq.db.models import utcnow
from vxacq.net.outbox import Outbox, cancel, enqueue, get_job
from vxacq.net.store import enqueue_store
from vxacq.workflow import station
from vxacq.workflow.runtime import Services


@pytest.fixture
def db(tmp_path: Path):
    database = open_database(tmp_path / "data" / "vxacq.sqlite")
    yield database
    database.close()


def _node(name: str, host: str, port: int, timeout: float = 2.0) -> NodeConfig:
    return NodeConfig(name=name, ae_title=name.upper(), host=host, port=port,
                      services=["store"], connect_timeout=timeout, acse_timeout=5.0)


def test_echo_that_cannot_resolve_or_connect_ends_within_the_timeout(tmp_path, storescp,
                                                                        monkeypatch) -> None:
    config = make_config(tmp_path, {"name": "pacs", "port": storescp.port})
    ok = station.echo_node(config, config.node("pacs"))
    assert ok.ok and ok.round_trip_ms > 0
    for node, words in ((_node("nohost", "no-such-host.invalid", 104), "cannot be resolved"),
                        (_node("closed", "127.0.0.1", peers.free_port()), "connection refused")):
        started = time.monotonic()
        result = station.echo_node(config, node)
        assert time.monotonic() - started < node.connect_timeout + 0.5
        assert not result.ok and result.kind == "unreachable" and words in result.message

    # a name server that never answers: the lookup is given up at the connect timeout
    def silent_dns(*_args, **_kwargs):
        time.sleep(5)
        raise socket.gaierror("too late")

    monkeypatch.setattr(socket, "getaddrinfo", silent_dns)
    node = _node("slowdns", "pacs.example.org", 104, timeout=1.0)
    started = time.monotonic()
    result = station.echo_node(config, node)
    assert time.monotonic() - started < 1.5
    assert not result.ok and "not resolved within 1 s" in result.message


def test_retry_says_what_it_actually_did(tmp_path, db) -> None:
    config = make_config(tmp_path, {"name": "pacs", "port": peers.free_port()})
    files = [str(tmp_path / f"{n}.dcm") for n in range(3)]
    job_id = enqueue(db, "store", "pacs", {"files": files, "checkpoint": {"sent": ["a", "b"]}})
    cancel(db, job_id)
    outcome = station.retry_job(config, db, job_id)
    assert outcome.job.state == JobState.QUEUED
    assert "was cancelled" in outcome.message
    assert "2 of 3 file(s) already stored are not sent again, 1 are" in outcome.message
    outcome = station.retry_job(config, db, job_id)  # queued: its next attempt is brought forward
    assert "it is tried now" in outcome.message and "waiting for attempt 1" in outcome.message
    outcome = station.cancel_job(db, job_id)
    assert outcome.job.state == JobState.CANCELLED and "Retry brings it back" in outcome.message


def test_a_job_for_a_removed_node_says_so_and_is_not_retried(tmp_path, db) -> None:
    config = make_config(tmp_path, {"name": "pacs", "port": peers.free_port()})
    orphan = enqueue(db, "store", "gone", {"files": []})
    [row] = station.list_jobs(config, db)
    assert not row.node_known and "no longer in the configuration" in row.error
    outbox = Outbox(config, db)
    outbox.start()
    try:
        job = get_job(db, orphan)
        assert job.state == JobState.FAILED
        assert "node 'gone' is no longer in the configuration" in job.last_error
    finally:
        outbox.stop()
    [row] = station.list_jobs(config, db, "failed")
    assert row.job.id == orphan and not row.node_known
    with pytest.raises(station.JobError, match="no longer in the configuration"):
        station.retry_job(config, db, orphan)
    assert get_job(db, orphan).state == JobState.FAILED  # not queued again, forever


def test_a_node_added_or_removed_takes_effect_without_a_restart(tmp_path, storescp) -> None:
    listen_port = peers.free_port()
    config = make_config(tmp_path, {"name": "old", "ae_title": "OLDNODE",
                                    "port": peers.free_port()},
                         ae_title="CONSOLE", listen_port=listen_port)
    configuration.save(config, tmp_path / "vxacq.toml")
    db = open_database(config.data_dir / "vxacq.sqlite")
    # a job for the old node, waiting for its next attempt in an hour
    old_job = enqueue(db, "store", "old", {"files": []})
    with db.engine.begin() as conn:
        conn.execute(update(Job.__table__).where(Job.__table__.c.id == old_job).values(
            next_attempt_at=utcnow() + timedelta(hours=1)))
    services = Services(config, db).start()
    try:
        echo = [peers.tool("echoscu"), "-aec", "CONSOLE", "-aet", "STORESCP", "-to", "5",
                "127.0.0.1", str(listen_port)]
        assert subprocess.run(echo, capture_output=True, timeout=30).returncode != 0

        changed = configuration.load(config.path)
        changed.nodes.append(NodeConfig(name="pacs", ae_title=storescp.ae_title,
                                        host="127.0.0.1", port=storescp.port,
                                        services=["store"], connect_timeout=2.0))
        changed.nodes = [n for n in changed.nodes if n.name != "old"]
        words = station.apply_config(services, changed)
        assert "sending to pacs started" in words
        assert [n.name for n in services.config.nodes] == ["pacs"]
        old = get_job(db, old_job)
        assert old.state == JobState.FAILED and "node 'old' is no longer" in old.last_error
        # the listener accepts the new node's AE title at once
        done = subprocess.run(echo, capture_output=True, timeout=30)
        assert done.returncode == 0, done.stdout + done.stderr
        # and the running outbox sends to it
        path = write_dx(tmp_path, 1, study=generate_uid())
        job_id = enqueue_store(services.db, "pacs", [path])
        [job] = services.outbox.wait_for([job_id], timeout=30)
        assert job.state == JobState.DONE, job.describe()
        assert "pacs" in configuration.load(config.path).nodes[0].name
        from vxacq.security import audit

        [changed_event] = [e for e in audit.list_events(db)
                           if e.action == "configuration changed"]
        assert changed_event.detail == f"{config.path}: nodes"
    finally:
        services.stop()
        services.db.close()


def test_a_saved_change_is_followed_though_its_audit_event_fails(tmp_path, db,
                                                                  monkeypatch) -> None:
    """The file is written and the configuration running when the audit row is recorded: a
    locked database then must not leave the services on the old nodes (nor make the screen
    say Not saved about a saved file)."""
    from vxacq.security import audit

    config = make_config(tmp_path, {"name": "pacs", "port": peers.free_port()})
    configuration.save(config, tmp_path / "vxacq.toml")
    services = Services(config, db)
    followed: list[bool] = []
    monkeypatch.setattr(services, "follow_config", lambda: followed.append(True) or "")

    def locked(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(audit, "record", locked)
    changed = configuration.load(config.path)
    changed.nodes[0].ae_title = "NEWPACS"
    assert station.apply_config(services, changed) == ""
    assert followed == [True]
    assert services.config.nodes[0].ae_title == "NEWPACS"
    assert configuration.load(config.path).nodes[0].ae_title == "NEWPACS"


def test_an_invalid_change_is_not_applied(tmp_path, db) -> None:
    config = make_config(tmp_path, {"name": "pacs", "port": peers.free_port()})
    configuration.save(config, tmp_path / "vxacq.toml")
    services = Services(config, db)
    changed = configuration.load(config.path)
    changed.nodes[0].host = "pacs host"
    with pytest.raises(ConfigError, match="contains a space"):
        station.apply_config(services, changed)
    assert services.config.nodes[0].host == "127.0.0.1"


def test_priors_from_every_query_node_one_down_does_not_hide_the_others(tmp_path, dcmqrscp
                                                                          ) -> None:
    import pydicom

    from vxacq.workflow.priors import find_priors

    current, earlier = generate_uid(), generate_uid()
    made = []
    for n, (uid, date) in enumerate(((current, "20261201"), (earlier, "20250301")), 1):
        path = write_dx(tmp_path, n, study=uid)
        ds = pydicom.dcmread(path)
        ds.PatientID, ds.StudyDate, ds.AccessionNumber = "P-9", date, f"A{n}"
        ds.save_as(path, enforce_file_format=True)
        made.append(path)
    peers.load_dcmqrscp(dcmqrscp, made)
    config = make_config(tmp_path, {"name": "qr", "ae_title": dcmqrscp.ae_title,
                                    "port": dcmqrscp.port, "services": ["query"]},
                         {"name": "down", "port": peers.free_port(), "services": ["query"]})
    from vxacq.db import open_database
    from vxacq.security import audit

    db = open_database(tmp_path / "audit.sqlite", create=True)
    answer = find_priors(config, "P-9", exclude_study=current, db=db)
    assert [p.study.StudyInstanceUID for p in answer.priors] == [earlier]
    # the answered query is a Query event; the node that was down asked nothing
    [query] = audit.list_events(db)
    assert (query.action, query.detail) == ("query", "Study Root C-FIND at qr: 2 study(ies)")
    assert (query.data["query"], query.data["peer_ae"]) == ("PatientID=P-9", dcmqrscp.ae_title)
    db.close()
    assert answer.priors[0].node == "qr" and answer.asked == ["qr", "down"]
    assert len(answer.errors) == 1 and answer.errors[0].startswith("down: ")
    assert "connection refused" in answer.errors[0]
    with pytest.raises(ValueError, match="no node with the query service"):
        find_priors(make_config(tmp_path, {"name": "pacs", "port": 104}), "P-9")

"""Storage Commitment SCU: the transaction in the database, the report on the same association
and on a new one to our listener, unknown transactions, failures re-sent, time-outs.

The pynetdicom SCP here injects what no real peer does on demand (a report on the same
association, a Transaction UID we never issued, silence); Orthanc covers the ordinary path.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path

import pytest
from pydicom.dataset import Dataset
from pynetdicom import AE, build_role
from pynetdicom.sop_class import StorageCommitmentPushModel, StorageCommitmentPushModelInstance
from sqlmodel import select

import peers
from commitment_scp import CommitmentSCP
from small_images import write_dx
from vxacq import cli
from vxacq import config as configuration
from vxacq.db import (
    AuditEvent, Commitment, CommitmentState, JobKind, JobState, open_database,
)
from vxacq.net import commitment
from vxacq.net.association import DicomNetworkError
from vxacq.net import outbox
from vxacq.net.listener import Listener
from vxacq.net.outbox import Outbox, enqueue, get_job, list_jobs


def make_config(tmp_path: Path, scp_port: int, **node: object) -> configuration.Config:
    return configuration.from_dict({
        "station": {"data_dir": str(tmp_path), "ae_title": "VXACQ",
                    "listen_port": peers.free_port()},
        "node": [{"name": "archive", "ae_title": "COMMITSCP", "host": "127.0.0.1",
                  "port": scp_port, "services": ["store", "commitment"], "retries": 1,
                  "retry_delay": 0.1, "commitment_wait_seconds": 3.0, **node}],
    })


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    out = []
    for n in range(3):
        path = tmp_path / f"img{n}.dcm"
        write_dx(path)
        out.append(path)
    return out


@pytest.fixture
def setup(tmp_path: Path):
    port = peers.free_port()
    scp = CommitmentSCP(port).start()
    config = make_config(tmp_path, port)
    db = open_database(tmp_path / "vxacq.sqlite")
    yield config, db, scp
    scp.stop()
    db.close()


def instances(paths: list[Path]) -> list[tuple[str, str]]:
    return commitment.instances_from_files([str(p) for p in paths])


def test_config_wait_seconds_is_validated(tmp_path: Path) -> None:
    assert make_config(tmp_path, 104).node("archive").commitment_wait_seconds == 3.0
    with pytest.raises(configuration.ConfigError, match="commitment_wait_seconds"):
        make_config(tmp_path, 104, commitment_wait_seconds=-1)


def test_report_on_the_same_association_commits_and_fails(setup, files) -> None:
    config, db, scp = setup
    node = config.node("archive")
    refs = instances(files)
    scp.missing = {refs[2][1]}
    view = commitment.request_commitment(config, db, node, refs)
    assert view.state == CommitmentState.PARTIAL
    assert view.committed == [refs[0][1], refs[1][1]]
    assert view.failed == [(refs[2][1], 0x0112)]
    assert scp.report_statuses == [0x0000]
    # We proposed both roles; the SCP accepted both, which let it report on our association.
    assert scp.roles_seen == [(True, True)]
    sent = scp.requests[0]
    assert sent.TransactionUID == view.TransactionUID
    assert [i.ReferencedSOPInstanceUID for i in sent.ReferencedSOPSequence] == [r[1] for r in refs]


def test_unknown_transaction_is_answered_with_invalid_argument_value(setup, files) -> None:
    config, db, scp = setup
    scp.transaction_uid = "1.2.3.4.5.6.7.8.9"
    view = commitment.request_commitment(config, db, config.node("archive"), instances(files),
                                         wait_seconds=1.0)
    assert view.state == CommitmentState.PENDING  # our transaction is still unanswered
    assert scp.report_statuses == [commitment.STATUS_UNKNOWN_TRANSACTION] == [0x0115]


def test_report_on_a_new_association_to_the_listener(setup, files) -> None:
    config, db, scp = setup
    scp.mode = "new"
    scp.callback = ("127.0.0.1", config.station.listen_port, config.station.ae_title)
    listener = Listener(config, **commitment.listener_options(config, db))
    assert listener.start().running
    try:
        view = commitment.request_commitment(config, db, config.node("archive"),
                                             instances(files), wait_seconds=0)
        assert view.state == CommitmentState.PENDING
        view = commitment.wait_for_report(db, view.TransactionUID, timeout=10)
    finally:
        listener.stop()
    assert view.state == CommitmentState.COMMITTED
    assert len(view.committed) == 3 and view.answered_at is not None
    assert scp.report_statuses == [0x0000]


def test_listener_answers_unknown_transaction(tmp_path: Path) -> None:
    config = make_config(tmp_path, 104)
    db = open_database(tmp_path / "vxacq.sqlite")
    listener = Listener(config, **commitment.listener_options(config, db))
    assert listener.start().running
    try:
        ae = AE(ae_title="COMMITSCP")
        ae.add_requested_context(StorageCommitmentPushModel)
        assoc = ae.associate("127.0.0.1", config.station.listen_port, ae_title="VXACQ",
                             ext_neg=[build_role(StorageCommitmentPushModel, scp_role=True)])
        assert assoc.is_established
        info = Dataset()
        info.TransactionUID = "1.2.3.999"
        info.ReferencedSOPSequence = []
        status, _ = assoc.send_n_event_report(info, 1, StorageCommitmentPushModel,
                                           StorageCommitmentPushModelInstance)
        bad_type, _ = assoc.send_n_event_report(info, 7, StorageCommitmentPushModel,
                                             StorageCommitmentPushModelInstance)
        assoc.release()
    finally:
        listener.stop()
        db.close()
    assert status.Status == 0x0115
    assert bad_type.Status == 0x0113


def report_as(ae_title: str, port: int, transaction_uid: str,
              refs: list[tuple[str, str]]) -> int:
    """An N-EVENT-REPORT to our listener from ``ae_title``: the status we answered."""
    ae = AE(ae_title=ae_title)
    ae.add_requested_context(StorageCommitmentPushModel)
    assoc = ae.associate("127.0.0.1", port, ae_title="VXACQ",
                         ext_neg=[build_role(StorageCommitmentPushModel, scp_role=True)])
    assert assoc.is_established
    try:
        info = commitment.request_dataset(transaction_uid, refs)
        status, _ = assoc.send_n_event_report(info, 1, StorageCommitmentPushModel,
                                              StorageCommitmentPushModelInstance)
        return int(status.Status)
    finally:
        assoc.release()


def test_report_from_a_node_that_was_not_asked_is_refused(tmp_path: Path, files) -> None:
    """Before: the RIS's AE reported for a transaction sent to the archive, was answered
    0x0000, and the images were marked committed although the archive never said so."""
    config = configuration.from_dict({
        "station": {"data_dir": str(tmp_path), "ae_title": "VXACQ",
                    "listen_port": peers.free_port()},
        "node": [{"name": "archive", "ae_title": "COMMITSCP", "host": "127.0.0.1",
                  "port": 104, "services": ["store", "commitment"]},
                 {"name": "ris", "ae_title": "RIS", "host": "127.0.0.1", "port": 105,
                  "services": ["worklist", "mpps"]}],
    })
    db = open_database(tmp_path / "vxacq.sqlite")
    listener = Listener(config, **commitment.listener_options(config, db))
    assert listener.start().running
    refs = instances(files)
    uid = commitment.record_request(db, config.node("archive"), refs)
    try:
        assert report_as("RIS", config.station.listen_port, uid, refs) == 0x0124
        assert commitment.get_commitment(db, uid).state == CommitmentState.PENDING
        with db.session() as session:
            [event] = session.exec(select(AuditEvent)
                                   .where(AuditEvent.action.startswith("security"))).all()
        assert event.user == "RIS" and uid in event.detail and "COMMITSCP" in event.detail
        # the node that was asked is believed
        assert report_as("COMMITSCP", config.station.listen_port, uid, refs) == 0x0000
        assert commitment.get_commitment(db, uid).state == CommitmentState.COMMITTED
    finally:
        listener.stop()
        db.close()


def test_report_from_the_right_title_at_another_address_is_refused(tmp_path: Path,
                                                                  files) -> None:
    """The archive's AE title, but not from the archive's host (127.0.0.2)."""
    config = make_config(tmp_path, 104, host="127.0.0.2")
    db = open_database(tmp_path / "vxacq.sqlite")
    refs = instances(files)
    uid = commitment.record_request(db, config.node("archive"), refs)
    info = commitment.request_dataset(uid, refs)
    try:
        status = commitment.record_report(config, db, 1, info, caller="COMMITSCP",
                                          caller_address="127.0.0.1")
        assert status == commitment.STATUS_NOT_AUTHORIZED
        assert commitment.get_commitment(db, uid).state == CommitmentState.PENDING
        assert commitment.record_report(config, db, 1, info, caller="COMMITSCP",
                                        caller_address="127.0.0.2") == 0x0000
    finally:
        db.close()


def test_job_records_before_sending_and_resends_failures(setup, files) -> None:
    config, db, scp = setup
    refs = instances(files)
    scp.missing = {refs[1][1]}
    job_id = enqueue(db, JobKind.COMMITMENT, "archive",
                     {"instances": [list(r) for r in refs], "files": [str(f) for f in files]})
    [job] = Outbox(config, db).drain([job_id], timeout=30)
    assert job.state == JobState.DONE, job.last_error
    uid = job.payload["checkpoint"]["TransactionUID"]
    view = commitment.get_commitment(db, uid)
    assert view.state == CommitmentState.PARTIAL and view.job_id == job_id
    assert job.payload["result"]["failed"][0]["SOPInstanceUID"] == refs[1][1]
    # The failed instance is queued to be stored again, on its own.
    [resend] = list_jobs(db, states=[JobState.QUEUED], node="archive")
    assert resend.kind == JobKind.STORE and resend.payload["files"] == [str(files[1])]


def test_resend_is_off_per_node(tmp_path: Path, files) -> None:
    port = peers.free_port()
    scp = CommitmentSCP(port, missing=set()).start()
    config = make_config(tmp_path, port, resend_failed_commitment=False)
    db = open_database(tmp_path / "vxacq.sqlite")
    try:
        refs = instances(files)
        scp.missing = {refs[0][1]}
        view = commitment.request_commitment(config, db, config.node("archive"), refs)
        assert view.state == CommitmentState.PARTIAL
        assert list_jobs(db) == []
    finally:
        scp.stop()
        db.close()


def test_no_report_times_out_and_fails_the_job(setup, files) -> None:
    config, db, scp = setup
    scp.mode = "none"
    job_id = enqueue(db, JobKind.COMMITMENT, "archive", {"files": [str(f) for f in files]})
    Outbox(config, db).drain([job_id], timeout=30)
    job = get_job(db, job_id)
    assert job.state == JobState.DONE
    uid = job.payload["checkpoint"]["TransactionUID"]
    assert commitment.get_commitment(db, uid).state == CommitmentState.PENDING
    # Not yet: the node has 60 minutes by default.
    assert commitment.expire_overdue(config, db) == []
    later = commitment.utcnow() + timedelta(minutes=61)
    assert commitment.expire_overdue(config, db, now=later) == [uid]
    assert commitment.get_commitment(db, uid).state == CommitmentState.TIMED_OUT
    job = get_job(db, job_id)
    assert job.state == JobState.FAILED and "within 60 min" in job.last_error
    # A report that comes after all still counts, and the job is done again.
    info = Dataset()
    info.TransactionUID = uid
    info.ReferencedSOPSequence = [commitment.request_dataset(uid, instances(files))
                                  .ReferencedSOPSequence[0]]
    assert commitment.record_report(config, db, 1, info, caller="COMMITSCP") == 0x0000
    assert get_job(db, job_id).state == JobState.DONE
    # Retrying the job (done or failed) asks again, as a new transaction.
    outbox.retry(db, job_id)
    [job] = Outbox(config, db).drain([job_id], timeout=30)
    again = job.payload["checkpoint"]["TransactionUID"]
    assert again != uid and commitment.get_commitment(db, again).state == CommitmentState.PENDING


def test_refused_request_is_a_worded_error(tmp_path: Path, files) -> None:
    port = peers.free_port()
    config = make_config(tmp_path, port)
    db = open_database(tmp_path / "vxacq.sqlite")
    try:
        with pytest.raises(DicomNetworkError, match="cannot be reached") as caught:
            commitment.request_commitment(config, db, config.node("archive"), instances(files))
        assert caught.value.retryable
        # The transaction was written before anything was sent, and stays pending.
        with db.session() as session:
            [row] = session.exec(select(Commitment)).all()
        assert row.state == CommitmentState.PENDING
    finally:
        db.close()


# --- against Orthanc ---------------------------------------------------------------------------


@pytest.fixture
def orthanc_archive(tmp_path: Path,
                    orthanc_factory) -> tuple[configuration.Config, peers.Peer]:
    """Orthanc (tests/peers.py) with our listener as a known modality, so it sends its
    reports to us on a new association; and our configuration with Orthanc as a node."""
    listen_port = peers.free_port()
    archive = orthanc_factory(modalities={"vxacq": ("VXACQ", "127.0.0.1", listen_port)})
    config = configuration.from_dict({
        "station": {"data_dir": str(tmp_path / "data"), "ae_title": "VXACQ",
                    "listen_port": listen_port},
        "node": [{"name": "pacs", "ae_title": archive.ae_title, "host": archive.host,
                  "port": archive.port, "services": ["store", "commitment"], "retries": 1,
                  "retry_delay": 0.1, "commitment_wait_seconds": 1.0}],
    })
    return config, archive


def test_orthanc_commits_what_it_has_and_fails_what_it_has_not(tmp_path: Path, files,
                                                               orthanc_archive) -> None:
    config, archive = orthanc_archive
    # Stored with DCMTK, not our own C-STORE: the commitment is what is under test here.
    peers.store_files(archive, files[:2], calling_ae="VXACQ")  # the third never gets there
    db = open_database(tmp_path / "vxacq.sqlite")
    listener = Listener(config, **commitment.listener_options(config, db))
    assert listener.start().running
    try:
        job_id = enqueue(db, JobKind.COMMITMENT, "pacs", {"files": [str(f) for f in files]})
        outbox = Outbox(config, db)
        [job] = outbox.drain([job_id], timeout=30)
        assert job.state == JobState.DONE, job.last_error
        uid = job.payload["checkpoint"]["TransactionUID"]
        view = commitment.wait_for_report(db, uid, timeout=20)
        refs = instances(files)
        assert view.state == CommitmentState.PARTIAL
        assert sorted(view.committed) == sorted(r[1] for r in refs[:2])
        assert view.failed == [(refs[2][1], 0x0112)]  # no such object instance
        # The missing instance is stored again by a STORE job, which then asks again.
        [store_job] = list_jobs(db, states=[JobState.QUEUED], node="pacs")
        assert store_job.kind == JobKind.STORE and store_job.payload["files"] == [str(files[2])]
        [done] = outbox.drain([store_job.id], timeout=30)
        assert done.state == JobState.DONE, done.last_error
        [again] = list_jobs(db, states=[JobState.QUEUED], node="pacs")
        assert again.kind == JobKind.COMMITMENT
        [again] = outbox.drain([again.id], timeout=30)
        second = commitment.wait_for_report(db, again.payload["checkpoint"]["TransactionUID"],
                                            timeout=20)
        assert second.state == CommitmentState.COMMITTED and second.committed == [refs[2][1]]
    finally:
        listener.stop()
        db.close()


def test_vxacq_commit_command_waits_for_orthanc(tmp_path: Path, files, orthanc_archive,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    config, archive = orthanc_archive
    peers.store_files(archive, files, calling_ae="VXACQ")
    path = tmp_path / "vxacq.toml"
    configuration.save(config, path)
    code = cli.main(["commit", "--config", str(path), "pacs", *map(str, files),
                     "--wait", "20", "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0, result
    assert result["commitment"]["state"] == "committed"
    assert sorted(result["commitment"]["committed"]) == sorted(r[1] for r in instances(files))
    db = open_database(config.data_dir / "vxacq.sqlite")
    try:
        view = commitment.get_commitment(db, result["commitment"]["TransactionUID"])
        assert view.state == CommitmentState.COMMITTED and view.job_id == result["job"]["id"]
    finally:
        db.close()


def test_overdue_watch_marks_timed_out(tmp_path: Path, files) -> None:
    config = make_config(tmp_path, 104, commitment_timeout_minutes=0.001)
    db = open_database(tmp_path / "vxacq.sqlite")
    watch = commitment.OverdueWatch(config, db, interval=0.05)
    try:
        uid = commitment.record_request(db, config.node("archive"), instances(files))
        watch.start()
        deadline = time.monotonic() + 5
        while commitment.get_commitment(db, uid).state == CommitmentState.PENDING:
            assert time.monotonic() < deadline, "the watch did not mark the transaction"
            time.sleep(0.05)
        assert commitment.get_commitment(db, uid).state == CommitmentState.TIMED_OUT
    finally:
        watch.stop()
        db.close()


def test_an_instance_is_resent_at_most_resend_limit_times(tmp_path: Path, files) -> None:
    config = make_config(tmp_path, 104)
    db = open_database(tmp_path / "vxacq.sqlite")
    try:
        [ref] = instances(files[:1])
        job_id = enqueue(db, JobKind.COMMITMENT, "archive", {"files": [str(files[0])]})
        for _round in range(commitment.RESEND_LIMIT + 1):
            uid = commitment.record_request(db, config.node("archive"), [ref], job_id=job_id)
            info = Dataset()
            info.TransactionUID = uid
            failed = Dataset()
            failed.ReferencedSOPClassUID, failed.ReferencedSOPInstanceUID = ref
            failed.FailureReason = 0x0110
            info.FailedSOPSequence = [failed]
            assert commitment.record_report(config, db, 2, info, caller="COMMITSCP") == 0x0000
            assert commitment.get_commitment(db, uid).state == CommitmentState.FAILED
        stores = [j for j in list_jobs(db) if j.kind == JobKind.STORE]
        assert len(stores) == commitment.RESEND_LIMIT
    finally:
        db.close()


def test_vxacq_commit_without_wait_reports_pending(setup, files,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    config, db, scp = setup
    scp.mode = "none"
    path = config.data_dir / "vxacq.toml"
    configuration.save(config, path)
    assert cli.main(["commit", "--config", str(path), "archive", *map(str, files)]) == 0
    out = capsys.readouterr().out
    assert "pending — 0 committed, 0 failed, 3 without an answer" in out
    assert "No report yet" in out

"""Modality Worklist against DCMTK wlmscpfs (items made with dump2dcm) and Orthanc's worklist
plugin: every character set decoded right, matching, C-CANCEL, the database sync, and the
faults — peer down, rejected, aborted mid-query, silent, malformed items — each with its
message and the database left as it was."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from pydicom.dataset import Dataset
from sqlmodel import select

from vxacq import cli
from vxacq import config as configuration
from vxacq.db import Order, OrderState, Patient, database_for
from vxacq.net import worklist
from vxacq.net.association import DicomNetworkError

import peers
from faulty_scp import mute_listener, worklist_scp
from orders import NAMES, node_config, worklist_item

DAY = "20261123"


def latin1_without_charset(ds: Dataset) -> bytes:
    """dcmdump text of ``ds`` with Latin-1 values and no (0008,0005), as some RIS send it."""
    ds = ds.copy()
    ds.SpecificCharacterSet = "ISO_IR 100"
    return b"\n".join(line for line in peers.dataset_to_dump(ds).split(b"\n")
                      if not line.startswith(b"(0008,0005)"))


def fill(peer: peers.Peer, keys=tuple(NAMES)) -> dict[str, str]:
    """One item per character set for our station today; returns accession → expected name."""
    expected = {}
    for i, key in enumerate(keys):
        ds = worklist_item(key, date=DAY, accession=f"ACC-{key}")
        item = latin1_without_charset(ds) if key == "none" else ds
        peers.write_worklist_item(peer, item, key)
        expected[f"ACC-{key}"] = NAMES[key][1]
    # Items the query must not return: another station, another modality, another day.
    peers.write_worklist_item(peer, worklist_item("latin1", date=DAY, accession="OTHER-AE",
                                                  station="ROOM9"), "other-ae")
    peers.write_worklist_item(peer, worklist_item("latin1", date=DAY, accession="OTHER-MOD",
                                                  modality="MR"), "other-modality")
    peers.write_worklist_item(peer, worklist_item("latin1", date="20261125",
                                                  accession="OTHER-DAY"), "other-day")
    return expected


def orders_in(db) -> dict[str, Order]:
    with db.session() as session:
        return {o.AccessionNumber: o for o in session.exec(select(Order)).all()}


@pytest.mark.parametrize("log_patient_data", [False, True])
def test_wlmscpfs_every_character_set_decoded_and_saved(wlmscpfs, tmp_path, log_patient_data):
    """Also where the site lets pynetdicom log the answers (it converts their values to
    log them; the orders are still read from the values as received)."""
    expected = fill(wlmscpfs)
    config = node_config(tmp_path, wlmscpfs.ae_title, wlmscpfs.port, ["worklist"])
    config.station.log_patient_data = log_patient_data
    db = database_for(config.data_dir)
    result, saved = worklist.query_and_sync(config, db, config.node("ris"),
                                            worklist.criteria_for(config, DAY))
    assert result.complete and not result.problems
    assert {o.order.AccessionNumber: o.patient.PatientName for o in result.orders} == expected
    by_accession = {o.order.AccessionNumber: o for o in result.orders}
    assert by_accession["ACC-japanese"].order.SpecificCharacterSet == "\\ISO 2022 IR 87"
    assert (saved.added, saved.updated, saved.gone) == (5, 0, 0)
    rows = orders_in(db)
    assert set(rows) == set(expected)
    with db.session() as session:
        names = {p.PatientID: p.PatientName for p in session.exec(select(Patient)).all()}
    assert names["PID-ACC-korean"] == NAMES["korean"][1]
    # The received bytes are kept: read back, they still say what the RIS sent.
    from io import BytesIO
    from pydicom import dcmread
    kept = dcmread(BytesIO(rows["ACC-japanese"].dataset), force=True)
    kept.decode()
    assert str(kept.PatientName) == NAMES["japanese"][1]
    assert rows["ACC-latin1"].ScheduledProcedureStepStartDate == DAY
    assert rows["ACC-latin1"].Modality == "DX" and rows["ACC-latin1"].ScheduledStationAETitle == "VXACQ"
    db.close()


def test_answers_are_kept_as_received_without_encoding_them_again(wlmscpfs, tmp_path,
                                                                  monkeypatch):
    """The bytes of each answer come from the wire: encoding an answer to keep it (most of a
    long worklist's time) is not needed when it arrived as Explicit VR Little Endian, nor
    reading it a second time from them (pynetdicom's reading is of those very bytes)."""
    from io import BytesIO
    from pydicom import dcmread
    from vxacq.dicom import worklist as worklist_dicom

    from vxacq.net import cfind

    def refused(ds):
        raise AssertionError("an answer was encoded again to keep its bytes")

    def read_again(*args, **kwargs):
        raise AssertionError("an answer was read again from its bytes")

    monkeypatch.setattr(worklist_dicom, "dataset_bytes", refused)
    monkeypatch.setattr(cfind, "read_dataset", read_again)
    expected = fill(wlmscpfs)
    config = node_config(tmp_path, wlmscpfs.ae_title, wlmscpfs.port, ["worklist"])
    result = worklist.query(config, config.node("ris"), worklist.criteria_for(config, DAY))
    assert result.complete and not result.problems
    assert {o.order.AccessionNumber: o.patient.PatientName for o in result.orders} == expected
    for order in result.orders:
        kept = dcmread(BytesIO(order.dataset), force=True)
        assert kept.AccessionNumber == order.order.AccessionNumber
        kept.decode()
        assert str(kept.PatientName) == expected[order.order.AccessionNumber]


def test_orthanc_worklist_plugin_every_character_set(orthanc_factory, tmp_path):
    # Orthanc re-encodes answers in its DefaultEncoding; UTF-8 carries every name (Latin-1,
    # its default, would lose the Japanese and Korean ones at Orthanc already).
    orthanc = orthanc_factory(worklists_dir=tmp_path / "orthanc-worklists",
                              extra_config={"DefaultEncoding": "Utf8"})
    expected = fill(orthanc, keys=("latin1", "utf8", "japanese", "korean"))
    config = node_config(tmp_path, orthanc.ae_title, orthanc.port, ["worklist"])
    result = worklist.query(config, config.node("ris"), worklist.criteria_for(config, DAY))
    assert result.complete
    assert {o.order.AccessionNumber: o.patient.PatientName for o in result.orders} == expected


def test_sync_updates_changed_marks_gone_and_brings_back(wlmscpfs, tmp_path):
    fill(wlmscpfs, keys=("latin1", "utf8", "japanese"))
    config = node_config(tmp_path, wlmscpfs.ae_title, wlmscpfs.port, ["worklist"])
    db = database_for(config.data_dir)
    node, criteria = config.node("ris"), worklist.criteria_for(config, DAY)
    worklist.query_and_sync(config, db, node, criteria)
    changed = worklist_item("utf8", date=DAY, accession="ACC-utf8")
    changed.ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartTime = "143000"
    peers.write_worklist_item(wlmscpfs, changed, "utf8")
    (wlmscpfs.worklist_dir / "japanese.wl").unlink()
    _, saved = worklist.query_and_sync(config, db, node, criteria)
    assert (saved.added, saved.updated, saved.unchanged, saved.gone) == (0, 1, 1, 1)
    rows = orders_in(db)
    assert rows["ACC-utf8"].ScheduledProcedureStepStartTime == "143000"
    assert rows["ACC-japanese"].state == OrderState.GONE
    # Order Record events: the first answer and the change, not an unchanged refresh
    worklist.query_and_sync(config, db, node, criteria)
    from vxacq.security import audit

    received = [e for e in audit.list_events(db) if e.action == "worklist received"]
    assert [e.detail for e in received] == [
        "from ris: 3 new, 0 changed, 0 unchanged, 0 no longer scheduled",
        "from ris: 0 new, 1 changed, 1 unchanged, 1 no longer scheduled"]
    assert received[0].data == {"peer_ae": wlmscpfs.ae_title, "peer_address": "127.0.0.1"}
    # A narrowed query (one patient) never marks the others gone.
    _, saved = worklist.query_and_sync(config, db, node, worklist.criteria_for(
        config, DAY, PatientID="PID-ACC-latin1"))
    assert saved.gone == 0 and orders_in(db)["ACC-utf8"].state == OrderState.SCHEDULED
    # Rescheduled at the RIS: it comes back as scheduled.
    peers.write_worklist_item(wlmscpfs, worklist_item("japanese", date=DAY, accession="ACC-japanese"),
                              "japanese")
    _, saved = worklist.query_and_sync(config, db, node, criteria)
    assert saved.updated == 1 and orders_in(db)["ACC-japanese"].state == OrderState.SCHEDULED
    db.close()


def test_date_range_and_accession_matching(wlmscpfs, tmp_path):
    fill(wlmscpfs, keys=("latin1",))
    config = node_config(tmp_path, wlmscpfs.ae_title, wlmscpfs.port, ["worklist"])
    node = config.node("ris")
    ranged = worklist.query(config, node, worklist.criteria_for(config, "20261120-20261130"))
    assert sorted(o.order.AccessionNumber for o in ranged.orders) == ["ACC-latin1", "OTHER-DAY"]
    one = worklist.query(config, node, worklist.criteria_for(config, "20261120-20261130",
                                                             AccessionNumber="OTHER-DAY"))
    assert [o.order.AccessionNumber for o in one.orders] == ["OTHER-DAY"]
    with pytest.raises(ValueError, match="not a date"):
        worklist.criteria_for(config, "2026-11-23")


def test_match_limit_and_user_cancel_send_c_cancel_and_mark_nothing_gone(wlmscpfs, tmp_path):
    fill(wlmscpfs)
    config = node_config(tmp_path, wlmscpfs.ae_title, wlmscpfs.port, ["worklist"],
                         worklist_match_limit=2)
    db = database_for(config.data_dir)
    node, criteria = config.node("ris"), worklist.criteria_for(config, DAY)
    result, saved = worklist.query_and_sync(config, db, node, criteria)
    assert result.limited and not result.complete and len(result.orders) == 2
    assert saved.added == 2 and saved.gone == 0
    assert "Cancel" in wlmscpfs.log() or "C-CANCEL" in wlmscpfs.log().upper()
    config.node("ris").worklist_match_limit = 100
    stop = threading.Event()
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) >= 1  # the user pressed Stop once the first answer showed

    result = worklist.query(config, node, criteria, cancel=cancel)
    assert result.cancelled and len(result.orders) == 1
    _, saved = worklist.query_and_sync(config, db, node, criteria, cancel=stop)
    assert saved.added == 3  # not cancelled: the rest arrive
    db.close()


def test_malformed_items_are_kept_with_their_problems_logged(tmp_path, caplog):
    with peers.start_wlmscpfs(tmp_path / "peers", reject_incomplete=False) as peer:
        bad = worklist_item("latin1", date=DAY, accession="ACC-BAD")
        bad.PatientBirthDate = "19710230"
        bad.PatientSex = "X"
        del bad.ScheduledProcedureStepSequence[0].ScheduledProcedureStepID
        dump = peers.dataset_to_dump(bad).replace(b"DS [70]", b"DS [heavy]")  # not a number
        peers.write_worklist_item(peer, dump, "bad")
        # A value in bytes its declared set cannot hold (invalid UTF-8).
        broken = peers.dataset_to_dump(worklist_item("utf8", date=DAY, accession="ACC-BROKEN",
                                                     name="Plain^Name"))
        broken = broken.replace(b"Plain^Name", b"Br\xffken^Name")
        peers.write_worklist_item(peer, broken, "broken")
        config = node_config(tmp_path, peer.ae_title, peer.port, ["worklist"])
        db = database_for(config.data_dir)
        with caplog.at_level("WARNING"):
            result, saved = worklist.query_and_sync(config, db, config.node("ris"),
                                                    worklist.criteria_for(config, DAY))
    orders = {o.order.AccessionNumber: o for o in result.orders}
    assert set(orders) == {"ACC-BAD", "ACC-BROKEN"} and saved.added == 2
    problems = " ".join(orders["ACC-BAD"].problems)
    assert "ScheduledProcedureStepID is empty" in problems
    assert orders["ACC-BAD"].patient.PatientBirthDate is None
    assert orders["ACC-BAD"].patient.PatientSex == ""
    assert orders["ACC-BAD"].patient.PatientWeight is None
    assert orders["ACC-BAD"].patient.PatientName == NAMES["latin1"][1]
    assert orders["ACC-BROKEN"].patient.PatientName == "Br\ufffdken^Name"
    assert "PatientName has bytes its character set cannot decode" in " ".join(orders["ACC-BROKEN"].problems)
    assert "19710230" in caplog.text and "ScheduledProcedureStepID is empty" in caplog.text
    assert set(orders_in(db)) == {"ACC-BAD", "ACC-BROKEN"}
    db.close()


def _seeded_db(tmp_path, config):
    """A database holding one scheduled order from an earlier query."""
    db = database_for(config.data_dir)
    result = worklist.WorklistResult(node="ris", criteria=worklist.criteria_for(config, DAY))
    from vxacq.dicom.worklist import read_answer
    result.orders = read_answer(worklist_item("latin1", date=DAY, accession="ACC-EARLIER"))
    result.complete = True
    worklist.sync(db, result)
    return db


def _assert_untouched(db) -> None:
    rows = orders_in(db)
    assert list(rows) == ["ACC-EARLIER"] and rows["ACC-EARLIER"].state == OrderState.SCHEDULED


def test_peer_down(tmp_path):
    with mute_listener() as port:
        pass  # bound then closed: nothing listens on it now
    config = node_config(tmp_path, "RIS", port, ["worklist"])
    db = _seeded_db(tmp_path, config)
    with pytest.raises(DicomNetworkError) as failed:
        worklist.query_and_sync(config, db, config.node("ris"), worklist.criteria_for(config, DAY))
    assert failed.value.kind == "unreachable" and "connection refused" in str(failed.value)
    _assert_untouched(db)


def test_association_rejected(wlmscpfs, tmp_path):
    config = node_config(tmp_path, "NOT_ITS_AE", wlmscpfs.port, ["worklist"])
    db = _seeded_db(tmp_path, config)
    with pytest.raises(DicomNetworkError) as failed:
        worklist.query_and_sync(config, db, config.node("ris"), worklist.criteria_for(config, DAY))
    assert failed.value.kind == "rejected" and "NOT_ITS_AE" in str(failed.value)
    _assert_untouched(db)


def test_abort_in_the_middle_of_the_query(tmp_path):
    answers = [worklist_item("latin1", date=DAY, accession=f"ACC-{i}") for i in range(3)]
    with worklist_scp(answers, "abort-after-first") as port:
        config = node_config(tmp_path, "FAULTY", port, ["worklist"])
        db = _seeded_db(tmp_path, config)
        with pytest.raises(DicomNetworkError) as failed:
            worklist.query_and_sync(config, db, config.node("ris"), worklist.criteria_for(config, DAY))
    assert failed.value.kind == "aborted"
    assert "aborted the association during the worklist query after 1 answer" in str(failed.value)
    _assert_untouched(db)


def test_an_answer_that_cannot_be_decoded_loses_no_other(tmp_path, monkeypatch, caplog):
    """pynetdicom yields an answer it cannot decode twice: each later order must still be
    read from its own answer and keep its own bytes (a second bytes taken for the skipped
    answer would pair every later one with the next one's bytes, lose one and double one)."""
    from io import BytesIO
    import pynetdicom.association
    from pydicom import dcmread
    from pydicom.uid import ExplicitVRLittleEndian

    decode = pynetdicom.association.decode

    def failing(data, *args, **kwargs):
        if b"ACC-BAD" in data.getvalue():
            raise ValueError("not a data set")
        return decode(data, *args, **kwargs)

    asked: list[bool] = []

    def wait_for_the_rest() -> bool:
        """Asked after each answer: after the first, the others all arrive meanwhile, so
        their bytes are waiting when the undecodable one is skipped."""
        if not asked:
            time.sleep(0.5)
        asked.append(True)
        return False

    monkeypatch.setattr(pynetdicom.association, "decode", failing)
    answers = [worklist_item("latin1", date=DAY, accession=accession)
               for accession in ("ACC-1", "ACC-BAD", "ACC-2", "ACC-3")]
    with worklist_scp(answers, "normal", ae_title="RIS", transfer_syntax=ExplicitVRLittleEndian) as port:
        config = node_config(tmp_path, "RIS", port, ["worklist"])
        with caplog.at_level("WARNING"):
            result = worklist.query(config, config.node("ris"), worklist.criteria_for(config, DAY),
                                    cancel=wait_for_the_rest)
    assert result.complete
    assert [o.order.AccessionNumber for o in result.orders] == ["ACC-1", "ACC-2", "ACC-3"]
    assert [dcmread(BytesIO(o.dataset), force=True).AccessionNumber for o in result.orders] == \
        ["ACC-1", "ACC-2", "ACC-3"]
    assert "an answer to the worklist query could not be decoded" in caplog.text


def test_an_answer_is_only_taken_with_the_bytes_it_was_read_from():
    """The check that pairs pynetdicom's reading of an answer with the bytes kept for it."""
    from io import BytesIO
    from pydicom.filereader import read_dataset
    from vxacq.dicom.worklist import dataset_bytes
    from vxacq.net.cfind import _read_from

    first, second = (dataset_bytes(worklist_item("latin1", date=DAY, accession=accession))
                     for accession in ("ACC-1", "ACC-2"))
    answer = read_dataset(BytesIO(first), is_implicit_VR=False, is_little_endian=True)
    assert _read_from(answer, first) and not _read_from(answer, second)
    for keyword in answer.dir():  # every value converted, as pynetdicom's log of it does
        getattr(answer, keyword)
    assert not _read_from(answer, first)  # nothing left as received to check


def test_peer_that_never_answers(tmp_path):
    with worklist_scp([], "silent") as port:
        config = node_config(tmp_path, "FAULTY", port, ["worklist"], dimse_timeout=1)
        db = _seeded_db(tmp_path, config)
        with pytest.raises(DicomNetworkError) as failed:
            worklist.query_and_sync(config, db, config.node("ris"), worklist.criteria_for(config, DAY))
    assert failed.value.kind == "timeout" and "did not answer the worklist query within 1 s" in str(failed.value)
    _assert_untouched(db)
    with mute_listener() as port:
        config = node_config(tmp_path, "MUTE", port, ["worklist"], acse_timeout=1)
        with pytest.raises(DicomNetworkError) as failed:
            worklist.query(config, config.node("ris"), worklist.criteria_for(config, DAY))
    assert failed.value.kind == "timeout" and "did not answer the association request" in str(failed.value)


def test_vxacq_worklist_command(wlmscpfs, tmp_path, capsys):
    expected = fill(wlmscpfs, keys=("latin1", "korean"))
    config = node_config(tmp_path, wlmscpfs.ae_title, wlmscpfs.port, ["worklist"])
    path = configuration.save(config, tmp_path / "vxacq.toml")
    assert cli.main(["worklist", "--date", DAY, "--json", "--config", str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    [node] = out["nodes"]
    assert node["added"] == 2 and {o["AccessionNumber"]: o["PatientName"] for o in node["orders"]} == expected
    assert cli.main(["worklist", "--date", "23/11/2026", "--config", str(path)]) == 2
    assert "not a date" in capsys.readouterr().err


def test_a_name_from_the_network_forges_no_line_in_the_output_or_the_log(tmp_path, capsys):
    """Issue 14: a newline in a worklist name wrote a well-formed line of its own into the
    command's output and vxacq.log."""
    forged = "Evil\n2026-12-05 10:00:00,000 INFO    vxacq.net.worklist [x] all sent^X"
    item = worklist_item("latin1", date=DAY, accession="ACC-EVIL\nforged", name=forged)
    with worklist_scp([item], "normal", ae_title="RIS") as port:
        config = node_config(tmp_path, "RIS", port, ["worklist"])
        config.station.log_patient_data = True  # the name reaches the log
        path = configuration.save(config, tmp_path / "vxacq.toml")
        assert cli.main(["worklist", "--date", DAY, "--config", str(path)]) == 0
    out = capsys.readouterr().out
    assert not any(line.startswith("2026-12-05 10:00:00") for line in out.splitlines())
    assert "Evil\\n2026-12-05" in out and "ACC-EVIL\\nforged" in out
    log = (Path(config.data_dir) / "logs" / "vxacq.log").read_text(encoding="utf-8")
    assert not any(line.startswith("2026-12-05 10:00:00") for line in log.splitlines())


def _answer_bytes(key: str, fallback: str | None) -> bytes:
    """An answer as a RIS sends it, Explicit VR Little Endian; with ``fallback``, its text in
    that set but without (0008,0005)."""
    from io import BytesIO
    from pydicom.filereader import read_dataset
    from vxacq.dicom.worklist import dataset_bytes

    raw = dataset_bytes(worklist_item(key, date=DAY, accession=f"ACC-{key}"))
    if fallback is None:
        return raw
    answer = read_dataset(BytesIO(raw), is_implicit_VR=False, is_little_endian=True)
    del answer.SpecificCharacterSet  # the values stay as received
    return dataset_bytes(answer)


@pytest.mark.parametrize("key, fallback", [(k, None) for k in sorted(NAMES) if k != "none"]
                         + [("latin1", "ISO_IR 100")])
def test_an_answer_read_from_its_received_bytes_reads_as_the_data_set_does(key, fallback):
    """The fast way (the bytes kept as received, values decoded as read) and the thorough one
    (the data set copied and decoded whole) give the same orders and the same problems."""
    from io import BytesIO
    from pydicom.filereader import read_dataset
    from vxacq.dicom.worklist import read_answer

    raw = _answer_bytes(key, fallback)

    def received():
        return read_dataset(BytesIO(raw), is_implicit_VR=False, is_little_endian=True)

    thorough = read_answer(received(), fallback)
    fast = read_answer(received(), fallback, raw)
    assert [(o.patient, o.order, o.dataset, o.problems) for o in fast] == \
        [(o.patient, o.order, o.dataset, o.problems) for o in thorough]
    assert fast[0].patient.PatientName == NAMES[key][1]

"""Media export and import end to end: a closed exam written as a DICOMDIR file set, checked by
dciodvfy and read back by DCMTK's dcmmkdir (STD-GEN-CD profile checks, update mode on our
DICOMDIR), de-identified, imported again as priors and sent to DCMTK storescp."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pydicom
import pytest
from sqlmodel import select

from tests import peers
from tests.workflow.conftest import node, write_station
from vxacq import cli
from vxacq.config import Config
from vxacq.db import AuditEvent, Database, database_for
from vxacq.net.outbox import Outbox
from vxacq.workflow.exam import Exam
from vxacq.workflow.media import MediaError, check_media_file, read_media
from vxacq.workflow import priors
from vxacq.workflow.orders import ManualPatient, register_manual

FILE_ID = re.compile(r"[A-Z0-9_]{1,8}")


@pytest.fixture(scope="module")
def storescp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[peers.Peer]:
    with peers.start_storescp(tmpdir=tmp_path_factory.mktemp("media-peer")) as peer:
        yield peer


@pytest.fixture(scope="module")
def exported(tmp_path_factory, calibrated_data: Path, storescp) -> dict:
    """A station with one closed exam (two images, a dose report) and its plain and
    de-identified exports."""
    folder = tmp_path_factory.mktemp("media")
    config = write_station(folder / "station", calibrated_data,
                           node("backup", storescp.ae_title, storescp.port, ["store"],
                                auto_store="false"), peers.free_port())
    db = database_for(config.data_dir)
    order = register_manual(db, ManualPatient(PatientName="Müller^Jürgen", PatientID="P-MEDIA",
                                              AccessionNumber="ACC-MEDIA",
                                              RequestedProcedureDescription="XR CHEST"))
    exam = Exam.start(config, db, order.id, protocols=["CHEST_PA", "SKULL_LAT"])
    for protocol in ("CHEST_PA", "SKULL_LAT"):
        exam.accept(exam.expose(protocol).id)
    exam.close()
    base = ["--config", str(config.path)]
    plain, anonymous = folder / "usb", folder / "usb-anon"
    study = exam.study.StudyInstanceUID
    assert cli.main(["--config", str(config.path), "export", "--to", str(plain),
                     "--study", study]) == 0
    assert cli.main([*base, "export", "--to", str(anonymous), "--deidentify",
                     "--study", study]) == 0
    return {"config": config, "db": db, "plain": plain, "anonymous": anonymous, "study": study,
            "base": base, "storescp": storescp}


def objects(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != "DICOMDIR")


def test_the_file_set_follows_the_general_purpose_profile(exported) -> None:
    root = exported["plain"]
    assert peers.dciodvfy_errors(root / "DICOMDIR") == []
    files = objects(root)
    assert len(files) == 3  # two images and the dose report
    for path in files:
        assert all(FILE_ID.fullmatch(part) for part in path.relative_to(root).parts)
        ds = pydicom.dcmread(path)
        assert ds.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2.1"
        assert peers.dciodvfy_errors(path) == []
    # DCMTK reads our DICOMDIR back and checks every file against STD-GEN-CD (-Pgp), aborting
    # on the first inconsistent one
    copy = root.parent / "dcmtk-check"
    shutil.copytree(root, copy)
    done = subprocess.run([peers.tool("dcmmkdir"), "-Pgp", "-a", "+U", "+D", "DICOMDIR",
                           *[str(p.relative_to(root)) for p in files]], cwd=copy,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    dump = subprocess.run([peers.tool("dcmdump"), str(copy / "DICOMDIR")], capture_output=True,
                          text=True, timeout=60).stdout
    assert dump.count("ReferencedFileID") == 3
    for record in ("PATIENT", "STUDY", "SERIES", "IMAGE", "SR DOCUMENT"):
        assert f"[{record}]" in dump
    with exported["db"].session() as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert len(events) == 2 and any("de-identified" in e.detail for e in events)
    # each an Export audit message naming the media it went to
    from lxml import etree

    from tests.security.test_audit_message import SCHEMA
    from vxacq.security import audit
    from vxacq.security.audit_message import AuditSource

    for event in audit.list_events(exported["db"]):
        if event.action == "export":
            message = etree.fromstring(event.message(AuditSource("VXACQ")))
            assert SCHEMA.validate(message), SCHEMA.error_log
            media = message.findall("ActiveParticipant")[-1]
            assert media.get("UserID").startswith("file:///")
            assert media.find("RoleIDCode").get("csd-code") == "110154"


def test_the_de_identified_set_holds_no_identity(exported) -> None:
    root = exported["anonymous"]
    assert peers.dciodvfy_errors(root / "DICOMDIR") == []
    for path in [root / "DICOMDIR", *objects(root)]:
        data = path.read_bytes()
        for secret in ("Müller".encode("utf-8"), b"P-MEDIA", b"ACC-MEDIA",
                       exported["study"].encode(), b"WF-TEST", b"Test Hospital"):
            assert secret not in data, (path.name, secret)
        if path.name != "DICOMDIR":
            ds = pydicom.dcmread(path)
            assert ds.PatientIdentityRemoved == "YES"
            assert ds.DeidentificationMethodCodeSequence[0].CodeValue == "113100"
            assert peers.dciodvfy_errors(path) == []


def test_burned_in_images_are_not_de_identified(exported, tmp_path: Path, capsys) -> None:
    source = objects(exported["plain"])[0]
    ds = pydicom.dcmread(source)
    ds.BurnedInAnnotation = "YES"
    burned = tmp_path / "burned.dcm"
    ds.save_as(burned)
    out = tmp_path / "out"
    assert cli.main([*exported["base"], "export", "--to", str(out), "--deidentify",
                     str(burned)]) == 1
    assert "burned-in annotation" in capsys.readouterr().err
    assert not out.exists()  # nothing written


def test_import_lists_checks_and_stores_as_priors_or_sends(exported, tmp_path: Path,
                                                          capsys) -> None:
    config: Config = exported["config"]
    db: Database = exported["db"]
    media = tmp_path / "stick"
    shutil.copytree(exported["plain"], media)
    images = objects(media)
    # one file damaged, one of a kind the console does not take
    images[0].write_bytes(b"\0" * 64)
    foreign = pydicom.dcmread(images[1])
    foreign.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2"  # CT Image Storage
    foreign.save_as(images[1])
    assert cli.main([*exported["base"], "import", str(media), "--json"]) == 1  # problems are reported
    listed = json.loads(capsys.readouterr().out)
    [study] = listed["studies"]
    assert study["StudyInstanceUID"] == exported["study"] and len(study["files"]) == 1
    messages = sorted(p["message"] for p in listed["problems"])
    assert len(messages) == 2
    assert any("not a DICOM Part 10 file" in m for m in messages)
    assert any("CT Image Storage is not a kind of object" in m for m in messages)

    assert cli.main([*exported["base"], "import", str(media), "--study",
                     exported["study"], "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    [stored] = doc["stored"]
    assert Path(stored).parent == Path(config.data_dir) / "priors" / exported["study"]
    assert pydicom.dcmread(stored).SOPInstanceUID == pydicom.dcmread(images[2]).SOPInstanceUID
    # in the cache's index: shown beside new images, kept until keep_days like a retrieve
    assert [(c.StudyInstanceUID, c.node, c.files) for c in priors.cached_studies(config)] == \
        [(exported["study"], "media", 1)]
    priors.prune_cache(config, now=time.time() + 7200)
    assert Path(stored).is_file()

    assert cli.main([*exported["base"], "import", str(exported["plain"]), "--study",
                     exported["study"], "--to-pacs", "backup", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    [job] = Outbox(config, db).drain(doc["jobs"], timeout=60)
    assert job.state == "done", job.last_error
    for path in objects(exported["plain"]):
        uid = pydicom.dcmread(path).SOPInstanceUID
        assert peers.received_file(exported["storescp"], uid).is_file()
    with pytest.raises(MediaError, match="no DICOMDIR"):
        read_media(tmp_path)


def test_a_file_cut_short_before_its_pixel_data_is_refused(exported, tmp_path: Path) -> None:
    """Before: cut inside a value before the pixel data, pydicom read the file without its
    pixel data and without a word; now the element running past the end is named."""
    ds = pydicom.dcmread(objects(exported["plain"])[0])
    item = pydicom.Dataset()
    item.add_new(0x00090010, "LO", "VXACQ TEST")
    item.add_new(0x00091010, "OB", bytes(range(256)) * 64)
    ds.ReferencedImageSequence = [item]
    whole = tmp_path / "whole.dcm"
    ds.save_as(whole, enforce_file_format=True)
    assert check_media_file(whole).SOPInstanceUID == ds.SOPInstanceUID
    data = whole.read_bytes()
    cut = tmp_path / "cut.dcm"
    cut.write_bytes(data[:data.index(bytes(range(256)) * 64) + 100])
    with pytest.raises(MediaError, match=re.escape(
            "cut.dcm: private element (0009,1010) in item 1 of ReferencedImageSequence "
            "(0008,1140) runs past the end of the file: 16284 of its 16384 bytes are missing")):
        check_media_file(cut)

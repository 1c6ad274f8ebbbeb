"""The real DICOM peers of tests/peers.py start, answer, store, query, print and stop as the other
tests rely on; and dciodvfy's output is read the way the validation tests expect."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from pydicom import dcmread
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid
from pynetdicom import AE, evt
from pynetdicom.sop_class import (
    BasicFilmBox,
    BasicFilmSession,
    BasicGrayscalePrintManagementMeta,
    StorageCommitmentPushModel,
    Verification,
)

import peers

SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7"
DX_FOR_PRESENTATION = "1.2.840.10008.5.1.4.1.1.1.1"
STORAGE_COMMITMENT_INSTANCE = "1.2.840.10008.1.20.1.1"  # the well-known SOP Instance of the push model


def tiny_image(folder: Path, patient_id: str = "PEER-1", name: str = "Peer^Test") -> Path:
    """A small but complete secondary capture image, saved as a Part 10 file."""
    ds = Dataset()
    ds.SOPClassUID = SECONDARY_CAPTURE
    ds.SOPInstanceUID = generate_uid()
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.PatientName = name
    ds.PatientID = patient_id
    ds.PatientBirthDate = ""
    ds.PatientSex = "O"
    ds.StudyDate, ds.StudyTime, ds.StudyID, ds.AccessionNumber = "20261123", "094107", "1", "ACC-1"
    ds.ReferringPhysicianName = ""
    ds.Modality, ds.SeriesNumber, ds.InstanceNumber = "OT", 1, 1
    ds.ConversionType = "WSD"
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.Rows, ds.Columns = 8, 6
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.PixelData = (np.arange(48, dtype=np.uint16) * 85).tobytes()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{ds.SOPInstanceUID}.dcm"
    ds.save_as(path, enforce_file_format=True)
    return path


WORKLIST_DUMP = """\
(0008,0005) CS [ISO_IR 100]
(0008,0050) SH [ACC-{n}]
(0010,0010) PN [Peer^Worklist{n}]
(0010,0020) LO [WL-{n}]
(0010,0030) DA [19710314]
(0010,0040) CS [F]
(0020,000d) UI [1.2.826.0.1.3680043.10.543.{n}]
(0032,1060) LO [Chest PA and lateral]
(0040,0100) SQ
(fffe,e000) -
(0008,0060) CS [DX]
(0040,0001) AE [VXACQ]
(0040,0002) DA [20261123]
(0040,0003) TM [094107]
(0040,0006) PN []
(0040,0007) LO [Chest PA]
(0040,0009) SH [SPS-{n}]
(0040,0010) SH [DXROOM1]
(0040,0011) SH []
(0040,0012) LO []
(0040,0400) LT []
(fffe,e00d) -
(fffe,e0dd) -
(0040,1001) SH [RP-{n}]
(0040,1003) SH [ROUTINE]
"""

WORKLIST_KEYS = {
    "PatientName": "",
    "PatientID": "",
    "AccessionNumber": "",
    "SpecificCharacterSet": "",
    "ScheduledProcedureStepSequence[0].Modality": "DX",
    "ScheduledProcedureStepSequence[0].ScheduledStationAETitle": "",
    "ScheduledProcedureStepSequence[0].ScheduledProcedureStepID": "",
}


def worklist_item(n: int) -> Dataset:
    """The same kind of item as WORKLIST_DUMP, as a pydicom data set in UTF-8."""
    sps = Dataset()
    sps.Modality = "DX"
    sps.ScheduledStationAETitle = "VXACQ"
    sps.ScheduledProcedureStepStartDate = "20261123"
    sps.ScheduledProcedureStepStartTime = "094107"
    sps.ScheduledPerformingPhysicianName = ""
    sps.ScheduledProcedureStepDescription = "Thorax p.a. [Stehend] #1"  # brackets and '#' survive dump2dcm
    sps.ScheduledProcedureStepID = f"SPS-{n}"
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.AccessionNumber = f"ACC-{n}"
    ds.PatientName = "Müller^Jürgen=ミュラー^ユルゲン"
    ds.PatientID = f"WL-{n}"
    ds.PatientBirthDate = "19560229"
    ds.PatientSex = "M"
    ds.StudyInstanceUID = f"1.2.826.0.1.3680043.10.543.{n}"
    ds.RequestedProcedureDescription = "Thorax in zwei Ebenen"
    ds.RequestedProcedureID = f"RP-{n}"
    ds.ScheduledProcedureStepSequence = [sps]
    return ds


# --- start, echo, stop ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["storescp", "wlmscpfs", "dcmqrscp", "dcmprscp", "orthanc"])
def test_peer_answers_c_echo(name: str, request: pytest.FixtureRequest) -> None:
    peer: peers.Peer = request.getfixturevalue(name)
    assert peer.running()
    assert peer.host == "127.0.0.1"
    assert peers.echo(peer)
    assert peers.echo(peer, calling_ae="OTHER_AE")


def test_stopping_a_peer_ends_its_process_and_frees_its_port(tmp_path: Path) -> None:
    with peers.start_wlmscpfs(tmp_path) as peer:
        assert peers.echo(peer)
    assert peer.process.poll() is not None
    assert not peers.echo(peer, timeout=1)


def test_stopping_ends_forked_association_handlers_too(tmp_path: Path) -> None:
    ae = AE(ae_title=peers.CALLING_AE)
    ae.add_requested_context(Verification)
    with peers.start_dcmqrscp(tmp_path) as peer:
        assoc = ae.associate(peer.host, peer.port, ae_title=peer.ae_title)  # held open while we stop
        assert assoc.is_established
        deadline = time.monotonic() + 5
        while len(living_members(peer.process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(living_members(peer.process.pid)) == 2  # dcmqrscp and the child it forked for us
    try:
        assert living_members(peer.process.pid) == []
    finally:
        assoc.abort()


def living_members(pgid: int) -> list[int]:
    """Processes of a process group that are not zombies (an init that reaps slowly may keep those)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended while we looked
        state, group = fields[0], int(fields[2])
        if group == pgid and state not in ("Z", "X"):
            alive.append(int(stat.parent.name))
    return alive


def test_a_taken_port_is_retried_with_another(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))  # DCMTK binds all interfaces, so this port clashes
        taken.listen()
        busy = taken.getsockname()[1]
        ports = iter([busy])
        real_free_port = peers.free_port
        monkeypatch.setattr(peers, "free_port", lambda: next(ports, None) or real_free_port())
        with peers.start_storescp(tmp_path) as peer:
            assert peer.port != busy
            assert peers.echo(peer)
            assert "Address already in use" in peer.log()


def test_a_peer_that_never_answers_fails_after_the_timeout(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(peers.PeerStartError, match="did not answer a C-ECHO within 2 s"):
        with peers.start_wlmscpfs(tmp_path, extra_args=["--refuse"], timeout=2):
            pass
    assert time.monotonic() - started < 15


def test_a_missing_program_says_how_to_install_it() -> None:
    with pytest.raises(peers.ToolMissing, match="run `make test` to install DCMTK/dicom3tools/Orthanc"):
        peers.tool("no-such-dicom-tool")


def test_a_peer_that_cannot_start_fails_with_its_own_message(tmp_path: Path) -> None:
    with pytest.raises(peers.PeerStartError) as failure:
        with peers.start_storescp(tmp_path, extra_args=["--no-such-option"]):
            pass
    message = str(failure.value)
    assert "storescp" in message and "exited with code" in message
    assert "--no-such-option" in message  # the command and storescp's own complaint


def test_two_peers_of_a_kind_get_their_own_ports_and_folders(tmp_path: Path) -> None:
    with peers.start_storescp(tmp_path) as first, peers.start_storescp(tmp_path, "SECOND") as second:
        assert first.port != second.port
        assert first.storage_dir != second.storage_dir
        assert peers.echo(first) and peers.echo(second)


# --- storescp ---------------------------------------------------------------------------------


def test_storescp_stores_what_storescu_sends(storescp: peers.Peer, tmp_path: Path) -> None:
    sent = tiny_image(tmp_path / "out")
    original = dcmread(sent)
    peers.store_files(storescp, [sent])
    stored = peers.received_file(storescp, original.SOPInstanceUID)
    received = dcmread(stored)
    assert received.PatientName == "Peer^Test"
    assert received.SOPClassUID == SECONDARY_CAPTURE
    assert received.PixelData == original.PixelData
    assert "Received Store Request" in storescp.log()


def test_storing_to_a_peer_that_is_gone_raises(tmp_path: Path) -> None:
    with peers.start_storescp(tmp_path) as peer:
        pass
    with pytest.raises(peers.PeerError):
        peers.store_files(peer, [tiny_image(tmp_path / "out")])


# --- wlmscpfs ---------------------------------------------------------------------------------


def test_wlmscpfs_answers_a_worklist_query_for_a_dump2dcm_item(wlmscpfs: peers.Peer, tmp_path: Path) -> None:
    made = peers.write_worklist_item(wlmscpfs, WORKLIST_DUMP.format(n=1), "item1")
    peers.write_worklist_item(wlmscpfs, WORKLIST_DUMP.format(n=2).replace("[DX]", "[CR]"), "item2")
    assert made == wlmscpfs.worklist_dir / "item1.wl"
    # DCMTK's implementation UID root: the file was encoded by dump2dcm, not by pydicom.
    assert dcmread(made).file_meta.ImplementationClassUID.startswith("1.2.276.0.7230010.3")

    answers = peers.findscu(wlmscpfs, WORKLIST_KEYS, workdir=tmp_path)
    assert [(a.PatientID, a.AccessionNumber) for a in answers] == [("WL-1", "ACC-1")]  # the CR item does not match
    assert answers[0].PatientName == "Peer^Worklist1"
    assert answers[0].ScheduledProcedureStepSequence[0].ScheduledProcedureStepID == "SPS-1"


def test_worklist_item_from_a_dataset_keeps_its_character_set(wlmscpfs: peers.Peer, tmp_path: Path) -> None:
    peers.write_worklist_item(wlmscpfs, worklist_item(3), "from-dataset")
    description = "ScheduledProcedureStepSequence[0].ScheduledProcedureStepDescription"
    keys = {**WORKLIST_KEYS, "PatientID": "WL-3", description: ""}
    answers = peers.findscu(wlmscpfs, keys, workdir=tmp_path)
    assert len(answers) == 1
    answer = answers[0]
    assert answer.SpecificCharacterSet == "ISO_IR 192"
    assert str(answer.PatientName) == "Müller^Jürgen=ミュラー^ユルゲン"
    assert answer.ScheduledProcedureStepSequence[0].ScheduledProcedureStepDescription == "Thorax p.a. [Stehend] #1"


def test_no_worklist_answer_for_another_patient(wlmscpfs: peers.Peer, tmp_path: Path) -> None:
    peers.write_worklist_item(wlmscpfs, WORKLIST_DUMP.format(n=4), "item4")
    assert peers.findscu(wlmscpfs, {**WORKLIST_KEYS, "PatientID": "NOBODY"}, workdir=tmp_path) == []


def test_a_damaged_dump_is_refused(wlmscpfs: peers.Peer) -> None:
    with pytest.raises(peers.PeerError, match="dump2dcm"):
        peers.write_worklist_item(wlmscpfs, "(0010,0010 PN [no closing parenthesis]\n", "broken")
    assert list(wlmscpfs.worklist_dir.glob("*.wl")) == []


# --- dcmqrscp ---------------------------------------------------------------------------------


def test_dcmqrscp_finds_the_study_loaded_into_it(dcmqrscp: peers.Peer, tmp_path: Path) -> None:
    image = dcmread(loaded := tiny_image(tmp_path / "out", patient_id="QR-7"))
    peers.load_dcmqrscp(dcmqrscp, [loaded])
    keys = ["QueryRetrieveLevel=STUDY", "StudyInstanceUID", "PatientID=QR-7", "PatientName"]
    answers = peers.findscu(dcmqrscp, keys, model="study", workdir=tmp_path)
    assert [a.StudyInstanceUID for a in answers] == [image.StudyInstanceUID]
    assert (dcmqrscp.storage_dir / "index.dat").is_file()
    assert peers.findscu(dcmqrscp, [*keys[:2], "PatientID=OTHER"], model="study", workdir=tmp_path) == []


# --- dcmprscp ---------------------------------------------------------------------------------


def test_dcmprscp_keeps_a_printed_12_bit_film(dcmprscp: peers.Peer) -> None:
    ae = AE(ae_title=peers.CALLING_AE)
    ae.add_requested_context(BasicGrayscalePrintManagementMeta)
    assoc = ae.associate(dcmprscp.host, dcmprscp.port, ae_title=dcmprscp.ae_title)
    assert assoc.is_established
    try:
        session_uid, box_uid = generate_uid(), generate_uid()
        session = Dataset()
        session.NumberOfCopies, session.MediumType, session.FilmDestination = "1", "BLUE FILM", "PROCESSOR"
        meta = BasicGrayscalePrintManagementMeta
        status, _ = assoc.send_n_create(session, BasicFilmSession, session_uid, meta_uid=meta)
        assert status.Status == 0x0000

        box = Dataset()
        box.ImageDisplayFormat, box.FilmOrientation, box.FilmSizeID = "STANDARD\\1,1", "PORTRAIT", "14INX17IN"
        reference = Dataset()
        reference.ReferencedSOPClassUID, reference.ReferencedSOPInstanceUID = BasicFilmSession, session_uid
        box.ReferencedFilmSessionSequence = [reference]
        status, created = assoc.send_n_create(box, BasicFilmBox, box_uid, meta_uid=meta)
        assert status.Status == 0x0000
        image_box = created.ReferencedImageBoxSequence[0]

        image = Dataset()
        image.SamplesPerPixel, image.PhotometricInterpretation = 1, "MONOCHROME2"
        image.Rows, image.Columns, image.PixelAspectRatio = 32, 24, [1, 1]
        image.BitsAllocated, image.BitsStored, image.HighBit, image.PixelRepresentation = 16, 12, 11, 0
        image.PixelData = (np.arange(32 * 24, dtype=np.uint16) * 5 % 4096).tobytes()
        content = Dataset()
        content.ImageBoxPosition = 1
        content.BasicGrayscaleImageSequence = [image]
        status, _ = assoc.send_n_set(content, image_box.ReferencedSOPClassUID, image_box.ReferencedSOPInstanceUID,
                                     meta_uid=meta)
        assert status.Status == 0x0000
        status, _ = assoc.send_n_action(None, 1, BasicFilmBox, box_uid, meta_uid=meta)
        assert status.Status == 0x0000
    finally:
        assoc.release()

    printed = peers.printed_objects(dcmprscp)
    assert len(printed["stored_print"]) == 1
    assert len(printed["hardcopy"]) == 1
    stored_print = dcmread(printed["stored_print"][0])
    assert stored_print.FilmBoxContentSequence[0].ImageDisplayFormat == "STANDARD\\1,1"
    assert stored_print.FilmBoxContentSequence[0].FilmSizeID == "14INX17IN"
    hardcopy = dcmread(printed["hardcopy"][0])
    assert (hardcopy.Rows, hardcopy.Columns, hardcopy.BitsStored) == (32, 24, 12)
    assert hardcopy.PixelData == image.PixelData


# --- Orthanc ----------------------------------------------------------------------------------


def test_orthanc_rest_api_answers_system(orthanc: peers.Peer) -> None:
    system = peers.orthanc_rest(orthanc, "/system")
    assert system["DicomAet"] == orthanc.ae_title
    assert system["DicomPort"] == orthanc.port
    assert system["HttpPort"] == orthanc.http_port


def test_orthanc_keeps_what_storescu_sends(orthanc: peers.Peer, tmp_path: Path) -> None:
    image = dcmread(sent := tiny_image(tmp_path / "out", patient_id="ORTH-1"))
    peers.store_files(orthanc, [sent])
    found = peers.orthanc_rest(orthanc, "/tools/find", "POST",
                               {"Level": "Instance", "Query": {"SOPInstanceUID": image.SOPInstanceUID}})
    assert len(found) == 1
    with pytest.raises(peers.PeerError, match="404"):
        peers.orthanc_rest(orthanc, "/instances/no-such-instance")


def test_orthanc_worklist_plugin_serves_dump2dcm_items(orthanc_factory, tmp_path: Path) -> None:
    orthanc = orthanc_factory(worklists_dir=tmp_path / "orthanc-worklists")
    assert "worklists" in peers.orthanc_rest(orthanc, "/plugins")
    peers.write_worklist_item(orthanc, WORKLIST_DUMP.format(n=5), "item5")
    peers.write_worklist_item(orthanc, worklist_item(6), "item6")
    answers = peers.findscu(orthanc, {**WORKLIST_KEYS, "PatientID": "WL-5"}, workdir=tmp_path)
    assert [a.AccessionNumber for a in answers] == ["ACC-5"]
    everything = peers.findscu(orthanc, WORKLIST_KEYS, workdir=tmp_path)
    assert sorted(a.PatientID for a in everything) == ["WL-5", "WL-6"]


def test_orthanc_reports_storage_commitment_to_the_calling_modality(orthanc_factory, tmp_path: Path) -> None:
    reports: list[tuple[int, Dataset]] = []
    arrived = threading.Event()

    def on_report(event: evt.Event) -> int:
        reports.append((event.event_type, event.event_information))
        arrived.set()
        return 0x0000

    modality = AE(ae_title="VXACQ")
    modality.add_supported_context(StorageCommitmentPushModel, scu_role=True, scp_role=True)
    modality.add_requested_context(StorageCommitmentPushModel)
    port = peers.free_port()
    server = modality.start_server(("127.0.0.1", port), block=False, evt_handlers=[(evt.EVT_N_EVENT_REPORT, on_report)])
    try:
        orthanc = orthanc_factory(modalities={"vxacq": ("VXACQ", "127.0.0.1", port)})
        assert "vxacq" in peers.orthanc_rest(orthanc, "/modalities")
        image = dcmread(sent := tiny_image(tmp_path / "out", patient_id="COMMIT-1"))
        peers.store_files(orthanc, [sent], calling_ae="VXACQ")

        request = Dataset()
        request.TransactionUID = generate_uid()
        stored = Dataset()
        stored.ReferencedSOPClassUID, stored.ReferencedSOPInstanceUID = image.SOPClassUID, image.SOPInstanceUID
        missing = Dataset()
        missing.ReferencedSOPClassUID, missing.ReferencedSOPInstanceUID = image.SOPClassUID, generate_uid()
        request.ReferencedSOPSequence = [stored, missing]
        assoc = modality.associate(orthanc.host, orthanc.port, ae_title=orthanc.ae_title)
        assert assoc.is_established
        try:
            status, _ = assoc.send_n_action(request, 1, StorageCommitmentPushModel, STORAGE_COMMITMENT_INSTANCE)
            assert status.Status == 0x0000
        finally:
            assoc.release()

        assert arrived.wait(20), "no N-EVENT-REPORT from Orthanc\n" + orthanc.log()[-3000:]
    finally:
        server.shutdown()
    event_type, report = reports[0]
    assert event_type == 2  # some instances failed: the one Orthanc never received
    assert report.TransactionUID == request.TransactionUID
    assert [i.ReferencedSOPInstanceUID for i in report.ReferencedSOPSequence] == [image.SOPInstanceUID]
    assert [i.ReferencedSOPInstanceUID for i in report.FailedSOPSequence] == [missing.ReferencedSOPInstanceUID]


# --- dciodvfy ---------------------------------------------------------------------------------


def broken_dx(folder: Path) -> Path:
    """A DX For Presentation that has hardly anything the IOD requires."""
    ds = Dataset()
    ds.SOPClassUID = DX_FOR_PRESENTATION
    ds.SOPInstanceUID = generate_uid()
    ds.Modality = "DX"
    ds.PatientName = "Broken^File"
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "broken-dx.dcm"
    ds.save_as(path, enforce_file_format=True)
    return path


def test_dciodvfy_errors_lists_what_a_broken_dx_lacks(tmp_path: Path) -> None:
    path = broken_dx(tmp_path)
    errors = peers.dciodvfy_errors(path)
    assert errors
    assert all("Error" in line for line in errors)
    assert any("PatientID" in line for line in errors)
    assert any("ImagerPixelSpacing" in line for line in errors)  # a DX-specific requirement
    warnings = peers.dciodvfy_warnings(path)
    assert warnings and all("Warning" in line and "Error" not in line for line in warnings)
    assert not set(errors) & set(warnings)


def test_dciodvfy_reports_fewer_errors_for_a_more_complete_file(tmp_path: Path) -> None:
    # The secondary capture above carries the Patient/Study/Series basics the broken DX lacks.
    assert len(peers.dciodvfy_errors(tiny_image(tmp_path))) < len(peers.dciodvfy_errors(broken_dx(tmp_path)))


def test_dciodvfy_unknown_profile_is_an_error(tmp_path: Path) -> None:
    assert any("Information Object Not found" in line
               for line in peers.dciodvfy_errors(broken_dx(tmp_path), profile="NoSuchProfile"))


def test_dciodvfy_reads_errors_in_the_middle_of_a_line(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.dcm"
    garbage.write_bytes(b"garbage\n")  # read as tag (6167,6272) with a value length of 0x0a656761
    errors = peers.dciodvfy_errors(garbage)
    assert any("Bad Value Length" in line for line in errors)  # printed after the tag: "(0x..) ? - Error - ..."
    with pytest.raises(FileNotFoundError):
        peers.dciodvfy_errors(tmp_path / "absent.dcm")

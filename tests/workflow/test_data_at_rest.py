"""Data at rest: a whole exam through `vxacq exam` (worklist, exposure, raw frame, images, dose
report, send) leaves a data dir that other accounts on the station cannot read (folders 0750,
files 0640), and logs without the patient's name or ID."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from tests import peers
from tests.workflow.conftest import node, worklist_item, write_station
from vxacq.db.files import write_atomic
from vxacq.logs import setup_logging
from vxacq.security import permissions
from vxacq.security.permissions import make_private_dirs

DIR_MODE, FILE_MODE = 0o750, 0o640  # with a desktop's usual umask 022

FAMILY, GIVEN, PATIENT_ID = "Quarrington", "Zelda", "ZQ-770011"


def modes(root: Path) -> dict[str, int]:
    """Every folder and file under ``root`` (itself included) with its permission bits."""
    found = {".": stat.S_IMODE(root.stat().st_mode)}
    for path in root.rglob("*"):
        found[str(path.relative_to(root))] = stat.S_IMODE(path.lstat().st_mode)
    return found


def test_an_exam_leaves_nothing_world_readable_and_no_patient_data_in_the_logs(
        tmp_path: Path, calibrated_data: Path, wlmscpfs: peers.Peer,
        storescp: peers.Peer) -> None:
    peers.write_worklist_item(wlmscpfs, worklist_item("ACC9901", name=f"{FAMILY}^{GIVEN}",
                                                      patient_id=PATIENT_ID), "ACC9901")
    config = write_station(tmp_path / "station", calibrated_data,
                           node("ris", wlmscpfs.ae_title, wlmscpfs.port, ["worklist"])
                           + node("pacs", storescp.ae_title, storescp.port, ["store"]),
                           peers.free_port())
    done = subprocess.run([sys.executable, "-m", "vxacq", "--config", str(config.path), "exam",
                           "--accession", "ACC9901", "--protocol", "CHEST_PA", "--json",
                           "--timeout", "60"], capture_output=True, text=True, timeout=180,
                          env={**os.environ, "VXACQ_CONFIG": ""})
    assert done.returncode in (0, 1), done.stderr  # 1: no commitment node, nothing else left
    doc = json.loads(done.stdout)
    assert doc["status"] == "COMPLETED" and all(i["sent"] == {"pacs": "sent"}
                                                 for i in doc["images"])
    assert len(peers.received_files(storescp)) == len(doc["images"])

    data = Path(config.data_dir)
    found = modes(data)
    kinds = {name.split("/")[0] for name in found}
    assert {"images", "logs", "vxacq.sqlite"} <= kinds, sorted(kinds)
    assert any(name.endswith(".dcm") for name in found)
    wrong = {name: oct(mode) for name, mode in found.items()
             if mode != ((DIR_MODE if (data / name).is_dir() else FILE_MODE)
                         if name != "." else DIR_MODE) and mode & 0o007}
    assert not wrong, f"readable by other accounts: {wrong}"
    too_open = {name: oct(mode) for name, mode in found.items() if mode & 0o027}
    assert not too_open, f"group-writable or world-accessible: {too_open}"

    logs = "".join((data / "logs" / name).read_text(encoding="utf-8")
                   for name in ("vxacq.log", "dicom.log"))
    # The exam, the patient and the send were logged: the check below looks at real lines.
    assert "exam of <redacted> started" in logs and "store to pacs" in logs
    for secret in (FAMILY, GIVEN, PATIENT_ID):
        assert secret not in logs, f"{secret} is in the log"


def test_files_and_folders_get_their_modes_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)  # a caller that would leave everything open to everyone
    try:
        written = write_atomic(tmp_path / "a" / "b" / "image.dcm", b"DICM")
        log_dir = setup_logging(tmp_path / "data")
        made = make_private_dirs(tmp_path / "c" / "d")
    finally:
        os.umask(old)
    assert stat.S_IMODE(written.stat().st_mode) == FILE_MODE  # mkstemp alone: 0600
    for folder in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "data", log_dir,
                   tmp_path / "c", made):
        assert stat.S_IMODE(folder.stat().st_mode) == DIR_MODE, folder
    for name in ("vxacq.log", "dicom.log"):
        assert stat.S_IMODE((log_dir / name).stat().st_mode) == FILE_MODE


def test_the_package_shares_the_data_with_its_group_and_nobody_else(tmp_path: Path) -> None:
    """/usr/bin/vxacq and the service run with umask 002 so the console's users (group vxacq)
    and the service both write the database; others still get nothing."""
    old = os.umask(0o002)
    try:
        assert permissions.restrict_process() == 0o007
        assert os.umask(0o002) == 0o007
        database = tmp_path / "data" / "vxacq.sqlite"
        from vxacq.db import open_database

        open_database(database).close()
        written = write_atomic(tmp_path / "data" / "images" / "image.dcm", b"DICM")
        assert (permissions.file_mode(), permissions.dir_mode()) == (0o660, 0o770)
        assert stat.S_IMODE(database.stat().st_mode) == 0o660
        assert stat.S_IMODE(written.stat().st_mode) == 0o660
        assert stat.S_IMODE(written.parent.stat().st_mode) == 0o770
    finally:
        os.umask(old)
        permissions.restrict_process()
        os.umask(old)

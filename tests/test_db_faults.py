"""The exam database when something happened to it: deleted, emptied, damaged, read-only, a full
disk, too open. Each is one clear message with the file and the remedy; nothing is replaced
silently."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from vxacq.db import AuditEvent, DatabaseError, database_for, integrity, open_database

ROOT = Path(__file__).parent.parent


def station_with_data(tmp_path: Path) -> Path:
    """A data dir as a station leaves it: a database with an audit event, and images."""
    db = database_for(tmp_path)
    with db.session() as session:
        session.add(AuditEvent(action="exam started", detail="order 1"))
    db.close()
    (tmp_path / "images" / "1.2.3").mkdir(parents=True)
    (tmp_path / "images" / "1.2.3" / "a.dcm").write_bytes(b"x")
    return tmp_path / "vxacq.sqlite"


def vxacq(*args: str, data_dir: Path, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    config = data_dir / "station.toml"
    if not config.exists():
        config.write_text(f'[station]\ndata_dir = "{data_dir}"\n', encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "vxacq", *args, "--config", str(config)],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_a_first_start_makes_the_database_0640(tmp_path: Path) -> None:
    db = database_for(tmp_path / "new")
    db.close()
    assert stat.S_IMODE((tmp_path / "new" / "vxacq.sqlite").stat().st_mode) == 0o640


def test_a_world_readable_database_is_tightened(tmp_path: Path) -> None:
    path = station_with_data(tmp_path)
    os.chmod(path, 0o644)
    open_database(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_deleted_database_is_not_silently_replaced(tmp_path: Path) -> None:
    """Before: an empty database appeared in its place; the jobs and audit trail were gone."""
    path = station_with_data(tmp_path)
    path.unlink()
    with pytest.raises(DatabaseError) as caught:
        open_database(path)
    assert str(path) in str(caught.value) and "is missing" in str(caught.value)
    assert "this station had one (made 20" in str(caught.value)
    assert "restore" in str(caught.value)
    assert not path.exists()
    result = vxacq("queue", data_dir=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"the exam database {path} is missing" in result.stderr
    assert not path.exists()


def test_calibrations_or_qa_images_before_the_first_start_are_no_database(
        tmp_path: Path) -> None:
    """A first start may find calibrations (the detector is calibrated first) or QA images of
    `vxacq acquire`: only a database made here before stops a new one."""
    (tmp_path / "calibrations").mkdir()
    (tmp_path / "calibrations" / "offset.npy").write_bytes(b"x")
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "qa.dcm").write_bytes(b"x")
    database_for(tmp_path).close()
    assert (tmp_path / "vxacq.sqlite").exists() and (tmp_path / ".exam-database").exists()


def test_an_emptied_database_is_named(tmp_path: Path) -> None:
    path = station_with_data(tmp_path)
    path.write_bytes(b"")
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    with pytest.raises(DatabaseError, match="is empty .0 bytes.*backup"):
        open_database(path)


def test_a_damaged_database_gives_one_message(tmp_path: Path) -> None:
    path = station_with_data(tmp_path)
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    path.write_bytes(b"this is not SQLite at all" * 200)
    with pytest.raises(DatabaseError, match="is damaged .*restore it from the backup"):
        open_database(path)
    result = vxacq("serve", data_dir=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "is damaged" in result.stderr


def test_a_full_disk_is_said_and_nothing_half_written(tmp_path: Path) -> None:
    path = station_with_data(tmp_path)
    db = open_database(path)
    try:
        with pytest.raises(DatabaseError, match="is full .*free space there"):
            with db.session() as session:
                pages = session.exec(text("PRAGMA page_count")).one()[0]
                session.exec(text(f"PRAGMA max_page_count = {pages}"))
                for n in range(2000):
                    session.add(AuditEvent(action="filler", detail="x" * 500 + str(n)))
        with db.session() as session:
            assert not session.exec(select(AuditEvent).where(AuditEvent.action == "filler")).all()
    finally:
        db.close()


def read_only_mount_works() -> bool:
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount --bind / /mnt"],
                           capture_output=True, timeout=10)
    return probe.returncode == 0


@pytest.mark.skipif(not shutil.which("unshare") or not read_only_mount_works(),
                    reason="needs a private mount namespace (root) for a read-only mount")
def test_serve_refuses_a_database_it_cannot_write(tmp_path: Path) -> None:
    """Before: `serve` ran on a read-only database and logged no error. Root writes any
    file whatever its mode, so the data dir is mounted read-only in a namespace of its own."""
    station_with_data(tmp_path)
    config = tmp_path / "station.toml"
    config.write_text(f'[station]\ndata_dir = "{tmp_path}"\n', encoding="utf-8")
    script = (f"mount --bind {tmp_path} {tmp_path} && mount -o remount,ro,bind {tmp_path} && "
              f"exec {sys.executable} -m vxacq serve --config {config}")
    result = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True,
                            text=True, timeout=30, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"the exam database {tmp_path / 'vxacq.sqlite'} cannot be written" in result.stderr
    assert "outbox running" not in result.stderr


def test_db_init_moves_the_old_file_aside_only_when_asked(tmp_path: Path) -> None:
    path = station_with_data(tmp_path)
    path.write_bytes(b"")
    refused = vxacq("db", "init", data_dir=tmp_path)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    done = vxacq("db", "init", "--yes", data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert list(tmp_path.glob("vxacq.sqlite.old-*"))
    check = vxacq("db", "check", "--json", data_dir=tmp_path)
    assert check.returncode == 0, check.stderr
    assert '"mode": "0640"' in check.stdout and '"audit_events": 0' in check.stdout


def damaged_in_a_table(tmp_path: Path) -> Path:
    """A database whose last page (audit events, not the schema) is overwritten, after a full
    check of it passed and was stamped."""
    db = database_for(tmp_path)
    with db.session() as session:
        for n in range(400):
            session.add(AuditEvent(action="exam started", detail=f"order {n} " + "x" * 200))
    db.close()  # the last connection checkpoints the WAL into the file
    database_for(tmp_path, full_check=True).close()
    path = tmp_path / "vxacq.sqlite"
    page = int.from_bytes(path.read_bytes()[16:18], "big")
    with path.open("r+b") as fh:
        fh.seek(path.stat().st_size - page)
        fh.write(b"\xff" * page)
    return path


def test_a_short_command_after_a_recent_full_check_reads_only_the_schema(tmp_path) -> None:
    """PRAGMA quick_check read all of a 100,000-image database (0.1-0.2 s) at every command.
    After a full check in this boot, a command checks the schema; a damaged page it then
    touches still stops it with the same message, and nothing is written."""
    damaged_in_a_table(tmp_path)
    db = database_for(tmp_path)  # opens: the damage is where this command does not look
    with pytest.raises(DatabaseError, match="is damaged .*restore it from the backup"):
        with db.session() as session:
            session.exec(select(AuditEvent)).all()
    db.close()


def test_a_full_check_counts_as_recent_at_once(tmp_path, monkeypatch) -> None:
    """The stamp's time was rounded to the nearest second: a check passed at x.6 s was
    stamped x+1, in the future, and a program starting within that moment checked in full."""
    monkeypatch.setattr(integrity.time, "time", lambda: 1_800_000_000.6)
    database_for(tmp_path, full_check=True).close()
    assert integrity._recently_checked(tmp_path / "vxacq.sqlite")


@pytest.mark.parametrize("opener", ["window", "serve", "db check"])
def test_the_window_the_service_and_db_check_check_every_page(tmp_path, opener) -> None:
    from vxacq import cli
    from vxacq.workflow import console

    damaged_in_a_table(tmp_path)
    if opener == "window":
        with pytest.raises(DatabaseError, match="is damaged"):
            console.open_database(tmp_path)
    elif opener == "serve":
        result = vxacq("serve", data_dir=tmp_path)
        assert result.returncode == 1 and "is damaged" in result.stderr, result.stderr
    else:
        config = tmp_path / "station.toml"
        config.write_text(f'[station]\ndata_dir = "{tmp_path}"\n', encoding="utf-8")
        assert cli.main(["db", "check", "--config", str(config)]) == 1
    # the failed full check took the stamp away: every program now checks in full
    assert not (tmp_path / integrity.STAMP).exists()
    with pytest.raises(DatabaseError, match="is damaged"):
        database_for(tmp_path)


@pytest.mark.parametrize("change", ["reboot", "a day later", "file restored"])
def test_a_reboot_a_day_or_another_file_means_a_full_check_again(tmp_path, change,
                                                                 monkeypatch) -> None:
    path = damaged_in_a_table(tmp_path)
    if change == "reboot":  # after a power cut too: the first program checks every page
        boot = tmp_path / "boot_id"
        boot.write_text("another-boot\n")
        monkeypatch.setattr(integrity, "BOOT_ID", boot)
    elif change == "a day later":
        stamp = tmp_path / integrity.STAMP
        identity, _, when = stamp.read_text().strip().rpartition(" ")
        stamp.write_text(f"{identity} {float(when) - integrity.FULL_CHECK_EVERY - 1:.0f}\n")
    else:  # a copy put in its place is another file (inode)
        shutil.copy(path, tmp_path / "copy")
        os.replace(tmp_path / "copy", path)
    with pytest.raises(DatabaseError, match="is damaged .*restore it from the backup"):
        database_for(tmp_path)

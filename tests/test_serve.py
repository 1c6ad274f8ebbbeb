"""`vxacq serve` beside a console on one data dir: every job sent exactly once, and the jobs of
a service killed with SIGKILL taken over by the other side."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pynetdicom import AE, evt
from pynetdicom.sop_class import DigitalXRayImageStorageForPresentation, Verification

from tests.net.small_images import write_dx
from tests.peers import free_port, received_files, start_storescp
from vxacq import config as configuration
from vxacq.db import JobKind, JobState, database_for
from vxacq.net.outbox import Outbox, enqueue, list_jobs


def station(tmp_path: Path, archive_port: int) -> Path:
    path = tmp_path / "vxacq.toml"
    path.write_text(f"""
[station]
ae_title = "VXACQ"
listen_port = {free_port()}
data_dir = "{tmp_path / 'data'}"

[[node]]
name = "archive"
ae_title = "ARCHIVE"
host = "127.0.0.1"
port = {archive_port}
services = ["store"]
retry_delay = 0.5
""")
    return path


def images(tmp_path: Path, count: int) -> list[str]:
    folder = tmp_path / "images"
    folder.mkdir()
    paths = []
    for n in range(count):
        path = folder / f"dx{n}.dcm"
        write_dx(path, patient_id=f"P{n}")
        paths.append(str(path))
    return paths


def start_serve(config_path: Path) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "vxacq", "serve", "--config", str(config_path)],
                               stderr=subprocess.PIPE, text=True)
    line = process.stderr.readline()  # the service says it runs once the outbox has started
    assert "outbox running" in line, line
    return process


def wait_done(db, job_ids: list[int], timeout: float) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = [j for j in list_jobs(db) if j.id in job_ids]
        if all(j.state == JobState.DONE for j in jobs):
            return jobs
        time.sleep(0.2)
    pytest.fail("jobs not done in time: " + ", ".join(f"{j.id}:{j.state}" for j in list_jobs(db)))


def test_service_and_console_share_the_outbox_and_send_each_job_once(tmp_path: Path) -> None:
    with start_storescp(tmp_path / "scp", "ARCHIVE", unique_filenames=True) as archive:
        config_path = station(tmp_path, archive.port)
        config = configuration.load(config_path)
        db = database_for(config.data_dir)
        files = images(tmp_path, 30)
        service = start_serve(config_path)
        console = Outbox(config, db, owner="console", poll_seconds=0.2)
        console.start()
        try:
            job_ids = [enqueue(db, JobKind.STORE, "archive", {"files": [f]}) for f in files]
            jobs = wait_done(db, job_ids, timeout=120)
        finally:
            console.stop()
            service.send_signal(signal.SIGTERM)
            assert service.wait(timeout=30) == 0
        # Unique file names: a second send of any instance would leave a second file.
        assert len(received_files(archive)) == 30
        assert all(j.attempts == 1 for j in jobs)


class SlowArchive:
    """A storage SCP that takes its time over each image, so a sender can be killed mid-job."""

    def __init__(self, delay: float) -> None:
        self.received: list[str] = []
        self._lock = threading.Lock()
        ae = AE(ae_title="ARCHIVE")
        ae.add_supported_context(DigitalXRayImageStorageForPresentation)
        ae.add_supported_context(Verification)

        def on_store(event: evt.Event) -> int:
            time.sleep(delay)
            with self._lock:
                self.received.append(event.request.AffectedSOPInstanceUID)
            return 0x0000

        self.port = free_port()
        self.server = ae.start_server(("127.0.0.1", self.port), block=False,
                                      evt_handlers=[(evt.EVT_C_STORE, on_store)])

    def stop(self) -> None:
        self.server.shutdown()


def test_killed_service_jobs_are_taken_over(tmp_path: Path) -> None:
    archive = SlowArchive(delay=0.3)
    stop_later: list[subprocess.Popen] = []
    try:
        config_path = station(tmp_path, archive.port)
        config = configuration.load(config_path)
        db = database_for(config.data_dir)
        files = images(tmp_path, 8)
        service = start_serve(config_path)
        stop_later.append(service)
        job_ids = [enqueue(db, JobKind.STORE, "archive", {"files": files[i:i + 2]})
                   for i in range(0, 8, 2)]
        deadline = time.monotonic() + 30
        while not archive.received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert archive.received, "the service never started sending"
        service.send_signal(signal.SIGKILL)  # mid-job: a lease is left behind
        service.wait(timeout=10)
        assert any(j.state == JobState.RUNNING for j in list_jobs(db)), "nothing was in flight"

        console = Outbox(config, db, owner="console", poll_seconds=0.2)
        console.start()
        try:
            wait_done(db, job_ids, timeout=60)
        finally:
            console.stop()
        # At least once: every image arrived; only the one in flight at the kill may repeat.
        expected = set(_instance_uids(files))
        assert set(archive.received) == expected
        assert len(archive.received) - len(expected) <= 2
    finally:
        for process in stop_later:
            if process.poll() is None:
                process.kill()
        archive.stop()


def _instance_uids(files: list[str]) -> list[str]:
    from pydicom import dcmread

    return [dcmread(f, stop_before_pixels=True).SOPInstanceUID for f in files]

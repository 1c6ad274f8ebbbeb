"""Printing over TLS (PS3.15 Annex B) against DCMTK dcmprscp taking only TLS (UseTLS in its
dcmpstat.cfg, a client certificate required): `vxacq print` through the outbox, and each TLS
failure a print job meets in its own words, the job failed, not retried, nothing printed."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import certs
import peers
from small_images import write_dx
from vxacq import cli
from vxacq import config as configuration
from vxacq.db import JobKind, JobState, open_database
from vxacq.net.outbox import Outbox, enqueue

WINDOW = (6000.0, 9000.0)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> certs.Certificates:
    return certs.make(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def tls_printer(tmp_path_factory: pytest.TempPathFactory,
                pki: certs.Certificates) -> Iterator[peers.Peer]:
    def ready(peer: peers.Peer) -> bool:
        command = [peers.tool("echoscu"), "-aec", peer.ae_title, "-to", "2", "-ta", "2",
                   "+tls", str(pki.client.key), str(pki.client.cert), "+cf", str(pki.ca),
                   "localhost", str(peer.port)]
        return subprocess.run(command, capture_output=True, timeout=10).returncode == 0

    with peers.start_dcmprscp(tmp_path_factory.mktemp("peers"), display_formats=("1,1", "2,1"),
                              tls=(pki.ca, pki.server.cert, pki.server.key),
                              ready=ready) as printer:
        yield printer


def make_config(tmp_path: Path, printer: peers.Peer, **node: Any) -> configuration.Config:
    return configuration.from_dict({
        "station": {"data_dir": str(tmp_path / "data")},
        "node": [{"name": "printer", "ae_title": printer.ae_title, "host": "localhost",
                  "port": printer.port, "services": ["print"], "retries": 3,
                  "retry_delay": 0.1, **node}],
    })


def tls(pki: certs.Certificates, **changes: Any) -> dict[str, Any]:
    return {"tls": True, "tls_ca": str(pki.ca), "tls_cert": str(pki.client.cert),
            "tls_key": str(pki.client.key), **changes}


def images(tmp_path: Path, count: int) -> list[str]:
    paths = []
    for n in range(count):
        path = tmp_path / f"image{n}.dcm"
        write_dx(path, window=WINDOW)
        paths.append(str(path))
    return paths


def printed(printer: peers.Peer) -> int:
    return len(peers.printed_objects(printer)["stored_print"])


def test_vxacq_print_over_tls_to_dcmprscp(tmp_path: Path, pki: certs.Certificates,
                                          tls_printer: peers.Peer,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "vxacq.toml"
    configuration.save(make_config(tmp_path, tls_printer, **tls(pki)), path)
    before = printed(tls_printer)
    code = cli.main(["print", "--config", str(path), "printer", *images(tmp_path, 2),
                     "--layout", "STANDARD\\2,1", "--json"])
    job = json.loads(capsys.readouterr().out)
    assert code == 0, job
    assert job["state"] == "done" and len(job["payload"]["result"]["films"]) == 1
    assert printed(tls_printer) == before + 1
    assert not peers.echo(tls_printer)  # the printer's port takes TLS only


FAILURES = {
    "unknown CA": (lambda pki: tls(pki, tls_ca=str(pki.stranger_ca)),
                   "signed by a CA we do not trust"),
    "no client certificate": (lambda pki: tls(pki, tls_cert="", tls_key=""),
                              "requires a client certificate and we sent none"),
    "untrusted client certificate": (
        lambda pki: tls(pki, tls_cert=str(pki.stranger.cert), tls_key=str(pki.stranger.key)),
        "refused our TLS client certificate"),
    "plain DICOM to the TLS port": (lambda pki: {"tls": False},
                                    "takes only DICOM over TLS on this port"),
}


@pytest.mark.parametrize("failure", FAILURES)
def test_a_tls_failure_fails_the_print_job_in_words_without_retrying(
        tmp_path: Path, pki: certs.Certificates, tls_printer: peers.Peer, failure: str) -> None:
    node, words = FAILURES[failure]
    config = make_config(tmp_path, tls_printer, **node(pki))
    before = printed(tls_printer)
    db = open_database(tmp_path / "vxacq.sqlite")
    try:
        job_id = enqueue(db, JobKind.PRINT, "printer", {"files": images(tmp_path, 1)})
        [job] = Outbox(config, db).drain([job_id], timeout=30)
    finally:
        db.close()
    assert job.state == JobState.FAILED and job.attempts == 1, job.last_error
    assert words in job.last_error
    assert printed(tls_printer) == before

"""STOW-RS throughput: the outbox storing into Orthanc by DICOMweb (HTTPS through stunnel4,
basic authentication) against the outbox storing into the same Orthanc by C-STORE.

Generates DX For Presentation files (``--size``² 16-bit pixels) in a temp dir, starts Debian's
Orthanc with its DICOMweb plugin and stunnel4 in front of it (tests/peers.py), and sends the
files as one STORE job each way, alternating, ``--runs`` times. Prints one figure per line
(medians), ending with ``stow_ratio_vs_cstore``: STOW-RS throughput over C-STORE's.

    PYTHONPATH=. python benchmarks/stow.py [--files 5] [--size 2048] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from vxacq import config as configuration
from vxacq.db import JobState, open_database
from vxacq.net.outbox import Outbox
from vxacq.net.store import enqueue_store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "net"))
import certs  # noqa: E402
import peers  # noqa: E402
from store import make_files  # noqa: E402  (the C-STORE benchmark's files, benchmarks/store.py)

USER, PASSWORD = "bench", "bench-password"


def send(config: configuration.Config, db, node: str, files: list[Path]) -> float:
    started = time.perf_counter()
    job_id = enqueue_store(db, node, files)
    [job] = Outbox(config, db).drain([job_id], timeout=600)
    if job.state != JobState.DONE:
        raise SystemExit(f"{node}: {job.last_error}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5)
    parser.add_argument("--size", type=int, default=2048)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        pki = certs.make(root / "pki")
        secret = root / "secret"
        secret.write_text(PASSWORD)
        secret.chmod(0o600)
        (root / "f").mkdir()
        megabytes = sum(p.stat().st_size for p in make_files(root / "f", 1, args.size)) / 1e6
        with peers.start_orthanc(root / "peers", dicomweb=True, users={USER: PASSWORD}) as orthanc, \
                peers.start_stunnel(root / "peers", orthanc.http_port, pki.server.cert,
                                    pki.server.key) as front:
            config = configuration.from_dict({
                "station": {"data_dir": str(root / "data")},
                "node": [{"name": "web", "url": f"https://localhost:{front.port}/dicom-web",
                          "services": ["store"], "auth": "basic", "username": USER,
                          "secret_file": str(secret), "tls_ca": str(pki.ca)},
                         {"name": "dimse", "ae_title": orthanc.ae_title, "host": "127.0.0.1",
                          "port": orthanc.port, "services": ["store"]}]})
            db = open_database(root / "exam.db", create=True)
            times: dict[str, list[float]] = {"web": [], "dimse": []}
            for run in range(args.runs):
                for node in ("web", "dimse"):
                    folder = root / f"{node}-{run}"
                    folder.mkdir()
                    files = make_files(folder, args.files, args.size)
                    times[node].append(send(config, db, node, files))
    total = args.files * megabytes
    web, dimse = (statistics.median(times[n]) for n in ("web", "dimse"))
    print(f"stow_files {args.files} x {megabytes:.1f} MB")
    print(f"stow_outbox_MB_per_s {total / web:.1f}")
    print(f"cstore_outbox_MB_per_s {total / dimse:.1f}")
    print(f"stow_ratio_vs_cstore {dimse / web:.2f}")


if __name__ == "__main__":
    main()

"""Audit trail throughput: events recorded (audit.record) and forwarded to a real rsyslog over
TLS (RFC 5425) by the AuditForwarder; prints events per second for each, and the time one
backlog of N events takes to leave (each message is sent and then marked in the database)."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.net import certs  # noqa: E402
from tests.security.rsyslog import Rsyslog  # noqa: E402
from vxacq.config import AuditConfig, Config, StationConfig  # noqa: E402
from vxacq.db import open_database  # noqa: E402
from vxacq.security import audit  # noqa: E402
from vxacq.security.audit_sender import AuditForwarder  # noqa: E402

EVENTS = 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        pki = certs.make(root / "certs")
        server = Rsyslog(root / "rsyslog", pki.ca, pki.server.cert, pki.server.key)
        server.start()
        try:
            config = Config(station=StationConfig(data_dir=str(root)), audit=AuditConfig(
                repository=f"tls://localhost:{server.tls_port}", tls_ca=str(pki.ca),
                tls_cert=str(pki.client.cert), tls_key=str(pki.client.key)))
            db = open_database(root / "exam.sqlite", create=True)
            start = time.perf_counter()
            for n in range(EVENTS):
                audit.record(db, "images sent", detail=f"bench {n}", PatientID="P-1",
                             StudyInstanceUID="1.2.3", peer_ae="PACS", peer_address="127.0.0.1",
                             sop_classes={"1.2.840.10008.5.1.4.1.1.1.1": 2})
            recorded = time.perf_counter() - start
            forwarder = AuditForwarder(config, db)
            start = time.perf_counter()
            sent = forwarder.forward()
            forwarded = time.perf_counter() - start
            arrived = len(server.lines("bench ", EVENTS, timeout=30))
            forwarder.stop()
            db.close()
        finally:
            server.stop()
    print(f"audit.record: {EVENTS / recorded:.0f} events/s")
    print(f"forwarded over TLS: {sent / forwarded:.0f} events/s ({EVENTS} in {forwarded:.2f} s)")
    print(f"arrived at rsyslog: {arrived} of {EVENTS}")


if __name__ == "__main__":
    main()

"""Verification SCU: is a node there and does it speak DICOM with us? (C-ECHO, PS3.4 A.)

:func:`echo` never raises for a network problem: the GUI and ``vxacq echo`` show its
:class:`EchoResult`, which says either the round-trip time or exactly why not.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass

from pynetdicom.presentation import build_context
from pynetdicom.sop_class import Verification

from vxacq.config import Config, NodeConfig
from vxacq.net.association import DicomNetworkError, associate, check_alive

# pynetdicom's default transfer syntaxes: Implicit and Explicit VR Little Endian, Deflated
# Explicit VR Little Endian, Explicit VR Big Endian.
CONTEXTS = [build_context(Verification)]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EchoResult:
    node: str
    ae_title: str
    host: str
    port: int
    ok: bool
    round_trip_ms: float | None = None  # association, C-ECHO and release
    echo_ms: float | None = None  # the C-ECHO alone
    kind: str = ""  # DicomNetworkError.kind when not ok
    message: str = ""
    web: str = ""  # a DICOMweb node's url: verified by QIDO-RS, not C-ECHO

    def describe(self) -> str:
        where = f"{self.node} ({self.ae_title} at {self.host}:{self.port})"
        if self.ok and self.web:
            return (f"{self.node} ({self.web}): DICOMweb OK, QIDO-RS answered in "
                    f"{self.echo_ms:.1f} ms")
        if self.ok:
            return (f"{where}: C-ECHO OK in {self.echo_ms:.1f} ms "
                    f"({self.round_trip_ms:.1f} ms with association and release)")
        return self.message

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def echo(config: Config, node: NodeConfig) -> EchoResult:
    """C-ECHO ``node`` with its configured timeouts and our AE title; a DICOMweb node is
    verified by a QIDO-RS query instead (:func:`vxacq.net.dicomweb.verify`)."""
    base = dict(node=node.name, ae_title=node.ae_title, host=node.host, port=node.port)
    if node.is_dicomweb:
        # imported here: the DICOMweb client brings the audit trail's database, which a
        # C-ECHO from the command line does without (tests/test_startup_imports.py)
        from vxacq.net import dicomweb

        try:
            took = dicomweb.verify(node)
        except DicomNetworkError as exc:
            log.warning("DICOMweb verification of %s failed: %s", node.name, exc)
            return EchoResult(**base, ok=False, kind=exc.kind, message=str(exc))
        return EchoResult(**base, ok=True, round_trip_ms=took, echo_ms=took, web=node.url)
    started = time.perf_counter()
    try:
        with associate(config, node, CONTEXTS) as assoc:
            sent = time.perf_counter()
            status = assoc.send_c_echo()
            echo_ms = (time.perf_counter() - sent) * 1000
            check_alive(assoc, node, "waiting for the C-ECHO response")
        code = status.get("Status") if status is not None else None
        if code != 0x0000:
            words = "no valid answer" if code is None else f"status 0x{code:04X}"
            raise DicomNetworkError(f"{node.name} ({node.ae_title}) answered the C-ECHO with "
                                    f"{words}", kind="status", retryable=False)
    except DicomNetworkError as exc:
        log.warning("C-ECHO to %s failed: %s", node.name, exc)
        return EchoResult(**base, ok=False, kind=exc.kind, message=str(exc))
    total_ms = (time.perf_counter() - started) * 1000
    result = EchoResult(**base, ok=True, round_trip_ms=total_ms, echo_ms=echo_ms)
    log.info("%s", result.describe())
    return result

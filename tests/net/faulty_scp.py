"""Worklist SCPs that misbehave on purpose (fault injection no real peer offers): one aborts
after its first pending answer, one never answers a C-FIND, one answers with a malformed item."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from pydicom.dataset import Dataset
from pynetdicom import AE, DEFAULT_TRANSFER_SYNTAXES, evt
from pynetdicom.sop_class import ModalityWorklistInformationFind


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def worklist_scp(answers: list[Dataset], behaviour: str, ae_title: str = "FAULTY",
                 transfer_syntax: str | None = None) -> Iterator[int]:
    """A worklist SCP on a free port; ``behaviour``: "abort-after-first" or "silent".
    ``transfer_syntax``: the only one it accepts (pynetdicom's choice otherwise)."""
    stop = threading.Event()

    def on_find(event: evt.Event):
        if behaviour == "silent":
            stop.wait(30)  # never answers while the test runs
            return
        for answer in answers:
            yield 0xFF00, answer
            if behaviour == "abort-after-first":
                time.sleep(0.2)  # let the first answer reach the SCU
                event.assoc.abort()
                return
        yield 0x0000, None

    ae = AE(ae_title=ae_title)
    ae.add_supported_context(ModalityWorklistInformationFind,
                             [transfer_syntax] if transfer_syntax else DEFAULT_TRANSFER_SYNTAXES)
    port = free_port()
    server = ae.start_server(("127.0.0.1", port), block=False,
                             evt_handlers=[(evt.EVT_C_FIND, on_find)])
    try:
        yield port
    finally:
        stop.set()
        server.shutdown()


@contextmanager
def mute_listener() -> Iterator[int]:
    """A TCP port that accepts connections and never says a word."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(5)
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()

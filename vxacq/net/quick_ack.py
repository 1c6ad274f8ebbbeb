"""Acknowledge the peer's next TCP segments at once (Linux ``TCP_QUICKACK``).

Many DICOM peers write a PDU in two pieces without TCP_NODELAY (DCMTK writes the PDU header,
then the rest): Nagle's algorithm holds the second piece until the first is acknowledged, and
Linux delays that ACK by ~40 ms when the connection looks interactive, which every DIMSE
exchange does. Each answer then waited 40 ms: most of a C-ECHO, more than half of an 18 MB
image's C-STORE on loopback. Quick-ACK mode ends again when we next send, so it is asked for
after each PDU we write. Where the system has no such option the delay stays.
"""

from __future__ import annotations

import socket

TCP_QUICKACK = getattr(socket, "TCP_QUICKACK", None)


def ack_at_once(sock: socket.socket | None) -> None:
    """Put ``sock`` in quick-ACK mode until it next sends (None: pynetdicom closed it)."""
    if sock is None or TCP_QUICKACK is None:
        return
    try:
        sock.setsockopt(socket.IPPROTO_TCP, TCP_QUICKACK, 1)
    except OSError:  # closed meanwhile: whoever waits for the answer learns it
        pass

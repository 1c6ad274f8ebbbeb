"""Byte transports under the drivers: anything ``serial.serial_for_url`` opens.

A COM port (``/dev/ttyUSB0``), a pty (``/dev/pts/5``), the simulator (``socket://127.0.0.1:PORT``)
or ``loop://`` run the same driver code. Every byte in and out is logged at DEBUG.
"""

from __future__ import annotations

import logging
import socket
import threading
from typing import Protocol

import serial

from vxacq.hal.protocol import MAX_LINE

log = logging.getLogger(__name__)


class Transport(Protocol):
    def write(self, data: bytes) -> None: ...

    def read(self) -> bytes:
        """Bytes that arrived (at most a line), waiting at most a short poll timeout."""

    def close(self) -> None: ...


class SerialTransport:
    """A pyserial port opened from a URL (9600 8N1 unless the URL's device says otherwise)."""

    def __init__(self, url: str, baudrate: int = 9600, poll: float = 0.05) -> None:
        try:
            self._port = serial.serial_for_url(url, baudrate=baudrate, timeout=poll,
                                               write_timeout=2.0)
        except (serial.SerialException, ValueError, OSError) as exc:
            raise ConnectionError(f"cannot open {url}: {exc}") from None
        self.url = url
        self._lock = threading.Lock()
        sock = getattr(self._port, "_socket", None)
        if sock is not None:  # socket://: send each line at once (no Nagle delay)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def write(self, data: bytes) -> None:
        log.debug("→ %s %r", self.url, data)
        with self._lock:
            try:
                self._port.write(data)
            except (serial.SerialException, OSError) as exc:
                raise ConnectionError(f"write to {self.url} failed: {exc}") from None

    def read(self) -> bytes:
        try:
            # returns at a line end, at a line's maximum length, or after the poll timeout
            data = self._port.read_until(b"\n", MAX_LINE + 2)
        except (serial.SerialException, OSError) as exc:
            raise ConnectionError(f"read from {self.url} failed: {exc}") from None
        if data:
            log.debug("← %s %r", self.url, data)
        return data

    def close(self) -> None:
        try:
            self._port.close()
        except (serial.SerialException, OSError):
            pass

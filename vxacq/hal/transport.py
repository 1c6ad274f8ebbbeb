"""Byte transports under the drivers: anything ``serial.serial_for_url`` opens.

A COM port (``/dev/ttyUSB0``), a pty (``/dev/pts/5``), the simulator (``socket://127.0.0.1:PORT``)
or ``loop://`` run the same driver code. Every byte in and out is logged at DEBUG.
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol

import serial

log = logging.getLogger(__name__)


class Transport(Protocol):
    def write(self, data: bytes) -> None: ...

    def read(self) -> bytes:
        """Whatever bytes arrived, waiting at most the transport's short poll timeout."""

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

    def write(self, data: bytes) -> None:
        log.debug("→ %s %r", self.url, data)
        with self._lock:
            try:
                self._port.write(data)
            except (serial.SerialException, OSError) as exc:
                raise ConnectionError(f"write to {self.url} failed: {exc}") from None

    def read(self) -> bytes:
        try:
            waiting = max(1, self._port.in_waiting)
            data = self._port.read(min(waiting, 4096))
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

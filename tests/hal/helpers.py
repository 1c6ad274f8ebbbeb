"""Byte-level driver testing (after pymeasure's expected_protocol) and shared HAL test helpers."""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator
from pathlib import Path

from vxacq.hal import protocol
from vxacq.config import Config
from vxacq.hal.serial_generator import SerialGenerator

TIME_SCALE = 0.05  # simulator timing in tests: twenty times faster than real


def raw_files(config: Config) -> list[Path]:
    folder = Path(config.station.data_dir) / "raw"
    return sorted(folder.iterdir()) if folder.exists() else []


def line(body: str) -> bytes:
    return protocol.encode(body)


class FakeTransport:
    """Plays a script of (bytes the driver must send, bytes the device answers)."""

    def __init__(self, pairs: list[tuple[bytes, bytes | None]]) -> None:
        self.pairs = list(pairs)
        self.unexpected: list[bytes] = []
        self._incoming: queue.Queue[bytes] = queue.Queue()
        self._lock = threading.Lock()

    def push(self, data: bytes) -> None:
        self._incoming.put(data)

    def write(self, data: bytes) -> None:
        with self._lock:
            if not self.pairs or self.pairs[0][0] != data:
                self.unexpected.append(data)
                return
            _, answer = self.pairs.pop(0)
        if answer:
            self._incoming.put(answer)

    def read(self) -> bytes:
        try:
            return self._incoming.get(timeout=0.01)
        except queue.Empty:
            return b""

    def close(self) -> None:
        pass


@contextlib.contextmanager
def expected_protocol(pairs: list[tuple[bytes, bytes | None]],
                      **kwargs) -> Iterator[SerialGenerator]:
    """A SerialGenerator on a FakeTransport; at exit every pair was used and nothing else sent."""
    transport = FakeTransport(pairs)
    kwargs.setdefault("reply_timeout", 0.2)
    generator = SerialGenerator(transport, **kwargs)
    try:
        yield generator
    finally:
        generator.close()
    assert not transport.unexpected, f"unexpected bytes sent: {transport.unexpected}"
    assert not transport.pairs, f"Unprocessed protocol definitions remain: {transport.pairs}"

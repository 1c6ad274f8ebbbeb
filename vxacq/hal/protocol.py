"""The generator line protocol's framing (docs/hardware-protocol.md is the full description).

A message is one line of printable ASCII::

    $<tag> <verb>[ <args>]*<CS>\\r\\n

``tag`` is a two-digit sequence number (00–99) on commands and on the replies to them, or ``EV``
on unsolicited events; ``CS`` is the CRC-16/CCITT-FALSE (polynomial 0x1021, initial value
0xFFFF) of every byte between ``$`` and ``*``, as four upper-case hex digits. Anything else on the line — bad checksum, missing ``$``, non-ASCII, over-long — is
not a message and is dropped by the receiver.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass

MAX_LINE = 160
EVENT_TAG = "EV"


class FramingError(ValueError):
    """Bytes that are not a valid message."""


@dataclass(frozen=True)
class Message:
    tag: str
    verb: str
    args: tuple[str, ...] = ()

    @property
    def body(self) -> str:
        return " ".join((self.tag, self.verb, *self.args))

    @property
    def is_event(self) -> bool:
        return self.tag == EVENT_TAG


def checksum(body: str) -> str:
    # A 16-bit CRC: an 8-bit XOR would let about one garbled line in 256 pass as valid.
    return f"{binascii.crc_hqx(body.encode('ascii'), 0xFFFF):04X}"


def encode(message: Message | str) -> bytes:
    body = message.body if isinstance(message, Message) else message
    line = f"${body}*{checksum(body)}\r\n".encode("ascii")
    if len(line) > MAX_LINE:
        raise FramingError(f"message longer than {MAX_LINE} bytes: {body[:40]}…")
    return line


def decode(line: bytes) -> Message:
    """Parse one received line (with or without its CR LF); FramingError if it is not a message."""
    raw = line.rstrip(b"\r\n")
    start = raw.rfind(b"$")  # line noise before the frame is not part of it
    if start < 0:
        raise FramingError("no $…* frame")
    raw = raw[start:]
    if len(raw) > MAX_LINE:
        raise FramingError("line too long")
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise FramingError("non-ASCII bytes") from None
    if text.count("*") != 1:
        raise FramingError("no $…* frame")
    body, _, cs = text[1:].partition("*")
    if not all(" " <= ch <= "~" for ch in body):
        raise FramingError("control characters in body")
    if cs != checksum(body):
        raise FramingError(f"checksum {cs!r} does not match {checksum(body)}")
    parts = body.split()
    if len(parts) < 2:
        raise FramingError("missing tag or verb")
    tag = parts[0]
    if tag != EVENT_TAG and not (len(tag) == 2 and tag.isdigit()):
        raise FramingError(f"bad tag {tag!r}")
    return Message(tag, parts[1].upper(), tuple(parts[2:]))


class LineBuffer:
    """Splits a byte stream into lines, discarding runs longer than MAX_LINE (line noise)."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self.discarded = 0

    def feed(self, data: bytes) -> list[bytes]:
        self._buf += data
        lines = []
        while (end := self._buf.find(b"\n")) >= 0:
            lines.append(bytes(self._buf[: end + 1]))
            del self._buf[: end + 1]
        if len(self._buf) > MAX_LINE:
            # keep only from the last '$' so a message glued to noise can still be read
            start = self._buf.rfind(b"$")
            keep = self._buf[start:] if 0 <= start and len(self._buf) - start <= MAX_LINE else b""
            self.discarded += len(self._buf) - len(keep)
            self._buf = bytearray(keep)
        return lines

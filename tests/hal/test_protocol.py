"""Framing of the generator line protocol."""

import random

import pytest

from vxacq.hal import protocol
from vxacq.hal.protocol import FramingError, LineBuffer, Message


def test_encode_decode_round_trip_with_checksum() -> None:
    wire = protocol.encode("07 KV 70")
    assert wire == b"$07 KV 70*" + protocol.checksum("07 KV 70").encode() + b"\r\n"
    assert protocol.decode(wire) == Message("07", "KV", ("70",))
    event = protocol.decode(protocol.encode("EV STATE READY"))
    assert event.is_event and event.args == ("READY",)


@pytest.mark.parametrize("bad", [
    b"$07 KV 70*00\r\n",  # wrong checksum
    b"07 KV 70\r\n",  # no frame
    b"$\xff\xfe*00\r\n",  # not ASCII
    b"$7 KV 70*" + protocol.checksum("7 KV 70").encode() + b"\r\n",  # bad tag
    b"$07*" + protocol.checksum("07").encode() + b"\r\n",  # no verb
    b"$" + b"A" * 200 + b"*00\r\n",  # too long
])
def test_decode_rejects_what_is_not_a_message(bad: bytes) -> None:
    with pytest.raises(FramingError):
        protocol.decode(bad)


def test_message_after_noise_on_the_same_line_is_still_read() -> None:
    assert protocol.decode(b"\x13#!" + protocol.encode("12 ACK")).verb == "ACK"


def test_line_buffer_survives_endless_noise_and_recovers() -> None:
    buf = LineBuffer()
    rng = random.Random(1)
    noise = bytes(rng.randrange(256) for _ in range(5000)).replace(b"\n", b"")
    assert buf.feed(noise) == []
    assert buf.discarded > 4000
    lines = buf.feed(b"\n" + protocol.encode("03 ACK 70"))
    assert protocol.decode(lines[-1]).args == ("70",)


def test_checksum_is_crc16_ccitt_false() -> None:
    assert protocol.checksum("123456789") == "29B1"  # the standard check value
    assert protocol.encode("07 KV 70") == b"$07 KV 70*8181\r\n"  # the example in the docs

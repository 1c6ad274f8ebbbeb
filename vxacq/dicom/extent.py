"""Whether every value of a DICOM file lies inside the file: a file cut short anywhere.

pydicom reads a value that runs past the end of the file as the bytes that are there and says
nothing; cut inside a value that comes before the pixel data (a large private value in a
sequence, say), the rest of the file, pixel data and all, is then silently gone and the file
looks whole but image-less. :func:`overrun` walks the element headers only — each declared
length against the bytes its file, sequence or item still holds, undefined-length sequences
and items up to their delimiters — and says which element is cut short and by how much. Values
are never read (a file is memory-mapped), so an 18 MB image costs a few page reads.
"""

from __future__ import annotations

import mmap
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pydicom.datadict import dictionary_VR, keyword_for_tag
from pydicom.tag import Tag

UNDEFINED = 0xFFFFFFFF
ITEM = 0xFFFEE000
ITEM_END = 0xFFFEE00D
SEQUENCE_END = 0xFFFEE0DD
PIXEL_DATA = 0x7FE00010
# VRs whose explicit-VR header has 2 reserved bytes and a 4-byte length (PS3.5 7.1.2).
LONG_VRS = frozenset(b"OB OD OF OL OV OW SQ SV UC UN UR UT UV".split())
DEFLATED = "1.2.840.10008.1.2.1.99"
IMPLICIT = "1.2.840.10008.1.2"
BIG_ENDIAN = "1.2.840.10008.1.2.2"
MAX_DEPTH = 32  # sequences nested deeper than any IOD has are refused, not recursed into


class Overrun(Exception):
    """Where the file is cut short (or its structure broken): ``str()`` says it in words."""


def overrun(source: Path | str | bytes) -> str:
    """What runs past the end of ``source`` (a Part 10 file or a bare data set, a path or its
    bytes) or past the end of the sequence or item holding it, in words; "" when every value
    lies inside the file."""
    if isinstance(source, bytes):
        return _overrun(source) if source else "the file is empty"
    with open(source, "rb") as fh:
        if fh.seek(0, 2) == 0:
            return "the file is empty"
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as view:
            return _overrun(view)


def _overrun(data: bytes | mmap.mmap) -> str:
    try:
        start = 132 if data[128:132] == b"DICM" else 0
        meta = _Walk(data, explicit=True, little=True)
        pos, syntax = meta.file_meta(start)
        if syntax == DEFLATED:
            return _inflated_overrun(data[pos:])
        # As pydicom reads it: explicit VR if a VR follows the first tag, whatever the file
        # meta says; a bare data set is big endian if its first group reads small that way.
        explicit = bytes(data[pos + 4:pos + 6]).isalpha() if len(data) > pos + 6 \
            else syntax != IMPLICIT
        if syntax is None:
            little = not (data[pos:pos + 1] == b"\0" != data[pos + 1:pos + 2])
        else:
            little = syntax != BIG_ENDIAN
        _Walk(data, explicit=explicit, little=little).elements(pos, len(data))
    except Overrun as exc:
        return str(exc)
    return ""


def _inflated_overrun(deflated: bytes) -> str:
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        data = inflater.decompress(deflated) + inflater.flush()
    except zlib.error as exc:
        return f"its deflated data set cannot be inflated ({exc})"
    if not inflater.eof:
        return "its deflated data set is cut short: the file is truncated"
    try:
        _Walk(data, explicit=True, little=True).elements(0, len(data))
    except Overrun as exc:
        return f"{exc} (in its deflated data set)"
    return ""


def _name(tag: int) -> str:
    keyword = keyword_for_tag(tag) if not (tag >> 16) & 1 else ""
    return f"{keyword or 'private element'} {Tag(tag)}"


class _Walk:
    """Element headers read in one encoding; ``within`` says where a value is, in words."""

    def __init__(self, data: bytes | mmap.mmap, *, explicit: bool, little: bool) -> None:
        self.data = data
        self.explicit = explicit
        self.order = "<" if little else ">"
        self.within: list[str] = []
        self.ends: dict[int, str] = {}  # where a sequence or item ends → its name

    def container(self, end: int) -> str:
        """What ends at ``end``, in words."""
        return "the file" if end >= len(self.data) else self.ends.get(end, "its container")

    def truncated(self, end: int) -> str:
        return ": the file is truncated" if end >= len(self.data) else ""

    @contextmanager
    def ending(self, end: int, name: str) -> Iterator[None]:
        before = self.ends.get(end)
        self.ends[end] = name
        try:
            yield
        finally:
            if before is None:
                del self.ends[end]
            else:
                self.ends[end] = before

    def file_meta(self, pos: int) -> tuple[int, str | None]:
        """The end of the file meta group at ``pos`` (explicit VR little endian) and its
        Transfer Syntax UID; (pos, None) when there is none."""
        syntax = None
        end = len(self.data)
        while pos + 8 <= end and struct.unpack_from("<H", self.data, pos)[0] == 0x0002:
            tag, vr, length, start = self.header(pos, end)
            if start + length > end:
                self.cut(tag, length, end - start, "the file")
            if tag == 0x00020010:
                syntax = bytes(self.data[start:start + length]).strip(b"\0 ").decode("ascii",
                                                                                      "replace")
            pos = start + length
        return pos, syntax

    def header(self, pos: int, end: int) -> tuple[int, bytes, int, int]:
        """Tag, VR (b"" when implicit), length and where the value starts, of the element at
        ``pos``; raises Overrun when the header itself is cut by ``end``."""
        if pos + 4 > end:
            raise Overrun(f"{self.container(end)} ends inside an element header at byte {pos}"
                          + self.where() + self.truncated(end))
        group, element = struct.unpack_from(self.order + "HH", self.data, pos)
        tag = group << 16 | element
        if pos + 8 > end:
            raise Overrun(f"{self.container(end)} ends inside the header of {_name(tag)}"
                          + self.where() + self.truncated(end))
        if not self.explicit or group == 0xFFFE:  # items and delimiters never have a VR
            return tag, b"", struct.unpack_from(self.order + "L", self.data, pos + 4)[0], pos + 8
        vr = bytes(self.data[pos + 4:pos + 6])
        if vr not in LONG_VRS:
            return tag, vr, struct.unpack_from(self.order + "H", self.data, pos + 6)[0], pos + 8
        if pos + 12 > end:
            raise Overrun(f"{self.container(end)} ends inside the header of {_name(tag)}"
                          + self.where() + self.truncated(end))
        return tag, vr, struct.unpack_from(self.order + "L", self.data, pos + 8)[0], pos + 12

    def where(self) -> str:
        return "".join(f" in {place}" for place in reversed(self.within))

    def cut(self, tag: int, length: int, held: int, container: str) -> None:
        missing = length - held
        what = "its pixel data is cut short: " if tag == PIXEL_DATA and not self.within else ""
        raise Overrun(f"{what}{_name(tag)}{self.where()} runs past the end of {container}: "
                      f"{missing} of its {length} bytes are missing"
                      + (" (the file is truncated)" if container == "the file" else ""))

    def elements(self, pos: int, end: int, *, until_item_end: bool = False) -> int:
        """Walk the elements from ``pos`` to ``end`` (or to an item delimiter) and return
        where they end."""
        container = self.container(end)
        while pos < end:
            if not self.within and end - pos < 8 and not any(self.data[pos:end]):
                return end  # a few zero bytes of padding after the data set
            tag, vr, length, start = self.header(pos, end)
            if tag == ITEM_END and until_item_end:
                return start
            if length == UNDEFINED:
                pos = self.undefined(tag, vr, start, end)
                continue
            sequence = vr == b"SQ" or (not vr and not self.explicit and _is_sequence(tag))
            if start + length > end:
                if sequence:  # name the element inside it that is cut, if one is
                    self.items(tag, start, end)
                self.cut(tag, length, end - start, container)
            if sequence:
                with self.ending(start + length, _name(tag) + self.where()):
                    self.items(tag, start, start + length)
            pos = start + length
        if until_item_end:
            raise Overrun(f"{self.container(end)} ends before the item delimiter"
                          f"{self.where()}" + self.truncated(end))
        return pos

    def undefined(self, tag: int, vr: bytes, start: int, end: int) -> int:
        """Walk an undefined-length value (a sequence, encapsulated pixel data, or UN holding
        an implicit VR sequence) and return where it ends."""
        if vr == b"UN":  # PS3.5 6.2.2: its content is implicit VR little endian
            inner = _Walk(self.data, explicit=False, little=True)
            inner.within, inner.ends = self.within, self.ends
            return inner.items(tag, start, end, delimited=True)
        fragments = tag == PIXEL_DATA or vr not in (b"SQ", b"")
        return self.items(tag, start, end, delimited=True, fragments=fragments)

    def items(self, tag: int, pos: int, end: int, *, delimited: bool = False,
              fragments: bool = False) -> int:
        """Walk the items of sequence ``tag`` from ``pos``: up to ``end`` (defined length) or to
        its delimiter; return where the sequence ends."""
        if len(self.within) >= MAX_DEPTH:
            raise Overrun(f"{_name(tag)} nests sequences deeper than {MAX_DEPTH} levels")
        number = 0
        while True:
            if not delimited and pos == end:
                return pos
            if pos + 8 > end:
                if delimited:
                    raise Overrun(f"{self.container(end)} ends before the end of {_name(tag)}"
                                  f"{self.where()} (no sequence delimiter)"
                                  + self.truncated(end))
                raise Overrun(f"an item header of {_name(tag)}{self.where()} runs past the end "
                              f"of {self.container(end)}")
            item_tag, _, length, start = self.header(pos, end)
            if item_tag == SEQUENCE_END:
                return start
            if item_tag != ITEM:
                raise Overrun(f"{_name(tag)}{self.where()} holds {Tag(item_tag)} where an "
                              "item belongs: the file is damaged")
            number += 1
            label = "fragment" if fragments else "item"
            if length != UNDEFINED and start + length > end:
                if not fragments:  # name the element inside it that is cut, if one is
                    self.within.append(f"{label} {number} of {_name(tag)}")
                    try:
                        self.elements(start, end)
                    finally:
                        self.within.pop()
                held = self.container(end)
                raise Overrun(f"{label} {number} of {_name(tag)}{self.where()} runs past the "
                              f"end of {held}: {start + length - end} of its {length} bytes "
                              "are missing" + (" (the file is truncated)"
                                               if held == "the file" else ""))
            self.within.append(f"{label} {number} of {_name(tag)}")
            try:
                if length == UNDEFINED:
                    if fragments:
                        raise Overrun("an encapsulated pixel data fragment of undefined length"
                                      + self.where() + ": the file is damaged")
                    pos = self.elements(start, end, until_item_end=True)
                    continue
                if not fragments:
                    with self.ending(start + length, self.where().removeprefix(" in ")):
                        self.elements(start, start + length)
                pos = start + length
            finally:
                self.within.pop()


def _is_sequence(tag: int) -> bool:
    try:
        return dictionary_VR(tag) == "SQ"
    except KeyError:  # a private or unknown tag: its value is only checked to fit
        return False

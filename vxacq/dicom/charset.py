"""Specific Character Set (0008,0005): which set we write, and text in and out of every set we support.

Inside the console text is always a Python ``str``; bytes exist only in datasets on the wire or on
disk. A dataset read from a peer is decoded with its own (0008,0005) (or the peer's configured
fallback when it sent none), so the characters a worklist sent are the characters we hold. When we
write, :func:`choose_character_set` picks the station's preferred set if it can carry every value,
else the set the values arrived in, else UTF-8 (ISO_IR 192), which carries everything.

Supported terms are the VXvue list (PS3.3 C.12.1.1.2): the single-byte ISO 8859 sets, JIS X 0201
(IR 13), TIS 620 (IR 166), UTF-8 and GB18030 without code extensions, and with ISO 2022 code
extensions IR 6/100/101/109/110/148/144/127/126/138/13/166 plus JIS X 0208 (IR 87), JIS X 0212
(IR 159) and KS X 1001 (IR 149). Encoding and escape sequences are pydicom's (PS3.5 6.1.2.5).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import pydicom.charset as pc
from pydicom.dataelem import DataElement, RawDataElement, convert_raw_data_element
from pydicom.dataset import Dataset
from pydicom.multival import MultiValue
from pydicom.valuerep import PersonName

from vxacq.config import CHARACTER_SETS

UTF8 = "ISO_IR 192"
# Value representations whose values are encoded with (0008,0005) (PS3.5 6.1.2.3).
TEXT_VRS = frozenset({"SH", "LO", "ST", "LT", "UT", "UC", "PN"})
# Terms that may stand alone but never take code extensions (PS3.3 C.12.1.1.2).
_STAND_ALONE = frozenset({"ISO_IR 192", "GB18030", "GBK"})


class CharacterSetError(ValueError):
    """A Specific Character Set value we cannot use, or text it cannot carry."""


def terms(value: str | Sequence[str] | None) -> list[str]:
    """(0008,0005) as a list of terms: ``"\\ISO 2022 IR 87"`` → ``["", "ISO 2022 IR 87"]``.

    An absent or empty value is the default repertoire (``[""]``). Unknown terms or a
    stand-alone set (UTF-8, GB18030) combined with others raise :class:`CharacterSetError`.
    """
    if value is None:
        return [""]
    items = value.split("\\") if isinstance(value, str) else [str(v) for v in value]
    items = [t.strip() for t in items] or [""]
    for term in items:
        if term and term not in CHARACTER_SETS and term != "GBK":
            raise CharacterSetError(f"Specific Character Set term '{term}' is not supported")
    if len(items) > 1:
        if any(t in _STAND_ALONE for t in items):
            raise CharacterSetError(
                f"{'/'.join(items)}: UTF-8 and GB18030 cannot be combined with other sets (PS3.3 C.12.1.1.2)"
            )
        if any(t and not t.startswith("ISO 2022") for t in items):
            raise CharacterSetError(
                f"{'/'.join(items)}: more than one value requires ISO 2022 terms (code extensions, PS3.3 C.12.1.1.2)"
            )
    return items


def _codecs(charset: Sequence[str]) -> list[str]:
    return pc.convert_encodings(list(charset))


def _char_fits(ch: str, codec: str) -> bool:
    encoder = pc.custom_encoders.get(codec)
    try:
        if encoder is not None:
            encoder(ch, "strict")
        else:
            ch.encode(codec)
    except (UnicodeError, ValueError):
        return False
    return True


def can_encode(text: str, charset: str | Sequence[str] | None) -> bool:
    """True if every character of ``text`` is in the repertoire of ``charset``."""
    codecs = _codecs(terms(charset))
    return all(any(_char_fits(ch, c) for c in codecs) for ch in text)


def can_encode_person_name(name: str, charset: str | Sequence[str] | None) -> bool:
    """Like :func:`can_encode`, and the alphabetic group uses the first set only: escape
    sequences in the first component group are not allowed (PS3.5 6.2.1.2)."""
    charset = terms(charset)
    alphabetic = name.split("=")[0]
    return can_encode(name, charset) and can_encode(alphabetic, charset[:1])


def encode(value: str, charset: str | Sequence[str] | None, vr: str = "LO") -> bytes:
    """``value`` encoded in ``charset`` with the escape sequences code extensions need.

    Raises :class:`CharacterSetError` naming the first character the set cannot carry, instead
    of silently writing replacement characters.
    """
    charset = terms(charset)
    fits = can_encode_person_name if vr == "PN" else can_encode
    if not fits(value, charset):
        bad = next((ch for ch in value if not can_encode(ch, charset)), value.split("=")[0])
        shown = "\\".join(charset)
        raise CharacterSetError(f"'{bad}' cannot be written in Specific Character Set '{shown}'")
    codecs = _codecs(charset)
    if vr == "PN":
        return PersonName(value).encode(codecs)
    return pc.encode_string(value, codecs)


def decode(raw: bytes, charset: str | Sequence[str] | None, vr: str = "LO") -> str:
    """``raw`` bytes of a value of ``vr`` decoded as ``charset`` says (escape sequences included)."""
    codecs = _codecs(terms(charset))
    if vr == "PN":
        return str(PersonName(raw, encodings=codecs))
    delimiters = pc.TEXT_VR_DELIMS if vr in ("SH", "LO", "UC") else set()
    return pc.decode_bytes(raw, codecs, delimiters)


def decode_received(ds: Dataset, fallback: str | Sequence[str] | None = None) -> Dataset:
    """Decode every text value of a dataset from a peer in place, and return it.

    The dataset's own (0008,0005) wins; a peer that sent none gets ``fallback`` (the node's
    ``fallback_character_set``), because some SCPs answer in Latin-1 without saying so.
    Afterwards the values are ``str`` and (0008,0005) is removed: the text no longer has a set,
    it gets one when we write it.
    """
    if "SpecificCharacterSet" not in ds and fallback:
        ds.SpecificCharacterSet = terms(fallback)
        # pydicom converts a value still as received with the set the dataset was READ with
        # (none: Latin-1), not the one set now: every text value (SH, LO, ST, LT, UT, UC, not
        # only PN) is converted here with the fallback first.
        _convert_received(ds, _codecs(terms(fallback)))
    ds.decode()
    if "SpecificCharacterSet" in ds:
        del ds.SpecificCharacterSet
    return ds


def _convert_received(ds: Dataset, codecs: list[str]) -> None:
    """Convert every value of ``ds`` and its sequence items that is still as received, text
    with ``codecs``; an item that declares its own (0008,0005) keeps it."""
    read_as_latin1 = ds.original_character_set in ("iso8859", ["iso8859"])
    for tag in list(ds.keys()):
        if isinstance(ds.get_item(tag), RawDataElement):
            ds[tag] = convert_raw_data_element(ds.get_item(tag), encoding=codecs, ds=ds)
        elif read_as_latin1 and ds[tag].VR in TEXT_VRS - {"PN"}:
            # already converted (pynetdicom's identifier log reads every value): Latin-1
            # maps each byte to one character, so the bytes as received come back exactly.
            _reconvert_latin1(ds[tag], codecs)
        element = ds[tag]
        if element.VR == "SQ":
            for item in element.value or []:
                if "SpecificCharacterSet" not in item:
                    _convert_received(item, codecs)


def _reconvert_latin1(element: DataElement, codecs: list[str]) -> None:
    def again(value: object) -> object:
        if not isinstance(value, str):
            return value
        raw = value.encode("latin_1")
        delimiters = pc.TEXT_VR_DELIMS if element.VR in ("SH", "LO", "UC") else set()
        return pc.decode_bytes(raw, codecs, delimiters)

    if isinstance(element.value, MultiValue):
        element.value = [again(v) for v in element.value]
    else:
        element.value = again(element.value)


def text_values(ds: Dataset) -> Iterator[tuple[str, str]]:
    """(VR, value) of every non-empty text value in ``ds`` and its sequences."""
    for elem in ds:
        if elem.VR == "SQ":
            for item in elem.value:
                yield from text_values(item)
        elif elem.VR in TEXT_VRS and elem.value not in (None, ""):
            values = elem.value if elem.VM > 1 else [elem.value]
            for v in values:
                if isinstance(v, bytes):
                    raise CharacterSetError(
                        f"{elem.keyword or elem.tag} holds undecoded bytes; decode received datasets first"
                    )
                yield elem.VR, str(v)


def choose_character_set(
    values: Iterable[tuple[str, str]],
    preferred: str | Sequence[str] | None,
    received: Iterable[str | Sequence[str] | None] = (),
) -> list[str]:
    """The (0008,0005) terms to write ``values`` ((VR, text) pairs) with.

    Tries the station's ``preferred`` set, then each set the values were ``received`` in (so a
    Japanese worklist's ISO 2022 IR 87 is kept), then UTF-8. Pure ASCII text is written in the
    preferred set too, so one station writes one set.
    """
    values = list(values)
    candidates = [terms(preferred)]
    for r in received:
        try:
            candidates.append(terms(r))
        except CharacterSetError:
            continue  # a peer's unusable value: its text is decoded already, UTF-8 still works
    candidates.append([UTF8])
    for charset in candidates:
        if all(
            (can_encode_person_name if vr == "PN" else can_encode)(text, charset)
            for vr, text in values
        ):
            return charset
    raise CharacterSetError("text cannot be written even in UTF-8")  # unreachable for valid str


def apply_character_set(
    ds: Dataset,
    preferred: str | Sequence[str] | None,
    received: Iterable[str | Sequence[str] | None] = (),
) -> list[str]:
    """Choose the set for every text value of ``ds`` and record it in (0008,0005).

    The default repertoire is written as no (0008,0005) at all, since Type 1C asks for it only
    when another set is used (PS3.3 C.12.1.1.2).
    """
    charset = choose_character_set(text_values(ds), preferred, received)
    if charset == [""]:
        if "SpecificCharacterSet" in ds:
            del ds.SpecificCharacterSet
    else:
        ds.SpecificCharacterSet = charset if len(charset) > 1 else charset[0]
    return charset


PERSON_NAME_MAX = 64  # PN: 64 characters a component group


def person_name_problem(name: str, character_set: str) -> str:
    """Why ``name`` cannot be a person's name we write (``Family^Given``: the Operators' Name,
    an account's display name), or "" when it can."""
    if any(c in name for c in "\\="):
        return "a name holds no '\\' or '='"
    if any(ord(c) < 32 for c in name):
        return "a name holds no control characters"
    if len(name) > PERSON_NAME_MAX:
        return f"at most {PERSON_NAME_MAX} characters"
    if not can_encode_person_name(name, character_set):
        return f"not writable in the station's character set {character_set}"
    return ""

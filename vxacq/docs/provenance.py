"""Where each attribute of a data set comes from, found by building it again with changed inputs.

A builder is called with the set of input groups to change ("worklist", "generator", ...): the
empty set gives the base data set. An attribute whose value differs when one group is changed
comes from that group; one that differs between two builds of the same inputs is made anew each
time (a new UID, the clock); one that never differs is a fixed value. Nothing is declared by
hand, so the statement cannot claim a source the code does not use.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from pydicom.datadict import keyword_for_tag
from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset
from pydicom.filewriter import correct_ambiguous_vr
from pydicom.tag import BaseTag

GENERATED = "generated"
FIXED = "fixed"
# Dates and times no input changes are the clock's, as is the offset from UTC.
CLOCK_VRS = {"DA", "TM", "DT"}
CLOCK_KEYWORDS = {"TimezoneOffsetFromUTC"}

Build = Callable[[frozenset[str]], Dataset]
Key = tuple  # attribute tags from the top level down, or content item keys


@dataclass
class Entry:
    """What :func:`flatten` finds at one key: its VR (or value type), every value seen (as
    comparable text) and how the first one is shown in the statement."""

    VR: str
    values: list[str]
    shown: str


Flatten = Callable[[Dataset], dict[Key, Entry]]


@dataclass(frozen=True)
class Attribute:
    """One row of an attribute table."""

    path: Key
    VR: str
    sources: tuple[str, ...]  # input groups, or (GENERATED,) or (FIXED,)
    value: str  # a fixed value as written, "(empty)", or "" (not fixed, or not shown)

    @property
    def tag(self) -> BaseTag:
        return self.path[-1]

    @property
    def depth(self) -> int:
        return len(self.path) - 1


def _value_key(elem: DataElement) -> str:
    if elem.VR == "SQ":
        return f"{len(elem.value)} item(s)"
    value = elem.value
    if isinstance(value, (bytes, bytearray)):
        return hashlib.sha256(value).hexdigest()
    return repr(value)


def dataset_flattener(stop_at: Iterable[str] = ()) -> Flatten:
    """A :data:`Flatten` giving every attribute path of a data set (sequence items merged);
    sequences named in ``stop_at`` (keywords) are listed but not entered."""
    stop = set(stop_at)

    def flatten(ds: Dataset) -> dict[Key, Entry]:
        found: dict[Key, Entry] = {}

        def walk(node: Dataset, parent: Key) -> None:
            for elem in node:
                if elem.tag.element == 0x0000:  # group lengths are the encoder's business
                    continue
                path = parent + (elem.tag,)
                entry = found.setdefault(path, Entry(elem.VR, [], _display(elem)))
                entry.values.append(_value_key(elem))
                if elem.VR == "SQ" and elem.keyword not in stop:
                    for item in elem.value:
                        walk(item, path)

        ds = copy.deepcopy(ds)
        correct_ambiguous_vr(ds, is_little_endian=True)  # the VR as written (US, not "US or SS")
        walk(ds, ())
        return found

    return flatten


def provenance(build: Build, groups: Sequence[str], flatten: Flatten | None = None,
               extras: Sequence[tuple[str, Dataset]] = ()) -> list[Attribute]:
    """The rows of what ``build`` makes, each with its sources.

    ``extras`` are (label, data set) pairs built another way (e.g. a DISCONTINUED N-SET): their
    attributes absent from the base are added with the label as their source.
    """
    flatten = flatten or dataset_flattener()
    base = flatten(build(frozenset()))
    again = flatten(build(frozenset()))
    changed = {g: flatten(build(frozenset({g}))) for g in groups}
    rows: dict[Key, tuple[str, list[str]]] = {}
    for key, entry in base.items():
        if key not in again or again[key].values != entry.values:
            rows[key] = (entry.VR, [GENERATED])
            continue
        rows[key] = (entry.VR, [g for g in groups
                                if key not in changed[g] or changed[g][key].values != entry.values])
    shown = {key: entry.shown for key, entry in base.items()}
    for group in groups:  # attributes only a changed input writes
        for key, entry in changed[group].items():
            if key not in base:
                rows.setdefault(key, (entry.VR, []))[1].append(group)
                shown.setdefault(key, "")
    for label, ds in extras:
        for key, entry in flatten(ds).items():
            if key not in rows:
                rows[key] = (entry.VR, [label])
                shown[key] = ""
    # A sequence or container is as variable as what it holds.
    for key, (_vr, sources) in rows.items():
        inner = [s for k, (_v, ss) in rows.items() if k[:len(key)] == key and k != key
                 for s in ss if s != FIXED]
        for source in inner:
            if source not in sources:
                sources.append(source)
    order = [key for key in rows if key in base]
    if all(isinstance(t, int) for key in rows for t in key):
        order = sorted(rows, key=lambda key: tuple(int(t) for t in key))  # tag order
    else:  # document order; what only a variant writes goes after its parent's last child
        for key in rows:
            if key not in base:
                parent = key[:-1]
                at = max((i for i, k in enumerate(order) if k[:len(parent)] == parent),
                         default=len(order) - 1)
                order.insert(at + 1, key)
    result = []
    for key in order:
        vr, sources = rows[key]
        value = ""
        clock = vr in CLOCK_VRS or (isinstance(key[-1], int)
                                    and keyword_for_tag(key[-1]) in CLOCK_KEYWORDS)
        if not sources and clock and shown.get(key) != "(empty)":
            sources = [GENERATED]
        if not sources:
            sources = [FIXED]
            value = shown.get(key, "")
        result.append(Attribute(key, vr, tuple(sources), value))
    return result


# Values shown in the statement: codes, numbers and UIDs; never dates, names or pixels.
_SHOWN_VRS = {"CS", "SH", "LO", "IS", "DS", "US", "SS", "UI", "AE", "ST"}


def _display(elem: DataElement) -> str:
    if elem.VM == 0 or (elem.VR == "SQ" and not elem.value):
        return "(empty)"
    if elem.VR not in _SHOWN_VRS:
        return ""
    values = elem.value if elem.VM > 1 else [elem.value]
    text = "\\".join(str(v) for v in values)
    return text if len(text) <= 48 else ""

"""Searching names as people type them: case-, accent- and script-insensitive.

A radiographer types ``garcia`` for GARCÍA^MARÍA, ``иван`` for ИВАНОВ^ИВАН and ``τραυμα`` for
ΤΡΑΎΜΑ. :func:`normalise` folds both sides the same way: the DICOM Person Name separators
(``^`` between components, ``=`` between the alphabetic, ideographic and phonetic groups)
become spaces; compatibility forms are unified (NFKD: full-width Latin, half-width katakana);
combining accents are dropped (é → e, Ύ → Υ, ё → е), except the kana voicing marks, which
make different syllables (ガ is not カ); the result is recomposed (NFC, so Hangul syllables
stay whole) and case-folded (ß → ss, final ς → σ). :func:`matches` is true when every word
typed is found in one of the values, in any order.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

# Combining marks that change the letter rather than accent it: kana (han)dakuten.
_KEPT_MARKS = frozenset("\u3099\u309a")
_SEPARATORS = str.maketrans({"^": " ", "=": " "})


def normalise(text: str) -> str:
    """``text`` folded for comparison (see the module docstring)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SEPARATORS))
    kept = "".join(ch for ch in decomposed
                   if ch in _KEPT_MARKS or not unicodedata.combining(ch))
    return " ".join(unicodedata.normalize("NFC", kept).casefold().split())


def matches(query: str, *values: str) -> bool:
    """Whether every word of ``query`` is part of one of ``values`` (an empty query matches)."""
    words = normalise(query).split()
    if not words:
        return True
    haystack = "\n".join(normalise(v) for v in values if v)
    return all(word in haystack for word in words)


def search(items: Iterable[T], query: str, fields: Callable[[T], Iterable[str]]) -> list[T]:
    """The items whose ``fields(item)`` match ``query``, in their order."""
    if not normalise(query):
        return list(items)
    return [item for item in items if matches(query, *fields(item))]


def order_fields(order) -> tuple[str, ...]:
    """What the worklist filter searches in an order (OrderView)."""
    return (order.PatientName, order.PatientID, order.AccessionNumber,
            order.RequestedProcedureDescription, order.ScheduledProcedureStepDescription)


def filter_orders(orders: list[T], query: str) -> list[T]:
    """The worklist's orders that match what was typed in its filter."""
    return search(orders, query, order_fields)

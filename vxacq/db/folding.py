"""Text folded for searching: case-, accent- and script-insensitive.

A radiographer types ``garcia`` for GARCÍA^MARÍA, ``иван`` for ИВАНОВ^ИВАН and ``τραυμα`` for
ΤΡΑΎΜΑ. :func:`normalise` folds both sides the same way: the DICOM Person Name separators
(``^`` between components, ``=`` between the alphabetic, ideographic and phonetic groups)
become spaces; compatibility forms are unified (NFKD: full-width Latin, half-width katakana);
combining accents are dropped (é → e, Ύ → Υ, ё → е), except the kana voicing marks, which
make different syllables (ガ is not カ); the result is recomposed (NFC, so Hangul syllables
stay whole) and case-folded (ß → ss, final ς → σ).

It lives with the database because the database keeps each study's folded text
(``study.search_text``, kept by triggers that call :func:`fold` as the SQL function
``vxacq_fold``), so the history search is an indexed scan in SQLite instead of folding every
study in Python at each keystroke.
"""

from __future__ import annotations

import sqlite3
import unicodedata

# Combining marks that change the letter rather than accent it: kana (han)dakuten.
_KEPT_MARKS = frozenset("\u3099\u309a")
_SEPARATORS = str.maketrans({"^": " ", "=": " "})
SQL_FUNCTION = "vxacq_fold"


def normalise(text: str) -> str:
    """``text`` folded for comparison (see the module docstring)."""
    if text.isascii():  # the same result, without the Unicode passes
        return " ".join(text.translate(_SEPARATORS).lower().split())
    decomposed = unicodedata.normalize("NFKD", text.translate(_SEPARATORS))
    kept = "".join(ch for ch in decomposed
                   if ch in _KEPT_MARKS or not unicodedata.combining(ch))
    return " ".join(unicodedata.normalize("NFC", kept).casefold().split())


def fold(*values: str | None) -> str:
    """The values folded, one per line (a word typed is found within one value)."""
    return "\n".join(normalise(v) for v in values if v)


def register(conn: sqlite3.Connection) -> None:
    """Make :func:`fold` callable from SQL on ``conn`` (the search triggers need it)."""
    conn.create_function(SQL_FUNCTION, -1, fold, deterministic=True)

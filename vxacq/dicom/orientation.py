"""Patient Orientation (0020,0020) after the operator rotated or flipped the image.

Patient Orientation is two values: the patient direction along a row (towards increasing column)
and along a column (towards increasing row), PS3.3 C.7.6.1.1.1. The protocol gives it for the
detector's native frame; the image chain then rotates the pixels clockwise by 0/90/180/270 degrees
and afterwards optionally mirrors them left-right. This module moves the labels the same way.
"""

from __future__ import annotations

_HUMAN = {"L": "R", "R": "L", "A": "P", "P": "A", "H": "F", "F": "H"}
# Quadruped terms (PS3.3 C.7.6.1.1.1): rostral has no single opposite; its opposite is caudal.
_QUADRUPED = {
    "LE": "RT", "RT": "LE", "D": "V", "V": "D", "CR": "CD", "CD": "CR", "R": "CD",
    "M": "L", "L": "M", "PR": "DI", "DI": "PR", "PA": "PL", "PL": "PA",
}


def _tokens(direction: str, quadruped: bool) -> list[str]:
    table = _QUADRUPED if quadruped else _HUMAN
    out: list[str] = []
    i = 0
    while i < len(direction):
        two, one = direction[i : i + 2], direction[i]
        if quadruped and two in table:
            out.append(two)
            i += 2
        elif one in table:
            out.append(one)
            i += 1
        else:
            kind = "quadruped" if quadruped else "human"
            raise ValueError(f"'{direction}' is not a {kind} patient direction (PS3.3 C.7.6.1.1.1)")
    return out


# A protocol's orientation is written for human anatomy; on an animal lying the same way on
# the detector the same directions are: left, right, ventral, dorsal, cranial, caudal.
_HUMAN_TO_QUADRUPED = {"L": "LE", "R": "RT", "A": "V", "P": "D", "H": "CR", "F": "CD"}


def quadruped_direction(human: str) -> str:
    """``"LF"`` (human letters) → ``"LECD"`` (quadruped terms, PS3.3 C.7.6.1.1.1)."""
    return "".join(_HUMAN_TO_QUADRUPED[t] for t in _tokens(human, False))


def opposite(direction: str, quadruped: bool = False) -> str:
    """The opposite patient direction: ``"LF"`` → ``"RH"``."""
    table = _QUADRUPED if quadruped else _HUMAN
    return "".join(table[t] for t in _tokens(direction, quadruped))


def patient_orientation(
    native: tuple[str, str], rotation: int = 0, flip_horizontal: bool = False, quadruped: bool = False
) -> tuple[str, str]:
    """Patient Orientation of the displayed image.

    ``native`` is (row direction, column direction) in the detector frame; ``rotation`` is the
    clockwise rotation applied first, ``flip_horizontal`` the left-right mirror applied after it.
    """
    if rotation % 90:
        raise ValueError(f"rotation {rotation} is not a multiple of 90 degrees")
    row, col = native
    for part in native:
        _tokens(part, quadruped)  # validates
    for _ in range((rotation // 90) % 4):
        # Clockwise: what pointed down now points left, what pointed right now points down.
        row, col = opposite(col, quadruped), row
    if flip_horizontal:
        row = opposite(row, quadruped)
    return row, col

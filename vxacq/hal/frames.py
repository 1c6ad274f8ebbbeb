"""Which exposure a frame belongs to: the panel's frame number and tag against what was armed.

A panel keeps frames it could not deliver, so the frame it offers is not necessarily the one of
the exposure just made (the issue this guards against: a frame stranded by a failed transfer,
shown within seconds as the image of the next exposure). Before the beam the console notes
what it expects — the exposure's UID, given to the panel as its tag when arming, the panel's
frame counter and the time it armed — and a frame is taken as this exposure's only when
nothing it carries contradicts that.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

# Panel and console clocks may differ a little; a frame integrated this long before the
# arming is still believed to be the new one if its counter and tag agree.
CLOCK_TOLERANCE_S = 2.0


class FrameIdentity(Protocol):
    frame_id: str
    frame_number: int | None
    tag: str
    integration_start: str


@dataclass(frozen=True)
class FrameInfo:
    """A frame the panel holds, as its status lists it (no pixels)."""

    frame_id: str
    frame_number: int | None  # the panel's counter; None when the panel has none
    tag: str  # what the console armed the panel with ("" when the panel keeps no tag)
    integration_start: str  # ISO 8601 UTC, the panel's clock

    def describe(self) -> str:
        number = f"frame {self.frame_number}" if self.frame_number is not None else \
            f"frame {self.frame_id}"
        return f"{number} (integrated {self.integration_start or 'at an unknown time'})"


@dataclass(frozen=True)
class PanelMemory:
    """The panel's frame counter and the frames it holds that the console has not stored."""

    frame_count: int | None
    held: tuple[FrameInfo, ...] = ()


@dataclass(frozen=True)
class FrameExpectation:
    """What the frame of one exposure must carry: noted when the panel is armed for it."""

    uid: str  # the exposure's UID, given to the panel as the tag of its next frame
    frame_count: int | None  # the panel's frame counter before the exposure
    armed_at: str  # ISO 8601 UTC, the console's clock

    def mismatch(self, frame: FrameIdentity) -> str:
        """Why ``frame`` is not this exposure's ("" when nothing says it is not)."""
        if frame.tag and frame.tag != self.uid:
            return f"it was taken for exposure {frame.tag}, not {self.uid}"
        if frame.frame_number is not None and self.frame_count is not None \
                and frame.frame_number <= self.frame_count:
            return (f"it is frame {frame.frame_number}, read out before this exposure "
                    f"(the panel had counted {self.frame_count} frames when it was armed)")
        started, armed = _time(frame.integration_start), _time(self.armed_at)
        if started and armed and (armed - started).total_seconds() > CLOCK_TOLERANCE_S:
            return (f"it was integrated at {frame.integration_start}, before the panel was "
                    f"armed for this exposure at {self.armed_at}")
        return ""

    def matches(self, frame: FrameIdentity) -> bool:
        """The frame is this exposure's: its tag says so, or (a panel without tags) it is the
        first frame counted after the arming."""
        if self.mismatch(frame):
            return False
        if frame.tag:
            return True
        return frame.frame_number is not None and self.frame_count is not None \
            and frame.frame_number == self.frame_count + 1

    def as_dict(self) -> dict:
        return {"uid": self.uid, "frame_count": self.frame_count, "armed_at": self.armed_at}


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


def _time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)

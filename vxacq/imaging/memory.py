"""Keep the frame-sized buffers of the chain in the process instead of returning them each time.

glibc serves blocks above its mmap threshold with fresh mappings and unmaps them on free, so
every frame-sized temporary (tens of MB) is page-faulted in again, zero-filled, on the next
frame; on the console's 2 cores that costs about a third of the chain's time. Raising the
mmap and trim thresholds makes freed frame buffers reusable. Resident memory then stays at the
chain's peak between exposures, which is what a console that processes frame after frame
needs anyway. Elsewhere than glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_done = False


def keep_frame_memory(threshold: int = 1 << 30) -> bool:
    """Ask glibc to keep blocks below ``threshold`` bytes in the heap; True if it agreed."""
    global _done
    if _done:
        return True
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    _done = bool(mallopt(_M_MMAP_THRESHOLD, threshold)) and bool(mallopt(_M_TRIM_THRESHOLD, threshold))
    if not _done:
        log.debug("mallopt refused the frame-memory thresholds; the chain runs slower")
    return _done

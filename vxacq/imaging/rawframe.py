"""Stored raw frames: the detector's pixels as read out, kept so an image can be re-processed.

One ``.npz`` per frame (uncompressed: a 16-bit frame does not compress much and must be written
fast), written atomically, with the acquisition facts re-processing needs as JSON metadata
(detector, mode, pixel spacing, protocol, EI target, orientation …).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np

from vxacq.db.files import write_atomic


class RawFrameError(Exception):
    """A stored raw frame is missing or unreadable; the message names the file."""


def save_raw(path: Path | str, pixels: np.ndarray, metadata: dict[str, Any]) -> Path:
    """Write ``pixels`` (uint16) and ``metadata`` (JSON-able) to ``path`` atomically."""
    if pixels.dtype != np.uint16 or pixels.ndim != 2:
        raise ValueError(f"a raw frame is a 2-D uint16 array, got {pixels.dtype} {pixels.shape}")
    text = json.dumps(metadata, default=str)

    def write(fh) -> None:
        buffer = io.BytesIO()
        np.savez(buffer, pixels=pixels, metadata=np.frombuffer(text.encode("utf-8"), np.uint8))
        fh.write(buffer.getbuffer())

    return write_atomic(path, write)


def load_raw(path: Path | str) -> tuple[np.ndarray, dict[str, Any]]:
    """The pixels and metadata of a stored raw frame."""
    try:
        with np.load(path) as data:
            pixels = data["pixels"]
            metadata = json.loads(data["metadata"].tobytes().decode("utf-8"))
    except (OSError, KeyError, ValueError) as exc:
        raise RawFrameError(f"{path}: the raw frame cannot be read ({exc})") from None
    return pixels, metadata

"""Raw frames on disk: ``<dir>/<uid>.npy`` (the uint16 pixels) and ``<dir>/<uid>.json`` (sidecar).

Both are written atomically, pixels first; the sidecar is the commit mark — a frame whose
sidecar exists is whole. A crash between the two leaves a complete ``.npy`` with no sidecar,
which :func:`orphans` lists so nothing the patient was exposed for is silently lost.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from vxacq.db.files import write_atomic
from vxacq.security.permissions import make_private_dirs


def raw_dir(data_dir: Path | str) -> Path:
    return Path(data_dir) / "raw"


def save(folder: Path | str, uid: str, pixels: np.ndarray, sidecar: dict[str, Any]) -> list[Path]:
    """Write the frame and its sidecar atomically; return both paths (pixels first)."""
    folder = Path(folder)
    npy = write_atomic(folder / f"{uid}.npy", lambda fh: np.save(fh, pixels, allow_pickle=False))
    doc = dict(sidecar, uid=uid, pixels_file=npy.name, rows=int(pixels.shape[0]),
               columns=int(pixels.shape[1]), dtype=str(pixels.dtype))
    meta = write_atomic(folder / f"{uid}.json",
                        json.dumps(doc, indent=2, default=str).encode("utf-8"))
    return [npy, meta]


def load(folder: Path | str, uid: str) -> tuple[np.ndarray, dict[str, Any]]:
    meta = read_sidecar(folder, uid)
    return np.load(Path(folder) / meta["pixels_file"], allow_pickle=False), meta


def read_sidecar(folder: Path | str, uid: str) -> dict[str, Any]:
    """A stored frame's sidecar alone (OSError, or ValueError when it is not JSON)."""
    return json.loads((Path(folder) / f"{uid}.json").read_text(encoding="utf-8"))


def update_sidecar(folder: Path | str, uid: str, **values: Any) -> None:
    """Add or replace top-level values of a stored frame's sidecar (atomically)."""
    doc = read_sidecar(folder, uid)
    doc.update(values)
    write_atomic(Path(folder) / f"{uid}.json",
                 json.dumps(doc, indent=2, default=str).encode("utf-8"))


def orphans(folder: Path | str) -> list[Path]:
    """Pixel files without a sidecar (a crash between the two writes)."""
    folder = Path(folder)
    return sorted(p for p in folder.glob("*.npy") if not p.with_suffix(".json").exists())


ORPHANS = "orphans"


def tidy(folder: Path | str) -> list[str]:
    """What a crash while a frame was written left in ``folder``, put in order; one sentence
    each. Temp files of an atomic write never finished are removed (the panel still holds the
    frame: it is told a frame is stored only after both files are). A pixel file without its
    sidecar is moved to ``orphans/``, never deleted, so its exposure is recovered whole from
    the panel under its own name."""
    folder = Path(folder)
    done: list[str] = []
    if not folder.is_dir():
        return done
    for temp in sorted(folder.glob(".*.tmp")):
        temp.unlink(missing_ok=True)
        done.append(f"{temp.name}: an unfinished write of a raw frame (the process stopped "
                    "during it); removed — the frame is recovered from the panel")
    for npy in orphans(folder):
        aside = folder / ORPHANS / npy.name
        make_private_dirs(aside.parent)
        npy.replace(aside)
        done.append(f"{npy.name}: raw pixels without their sidecar (the process stopped "
                    f"between the two writes); moved to {aside.parent} — recover the exposure "
                    "from the panel (Recover, or vxacq acquire --recover)")
    return done

"""Detector calibration: offset, gain and defect maps from dark and flat-field frames.

A calibration is made from a few dark frames (no exposure) and a few flat-field frames taken
with a uniform RQA5 beam of known air kerma at the detector centre. From them:

* ``offset`` — the mean dark frame (ADU);
* ``gain`` — per pixel, µGy per ADU above offset, so that ``(raw - offset) * gain`` is the air
  kerma (µGy) at that pixel as the RQA5 calibration sees it. It folds the panel's conversion
  factor and its pixel-to-pixel response (and the beam shape of the calibration room) into one
  multiplication, and it is what ties the Exposure Index to IEC 62494-1 (EI = 100 × K);
* ``defects`` — pixels that cannot be trusted, found statistically: each pixel is compared with
  its neighbourhood in the mean dark frame, in the flat-field response and (with three or more
  darks) in its temporal noise, and flagged beyond a robust z-score; whole rows or columns whose
  median response departs from their neighbours are flagged as lines.

Calibrations are kept as files in ``<data_dir>/calibrations/``: one ``.npz`` per calibration and
an ``index.json`` listing them (detector, mode, date/time, file). Files rather than database
rows because the maps are tens of megabytes of arrays that SQLite would only carry as blobs, a
QA engineer can copy or archive a calibration as a file, and the index is small enough to be
rewritten atomically; the newest calibration per detector and mode is the one in use.
"""

from __future__ import annotations

import io
import json
import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from vxacq.db.files import write_atomic
from vxacq.imaging.filters import running_median

log = logging.getLogger(__name__)

# A pixel is a defect when it departs from its neighbourhood by more than this many robust
# standard deviations (1.4826 × MAD): with ~10⁷ pixels, a sound Gaussian pixel passes 8σ
# essentially always, while dead, hot and stuck pixels sit far beyond it.
DEFECT_Z = 8.0
LINE_Z = 8.0
# A pixel answering with less than this fraction of its neighbours' response is dead whatever
# the statistics say (guards against a tiny MAD on very uniform panels).
MIN_RELATIVE_RESPONSE = 0.5
BLOCK = 16  # neighbourhood (pixels) of the local background the statistics compare against


class CalibrationError(Exception):
    """No usable calibration, or calibration frames that cannot make one; the message says why."""


@dataclass
class Calibration:
    """Offset, gain and defect maps of one detector in one mode, and when they were made."""

    detector_id: str
    mode: str
    created: datetime  # UTC
    offset: np.ndarray  # float32 ADU
    gain: np.ndarray  # float32 µGy per ADU; 0 at defects
    defects: np.ndarray  # bool
    flat_kerma_uGy: float
    beam_quality: str = "RQA5"
    dark_frames: int = 0
    flat_frames: int = 0
    _fill: object | None = field(default=None, repr=False, compare=False)

    @property
    def shape(self) -> tuple[int, int]:
        return self.offset.shape  # type: ignore[return-value]

    @property
    def defect_count(self) -> int:
        return int(self.defects.sum())

    @property
    def DateOfLastDetectorCalibration(self) -> str:
        return self.created.strftime("%Y%m%d")

    @property
    def TimeOfLastDetectorCalibration(self) -> str:
        return self.created.strftime("%H%M%S")

    def age_days(self, now: datetime | None = None) -> float:
        return ((now or datetime.now(UTC)) - self.created) / timedelta(days=1)

    def summary(self) -> dict:
        return {
            "detector_id": self.detector_id, "mode": self.mode,
            "created": self.created.isoformat(),
            "flat_kerma_uGy": self.flat_kerma_uGy, "beam_quality": self.beam_quality,
            "dark_frames": self.dark_frames, "flat_frames": self.flat_frames,
            "defect_count": self.defect_count, "rows": self.shape[0], "columns": self.shape[1],
        }


def detector_key(serial_number: str, rows: int, columns: int) -> str:
    """Detector ID for calibrations: serial number and readout matrix, e.g. ``SIM-1_3072x3072``.

    The matrix is part of it because a panel read out binned is a different set of pixels
    and needs its own maps.
    """
    return f"{serial_number}_{columns}x{rows}"


def build_calibration(darks: Sequence[np.ndarray], flats: Sequence[np.ndarray],
                      flat_kerma_uGy: float, detector_id: str, mode: str = "default",
                      created: datetime | None = None, beam_quality: str = "RQA5") -> Calibration:
    """Make a calibration from dark frames and flat-field frames at ``flat_kerma_uGy`` (centre).

    Raises CalibrationError when the frames are missing, of different sizes, saturated or show
    no exposure, so that QA sees what to repeat.
    """
    if not darks or not flats:
        raise CalibrationError("a calibration needs at least one dark and one flat-field frame")
    shapes = {np.shape(f) for f in (*darks, *flats)}
    if len(shapes) != 1 or len(next(iter(shapes))) != 2:
        raise CalibrationError(f"calibration frames differ in size or are not 2-D: {sorted(shapes)}")
    if not flat_kerma_uGy > 0:
        raise CalibrationError(f"flat-field kerma must be positive, got {flat_kerma_uGy} µGy")
    dark = _mean(darks)
    flat = _mean(flats)
    response = flat - dark
    rows, cols = dark.shape
    centre = response[rows * 3 // 8: rows * 5 // 8 + 1, cols * 3 // 8: cols * 5 // 8 + 1]
    centre_signal = float(np.median(centre))
    if centre_signal <= 20 * _robust_sigma(dark - _background(dark)) + 1:
        raise CalibrationError(
            "the flat-field frames show no exposure above the dark level: check that the "
            "X-ray beam reached the detector and repeat the flat-field frames")
    # A saturated flat shows many centre pixels sharing the very top value.
    top = max(float(np.max(f)) for f in flats)
    if np.mean(centre + dark[rows * 3 // 8: rows * 5 // 8 + 1, cols * 3 // 8: cols * 5 // 8 + 1]
               >= top - 0.5) > 0.01:
        raise CalibrationError("the flat-field frames are saturated: lower the kerma and repeat")

    defects = find_defects(dark, response, [np.asarray(d, np.float32) for d in darks])
    # The stated kerma holds at the centre; dividing by the whole flat also takes out the beam
    # shape of the calibration room (inverse square, heel effect), as flat-fielding does.
    with np.errstate(divide="ignore", invalid="ignore"):
        gain = (np.float32(flat_kerma_uGy) / response).astype(np.float32)
    defects |= ~np.isfinite(gain) | (response <= 0)
    gain[defects] = 0.0
    created = created or datetime.now(UTC)
    return Calibration(detector_id=detector_id, mode=mode, created=created.astimezone(UTC),
                       offset=dark, gain=gain, defects=defects,
                       flat_kerma_uGy=float(flat_kerma_uGy), beam_quality=beam_quality,
                       dark_frames=len(darks), flat_frames=len(flats))


def find_defects(dark: np.ndarray, response: np.ndarray,
                 darks: Sequence[np.ndarray] = ()) -> np.ndarray:
    """Pixels that depart statistically from their neighbourhood (bool map)."""
    dark_residual = dark - _background(dark)
    defects = np.abs(dark_residual) > DEFECT_Z * _robust_sigma(dark_residual)

    background = _background(np.where(defects, np.nan, response))
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = response / background
    relative_residual = relative - 1.0
    sigma = _robust_sigma(relative_residual)
    defects |= ~np.isfinite(relative)
    defects |= np.abs(np.nan_to_num(relative_residual, nan=0.0)) > DEFECT_Z * sigma
    defects |= np.nan_to_num(relative, nan=0.0) < MIN_RELATIVE_RESPONSE

    if len(darks) >= 3:  # noisy (flickering) pixels show in the temporal spread of the darks
        spread = np.std(np.stack(darks), axis=0)
        typical = float(np.median(spread))
        defects |= spread > typical + DEFECT_Z * _robust_sigma(spread - typical)

    clean = np.where(defects, np.nan, relative_residual)
    for axis in (0, 1):  # lines: a row or column whose median response departs from the rest
        with warnings.catch_warnings():  # a line that is all defects has no median: fine
            warnings.simplefilter("ignore", RuntimeWarning)
            line = np.nanmedian(clean, axis=axis)
        line = np.nan_to_num(line, nan=1.0)
        line_residual = line - running_median(line, 9)
        bad = np.abs(line_residual) > LINE_Z * max(_robust_sigma(line_residual), 1e-4)
        if axis == 0:
            defects[:, bad] = True
        else:
            defects[bad, :] = True
    return defects


def _mean(frames: Sequence[np.ndarray]) -> np.ndarray:
    total = np.zeros(np.shape(frames[0]), np.float64)
    for frame in frames:
        total += frame
    return (total / len(frames)).astype(np.float32)


def _background(image: np.ndarray) -> np.ndarray:
    """Local median over BLOCK×BLOCK tiles (NaNs ignored), repeated back to full size."""
    rows, cols = image.shape
    pr, pc = -rows % BLOCK, -cols % BLOCK
    padded = np.pad(image.astype(np.float32), ((0, pr), (0, pc)), mode="edge")
    tiles = padded.reshape(padded.shape[0] // BLOCK, BLOCK, padded.shape[1] // BLOCK, BLOCK)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        med = np.nanmedian(tiles.transpose(0, 2, 1, 3).reshape(tiles.shape[0], tiles.shape[2], -1),
                           axis=2)
    med = np.where(np.isfinite(med), med, np.nanmedian(med) if np.isfinite(med).any() else 0.0)
    return np.repeat(np.repeat(med, BLOCK, axis=0), BLOCK, axis=1)[:rows, :cols].astype(np.float32)


def _robust_sigma(values: np.ndarray) -> float:
    sample = values[::3, ::3] if values.ndim == 2 else values
    sample = sample[np.isfinite(sample)]
    if sample.size == 0:
        return 0.0
    return float(1.4826 * np.median(np.abs(sample - np.median(sample))))


# --- storage ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalibrationStatus:
    """Whether a detector mode has a usable calibration, in words for the user."""

    state: str  # "ok", "expired" or "missing"
    message: str
    created: datetime | None = None
    age_days: float | None = None

    @property
    def usable(self) -> bool:
        return self.state != "missing"


class CalibrationStore:
    """Calibrations on disk under ``root`` (``<data_dir>/calibrations``), newest in use."""

    INDEX = "index.json"

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    @classmethod
    def for_data_dir(cls, data_dir: Path | str) -> CalibrationStore:
        return cls(Path(data_dir) / "calibrations")

    def entries(self) -> list[dict]:
        path = self.root / self.INDEX
        if not path.exists():
            return []
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CalibrationError(
                f"{path}: the calibration index cannot be read ({exc}); restore it from a "
                "backup or run 'vxacq calibrate' again") from None
        return list(data.get("calibrations", []))

    def save(self, calibration: Calibration) -> Path:
        """Write the maps, then the index that points at them (both atomically)."""
        stamp = calibration.created.strftime("%Y%m%dT%H%M%S%fZ")
        relative = Path(_safe(calibration.detector_id)) / _safe(calibration.mode) / f"{stamp}.npz"
        target = self.root / relative

        def write(fh) -> None:
            buffer = io.BytesIO()
            np.savez_compressed(buffer, offset=calibration.offset, gain=calibration.gain,
                                defects=np.packbits(calibration.defects),
                                shape=np.array(calibration.shape))
            fh.write(buffer.getvalue())

        write_atomic(target, write)
        entries = [e for e in self.entries() if e.get("file") != relative.as_posix()]
        entries.append({**calibration.summary(), "file": relative.as_posix()})
        entries.sort(key=lambda e: (e["detector_id"], e["mode"], e["created"]))
        write_atomic(self.root / self.INDEX,
                     json.dumps({"calibrations": entries}, indent=2).encode("utf-8"))
        log.info("calibration saved: %s %s %s (%d defects)", calibration.detector_id,
                 calibration.mode, calibration.created.isoformat(timespec="seconds"),
                 calibration.defect_count)
        return target

    def latest_entry(self, detector_id: str, mode: str = "default") -> dict | None:
        mine = [e for e in self.entries()
                if e.get("detector_id") == detector_id and e.get("mode") == mode]
        return max(mine, key=lambda e: e["created"]) if mine else None

    def status(self, detector_id: str, mode: str, max_age_days: float,
               now: datetime | None = None) -> CalibrationStatus:
        entry = self.latest_entry(detector_id, mode)
        if entry is None:
            return CalibrationStatus(
                "missing", f"detector {detector_id} has no calibration for mode '{mode}': "
                "run 'vxacq calibrate' (dark and flat-field frames) before exposing patients")
        created = datetime.fromisoformat(entry["created"])
        age = ((now or datetime.now(UTC)) - created) / timedelta(days=1)
        when = created.strftime("%Y-%m-%d %H:%M UTC")
        if age > max_age_days:
            return CalibrationStatus(
                "expired", f"the calibration of detector {detector_id} (mode '{mode}') dates "
                f"from {when}, {age:.0f} days ago, beyond the {max_age_days:g}-day limit: run "
                "'vxacq calibrate' to renew it", created, age)
        return CalibrationStatus(
            "ok", f"detector {detector_id} (mode '{mode}') calibrated {when}, {age:.0f} days ago",
            created, age)

    def load(self, detector_id: str, mode: str = "default") -> Calibration:
        """The newest calibration of this detector and mode; CalibrationError if there is none."""
        entry = self.latest_entry(detector_id, mode)
        if entry is None:
            raise CalibrationError(self.status(detector_id, mode, float("inf")).message)
        path = self.root / entry["file"]
        try:
            with np.load(path) as data:
                shape = tuple(int(v) for v in data["shape"])
                defects = np.unpackbits(data["defects"])[: shape[0] * shape[1]]
                return Calibration(
                    detector_id=entry["detector_id"], mode=entry["mode"],
                    created=datetime.fromisoformat(entry["created"]),
                    offset=data["offset"], gain=data["gain"],
                    defects=defects.reshape(shape).astype(bool),
                    flat_kerma_uGy=float(entry["flat_kerma_uGy"]),
                    beam_quality=entry.get("beam_quality", "RQA5"),
                    dark_frames=int(entry.get("dark_frames", 0)),
                    flat_frames=int(entry.get("flat_frames", 0)))
        except (OSError, KeyError, ValueError) as exc:
            raise CalibrationError(
                f"{path}: the calibration file cannot be read ({exc}); run 'vxacq calibrate' "
                "again") from None


def _safe(name: str) -> str:
    """A file-system-safe folder name for a detector ID or mode."""
    cleaned = "".join(c if c.isalnum() or c in "-_." else "_" for c in name).strip(".")
    return cleaned or "_"

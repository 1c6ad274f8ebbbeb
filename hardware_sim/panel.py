"""The simulated flat panel: arming, integration, readout with real timing, a held frame, faults.

The panel keeps every frame it read out until the console confirms it has stored it (``ack``),
as wireless panels do, so a transfer that fails can be repeated. Each frame carries the panel's
frame number (a counter that only goes up) and the tag the console armed it with (the exposure's
UID), so the console can tell the frame of this exposure from one left over from an earlier one.

With a ``memory_dir`` the panel outlives the process that runs it, as a real panel outlives
the console's: each exposure's latent image (technique, scene, noise seed, identity) and the
frame counter are written there at the end of the beam, before the readout, and dropped when
the console acknowledges the frame. A panel started on the same folder after a crash reads
those exposures out again, so a frame the patient was exposed for is never lost with a killed
``vxacq acquire``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import random
import threading
import time
import uuid
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from hardware_sim import phantoms, physics
from hardware_sim.detector_models import DetectorModel

log = logging.getLogger(__name__)

BATTERY_MIN_PERCENT = 10.0
TEMPERATURE_MAX_C = 45.0


@dataclass
class Scene:
    """What stands between tube and panel: set by whoever positions the patient."""

    phantom: str | None = None
    mirror: bool = False
    sid_mm: float = 1800.0
    grid: bool = True
    field: physics.Field | None = None
    seed: int | None = None
    # A long-length stand: where the detector centre is along the long phantom (mm); the
    # stand's positioner reports it a little off, as a real one does (POSITIONER_ERROR_MM).
    stand_mm: float | None = None

    @property
    def rendered_phantom(self) -> str | None:
        """The phantom name physics draws: a long phantom's field at the stand, with the ruler."""
        if self.stand_mm is None or self.phantom is None:
            return self.phantom
        return phantoms.long_field(self.phantom, self.stand_mm, with_ruler=True)


# How far off the simulated stand's positioner may report the detector position (uniform).
POSITIONER_ERROR_MM = 4.0


@dataclass
class HeldFrame:
    frame_id: str
    pixels: np.ndarray
    metadata: dict[str, Any]

    def summary(self) -> dict[str, Any]:
        """What ``status`` says about a held frame (no pixels)."""
        return {"frame_id": self.frame_id, "frame_number": self.metadata["frame_number"],
                "tag": self.metadata["tag"],
                "integration_start": self.metadata["integration_start"]}


@dataclass
class PanelFaults:
    link_drops: int = 0
    readout_timeout: bool = False
    battery_percent: float | None = None
    temperature_C: float | None = None
    aed_false_trigger: bool = False


class PanelError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class SimulatedPanel:
    def __init__(self, model: DetectorModel, time_scale: float = 1.0, arm_s: float = 0.3,
                 memory_dir: Path | str | None = None) -> None:
        self.model = model
        self.time_scale = time_scale
        self.arm_s = arm_s
        self.scene = Scene()
        self.faults = PanelFaults()
        self.state = "idle"
        self.mode = "triggered"
        self.error: tuple[str, str] | None = None
        self.held: list[HeldFrame] = []  # read out, not yet acknowledged; oldest first
        self.frame_count = 0  # frames integrated since power-on
        self.tag = ""  # what the console armed the panel for
        self._lock = threading.RLock()
        self._beam_start: str | None = None
        self._generation = 0
        self.memory_dir = Path(memory_dir) / model.name if memory_dir else None
        if self.memory_dir is not None:
            self._power_on()

    # --- health ----------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        battery = self.faults.battery_percent if self.faults.battery_percent is not None else 82.0
        temperature = self.faults.temperature_C if self.faults.temperature_C is not None else 31.5
        return {"temperature_C": temperature,
                "battery_percent": battery if self.model.wireless else None,
                "battery_min_percent": BATTERY_MIN_PERCENT if self.model.wireless else None,
                "link_quality_percent": 96.0 if self.model.wireless else 100.0}

    def status(self) -> dict[str, Any]:
        return {"state": self.state, "mode": self.mode,
                "error": list(self.error) if self.error else None,
                "frame_ready": bool(self.held) and self.state != "readout",
                "frame_count": self.frame_count,
                "frames": [h.summary() for h in self.held]}

    # --- sequence --------------------------------------------------------------------------

    def arm(self, mode: str, tag: str = "") -> None:
        with self._lock:
            if self.state in ("integrating", "readout"):
                raise PanelError("busy", f"cannot arm while {self.state}")
            h = self.health()
            if h["battery_percent"] is not None and h["battery_percent"] < BATTERY_MIN_PERCENT:
                self._fail("low-battery", f"battery at {h['battery_percent']:g} % (below "
                           f"{BATTERY_MIN_PERCENT:g} %): charge or swap the battery")
            if h["temperature_C"] > TEMPERATURE_MAX_C:
                self._fail("over-temperature", f"panel at {h['temperature_C']:g} °C (limit "
                           f"{TEMPERATURE_MAX_C:g} °C): let it cool before exposing")
            self.mode, self.error, self.state, self.tag = mode, None, "arming", tag
            self._generation += 1
            generation = self._generation
        threading.Thread(target=self._armed, args=(generation,), daemon=True).start()

    def _fail(self, code: str, message: str) -> None:
        self.state, self.error = "error", (code, message)
        raise PanelError(code, message)

    def _armed(self, generation: int) -> None:
        time.sleep(self.arm_s * self.time_scale)
        with self._lock:
            if self.state != "arming" or generation != self._generation:
                return
            self.state = "ready"
            false_trigger = self.mode == "aed" and self.faults.aed_false_trigger
        if false_trigger:
            time.sleep(0.1 * self.time_scale)
            with self._lock:
                if self.state == "ready" and generation == self._generation:
                    self.state = "error"
                    self.error = ("aed-false-trigger", "automatic exposure detection triggered "
                                  "without X-rays (vibration or shock?): the panel discarded the "
                                  "empty frame; re-arm and expose again")

    def disarm(self) -> None:
        with self._lock:
            if self.state in ("arming", "ready", "error"):
                self.state, self.error = "idle", None
                self._generation += 1

    def ready(self) -> bool:
        return self.state == "ready"

    def beam_on(self) -> None:
        with self._lock:
            if self.state == "ready":
                self.state = "integrating"
                self._beam_start = _now()

    def beam_off(self, kv: float, mas: float, tube: str | None = None) -> None:
        """The beam ended: ``tube`` is the beam the generator used (None: the model's own)."""
        with self._lock:
            if self.state != "integrating":
                log.warning("beam of %.2f mAs while the panel was %s: nothing recorded",
                            mas, self.state)
                return
            self.state = "readout"
            self.frame_count += 1
            scene, start = self.scene, self._beam_start
            if scene.seed is None:  # the noise is part of the latent image: fix it now
                scene = replace(scene, seed=random.randrange(2**31))
            identity = {"frame_number": self.frame_count, "tag": self.tag}
            self._keep_latent(kv, mas, scene, start, identity)
        threading.Thread(target=self._readout, args=(kv, mas, scene, start, identity, tube),
                         daemon=True).start()

    def _readout(self, kv: float, mas: float, scene: Scene, start: str | None,
                 identity: dict[str, Any], tube: str | None = None) -> None:
        began = time.monotonic()
        try:
            frame = physics.render_frame(self.model, scene.rendered_phantom, kv, max(mas, 0.01),
                                         scene.sid_mm, grid=scene.grid, field=scene.field,
                                         seed=scene.seed, mirror=scene.mirror, tube=tube)
        except ValueError as exc:  # a technique the physics cannot model: say so, don't hang
            with self._lock:
                self.state, self.error = "error", ("readout-failed", f"readout failed: {exc}")
            return
        remaining = self.model.readout_s * self.time_scale - (time.monotonic() - began)
        if remaining > 0:
            time.sleep(remaining)
        metadata = {**identity, "integration_start": start, "readout_end": _now(),
                    "sync_mode": self.mode,
                    "calibration_set": "none (raw)", "truth": frame.truth.to_dict()}
        if scene.phantom == "breast":  # the mammography positioner's readings
            metadata["positioner"] = {"CompressionForce": phantoms.COMPRESSION_FORCE_N,
                                      "BodyPartThickness": phantoms.COMPRESSED_BREAST_MM}
        if scene.stand_mm is not None:  # the long-length stand's reading, a few mm off
            error = random.Random(scene.seed).uniform(-POSITIONER_ERROR_MM, POSITIONER_ERROR_MM)
            metadata["positioner"] = {"DetectorPosition": round(scene.stand_mm + error, 1)}
        with self._lock:
            self.held.append(HeldFrame(uuid.uuid4().hex, frame.pixels, metadata))
            if self.faults.readout_timeout:
                return  # stuck in readout: the frame exists but is never announced
            self.state = "idle"

    def clear_faults(self) -> None:
        with self._lock:
            self.faults = PanelFaults()
            if self.state == "readout" and self.held:
                self.state = "idle"
            if self.state == "error":
                self.state, self.error = "idle", None

    def take_link_drop(self) -> bool:
        with self._lock:
            if self.faults.link_drops > 0:
                self.faults.link_drops -= 1
                return True
            return False

    def frame(self, frame_id: str | None = None) -> HeldFrame | None:
        """The held frame ``frame_id`` (default the oldest); None when not held or reading out."""
        with self._lock:
            if self.state == "readout":
                return None
            return next((h for h in self.held if frame_id in (None, h.frame_id)), None)

    def ack(self, frame_id: str) -> bool:
        with self._lock:
            gone = [h for h in self.held if h.frame_id == frame_id]
            self.held = [h for h in self.held if h.frame_id != frame_id]
            for frame in gone:
                self._drop_latent(frame.metadata["frame_number"])
            return bool(gone)

    # --- non-volatile memory ---------------------------------------------------------------

    def _latent_path(self, frame_number: int) -> Path:
        assert self.memory_dir is not None
        return self.memory_dir / f"latent-{frame_number:08d}.json"

    def _keep_latent(self, kv: float, mas: float, scene: Scene, start: str | None,
                     identity: dict[str, Any]) -> None:
        if self.memory_dir is None:
            return
        scene_doc = asdict(scene)
        _write(self._latent_path(identity["frame_number"]),
               {"kv": kv, "mas": mas, "scene": scene_doc, "start": start, "mode": self.mode,
                "identity": identity})
        _write(self.memory_dir / "counter.json", {"frame_count": self.frame_count})

    def _drop_latent(self, frame_number: int) -> None:
        if self.memory_dir is not None:
            self._latent_path(frame_number).unlink(missing_ok=True)

    def _power_on(self) -> None:
        """Take up the counter and read out again every exposure not yet acknowledged."""
        assert self.memory_dir is not None
        self.memory_dir.mkdir(parents=True, exist_ok=True)
        counter = self.memory_dir / "counter.json"
        if counter.exists():
            self.frame_count = int(json.loads(counter.read_text())["frame_count"])
        latent = sorted(self.memory_dir.glob("latent-*.json"))
        for path in latent:
            doc = json.loads(path.read_text())
            scene = dict(doc["scene"])
            if scene.get("field") is not None:
                field_doc = dict(scene["field"])
                field_doc["centre_mm"] = tuple(field_doc.get("centre_mm", (0.0, 0.0)))
                scene["field"] = physics.Field(**field_doc)
            self.mode = doc.get("mode", self.mode)
            log.info("panel memory: reading out exposure %s again (frame %d)",
                     doc["identity"].get("tag") or "untagged", doc["identity"]["frame_number"])
            self._readout(float(doc["kv"]), float(doc["mas"]), Scene(**scene), doc["start"],
                          dict(doc["identity"]))
        self.state = "idle"


def _write(path: Path, doc: dict[str, Any]) -> None:
    """Atomically, as the panel's memory must never hold half an exposure."""
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(doc, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")

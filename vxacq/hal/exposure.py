"""One exposure, start to finish: prep → arm → both ready → expose → readout → frame stored.

:func:`run_exposure` is the core of ``vxacq acquire`` and what the workflow calls. It never
leaves a device exposing or armed: every failure path releases the generator and disarms the
detector, and the result says which device failed and why. The raw frame is written to disk
(:mod:`vxacq.hal.rawstore`) before the panel is told it may drop its copy, so a crash after
readout never loses an exposure the patient already received; a transfer that failed is
fetched again from the panel (:func:`recover_frame`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vxacq.config import Config
from vxacq.dicom.uids import new_uid
from vxacq.hal import drivers, rawstore
from vxacq.hal.detector import DetectorInfo, RawFrame, SyncMode
from vxacq.hal.errors import DetectorError, GeneratorError, HardwareError, InterlockError
from vxacq.hal.generator import ExposureReport, Technique
from vxacq.protocols import Protocol, get as get_protocol

if TYPE_CHECKING:
    from vxacq.hal.room import HandSwitch

log = logging.getLogger(__name__)

DEFAULT_SIM_MODEL = {"DX": "DR4343", "MG": "MG2430"}
# A generator may hold prep (rotor at speed, filament boosted) only so long: then it lets go.
HAND_SWITCH_HOLD_S = 30.0


@dataclass
class ExposureResult:
    ok: bool
    protocol: str
    uid: str
    requested: dict[str, Any]
    reported: dict[str, Any] | None = None  # the generator's ExposureReport
    files: list[str] = field(default_factory=list)
    complete: bool = False  # the whole planned exposure was delivered
    generator_state: str = ""
    detector_state: str = ""
    error: dict[str, str] | None = None  # device, code, message
    warnings: list[str] = field(default_factory=list)
    detector: dict[str, Any] | None = None
    truth: dict[str, Any] | None = None  # simulator ground truth, when simulated

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _fail(result: ExposureResult, exc: HardwareError) -> ExposureResult:
    result.ok = False
    result.error = {"device": exc.device, "code": exc.code, "message": str(exc)}
    return result


def run_exposure(config: Config, protocol: Protocol | str, kv: float | None = None,
                 mas: float | None = None, sid_mm: float | None = None,
                 out_dir: Path | str | None = None, faults: tuple[str, ...] = (),
                 sync_mode: str | None = None, time_scale: float | None = None,
                 laterality: str | None = None, seed: int | None = None,
                 room: drivers.RoomDevices | None = None,
                 hand_switch: HandSwitch | None = None) -> ExposureResult:
    """Make one exposure on the configured hardware and store the raw frame; never raises for
    device failures (see ``result.error``), only for bad arguments (ValueError).

    ``room``: devices already open (the console's :class:`vxacq.hal.room.RoomSession`); else
    the room is opened for this exposure. ``hand_switch``: the beam waits for its stage 2
    once both devices are ready (else it goes at once, as a scripted exposure)."""
    proto = get_protocol(protocol) if isinstance(protocol, str) else protocol
    technique = Technique(kv=kv or proto.kv, mas=mas or proto.mas, focus=proto.focus,
                          aec=proto.aec, aec_chambers=proto.aec_chambers)
    sid = float(sid_mm or proto.sid_mm)
    mode = SyncMode(sync_mode or config.hardware.sync_mode)
    side = laterality or proto.laterality
    folder = Path(out_dir) if out_dir else rawstore.raw_dir(config.data_dir)
    result = ExposureResult(ok=False, protocol=proto.id, uid=new_uid(), requested={
        "kv": technique.kv, "mas": technique.mas, "focus": technique.focus, "aec": technique.aec,
        "sid_mm": sid, "grid": proto.grid, "field_mm": list(proto.field_mm),
        "sync_mode": mode.value, "laterality": side})
    model = config.hardware.detector_model
    if room is None and drivers.needs_builtin_simulator(config.hardware):
        from hardware_sim.detector_models import get_model

        if get_model(model).modality != proto.modality:
            model = DEFAULT_SIM_MODEL[proto.modality]
            result.warnings.append(f"simulated panel {model} used: protocol {proto.id} is "
                                   f"{proto.modality}")
    # an open room (the console's) stays open; else it is opened for this exposure only
    devices = contextlib.nullcontext(room) if room is not None else drivers.open_room(
        config.hardware, faults, model=model, time_scale=time_scale)
    try:
        with devices as opened:
            _sequence(opened, proto, technique, sid, mode, side, seed, folder, result,
                      hand_switch)
    except HardwareError as exc:
        _fail(result, exc)
    if result.error:
        log.warning("exposure %s failed: %s", proto.id, result.error["message"])
    return result


def _sequence(room: drivers.RoomDevices, proto: Protocol, technique: Technique, sid: float,
              mode: SyncMode, side: str, seed: int | None, folder: Path,
              result: ExposureResult, hand_switch: HandSwitch | None = None) -> None:
    gen, det = room.generator, room.detector
    try:
        info = det.connect()
        result.detector = asdict(info)
        gen.connect()
        if info.modality != proto.modality:
            raise InterlockError("modality", f"protocol {proto.id} is {proto.modality} but the "
                                 f"detector is a {info.modality} panel")
        health = det.health()
        result.detector["temperature_C"] = health.temperature_C  # at the exposure, for DICOM
        if health.battery_percent is not None and health.battery_percent < 20:
            result.warnings.append(f"detector battery at {health.battery_percent:g} %")
        # the simulated room's patient and geometry (a real room is positioned by hand)
        det.position(phantom=proto.phantom, sid_mm=sid, grid=proto.grid, mirror=side == "R",
                     seed=seed, field={"width_mm": proto.field_mm[0],
                                       "height_mm": proto.field_mm[1]})
        gen.set_technique(technique)
        try:
            # inside the try: a generator that refuses PREP must not leave the panel armed
            ready = det.arm(mode, timeout=5.0) & gen.prepare(timeout=10.0)
            ready.wait()
            det.poll()  # interlock: the panel must still be ready when the beam goes on
            if det.state.value.value != "ready":
                code, message = det.error or ("not-ready", f"panel is {det.state.value.value}")
                raise DetectorError(code, message)
            if hand_switch is not None and not hand_switch.wait_for_expose(HAND_SWITCH_HOLD_S):
                raise InterlockError("hand-switch", "the hand switch was released before the "
                                     "exposure (or held in prep too long); nothing was exposed")
        except HardwareError:
            for stop in (gen.release, det.disarm):  # both, even when one of them fails
                with contextlib.suppress(HardwareError):
                    stop()
            raise
        frame_st = det.read_frame(timeout=_readout_timeout(info))
        # the longest this technique can take (mAs at the lowest current, 10 mA), plus margin
        longest_s = (technique.mas / 10.0) if technique.mas else (technique.ms or 0) / 1000
        try:
            report = gen.expose(timeout=min(longest_s + 5.0, 60.0)).wait()
            result.complete = report.complete
        except GeneratorError as exc:
            report = exc.partial
            if not isinstance(report, ExposureReport):
                det.disarm()
                raise
            # dose was delivered: read the partial frame out and keep it, then report the fault
            result.error = {"device": exc.device, "code": exc.code, "message": str(exc)}
        result.reported = report.as_dict()
        frame = _receive(det, frame_st, result)
        _store(det, frame, report, proto.id, proto.modality, folder, result)
        result.ok = result.error is None
    finally:
        result.generator_state = gen.state.value.value
        result.detector_state = det.state.value.value


class StorageError(HardwareError):
    device = "storage"


def _readout_timeout(info: DetectorInfo) -> float:
    return 3.0 * info.readout_s + 1.0


def _receive(det, frame_st, result: ExposureResult) -> RawFrame:
    try:
        return frame_st.wait()
    except DetectorError as exc:
        error = exc
    if error.code == "link-lost":  # the panel keeps the frame: fetch it again
        try:
            frame = det.recover_frame(timeout=3.0)
        except DetectorError as exc:
            error = exc
        else:
            if frame is not None:
                result.warnings.append(f"{error.text}; frame fetched again from the panel")
                return frame
    raise DetectorError(error.code, f"{error.text}. The exposure was made; its frame is still "
                        "in the panel — run `vxacq acquire --recover` once the panel is "
                        "back") from None


def _store(det, frame: RawFrame, report: ExposureReport | None, protocol_id: str,
           modality: str, folder: Path, result: ExposureResult) -> None:
    truth = frame.metadata.get("truth")
    sidecar = {
        "kind": "raw-exposure", "protocol": protocol_id, "modality": modality,
        "stored": dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds"),
        "requested": result.requested, "reported": report.as_dict() if report else None,
        "complete": bool(report and report.complete), "error": result.error,
        "detector": result.detector,
        "frame": {"frame_id": frame.frame_id, "sync_mode": frame.sync_mode,
                  "integration_start": frame.integration_start,
                  "readout_end": frame.readout_end, "calibration_set": frame.calibration_set},
        "truth": truth,
        # A mammography positioner's compression force (N) and thickness (mm), when it has one.
        "positioner": frame.metadata.get("positioner"),
    }
    try:
        paths = rawstore.save(folder, result.uid, frame.pixels, sidecar)
    except OSError as exc:  # full disk, missing folder: the panel keeps its copy
        raise StorageError("write-failed", f"cannot write the raw frame to {folder}: "
                           f"{exc.strerror or exc}. The frame is still in the panel — fix the "
                           "folder or free space, then run `vxacq acquire --recover`") from None
    result.files = [str(p) for p in paths]
    result.truth = truth
    det.confirm_stored(frame.frame_id)  # only now may the panel drop its copy


def recover_frame(config: Config, out_dir: Path | str | None = None,
                  timeout: float = 5.0) -> ExposureResult:
    """Fetch and store a frame the panel still holds after a failed transfer."""
    folder = Path(out_dir) if out_dir else rawstore.raw_dir(config.data_dir)
    result = ExposureResult(ok=False, protocol="", uid=new_uid(), requested={})
    try:
        with drivers.open_room(config.hardware) as room:
            det = room.detector
            result.detector = asdict(det.connect())
            frame = det.recover_frame(timeout)
            if frame is None:
                raise DetectorError("no-frame", "the panel holds no frame to recover")
            result.warnings.append("recovered frame: the generator's report of this "
                                   "exposure is in the generator log, not here")
            _store(det, frame, None, "RECOVERED", result.detector["modality"], folder, result)
            result.ok = True
            result.detector_state = det.state.value.value
    except HardwareError as exc:
        _fail(result, exc)
    return result

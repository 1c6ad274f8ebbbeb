"""One exposure, start to finish: prep → arm → both ready → expose → readout → frame stored.

:func:`run_exposure` is the core of ``vxacq acquire`` and what the workflow calls. It never
leaves a device exposing or armed: every failure path releases the generator and disarms the
detector, and the result says which device failed and why. The raw frame is written to disk
(:mod:`vxacq.hal.rawstore`) before the panel is told it may drop its copy, so a crash after
readout never loses an exposure the patient already received.

Every frame is tied to the exposure that made it: the panel is armed with the exposure's UID
as its tag and its frame counter noted (:mod:`vxacq.hal.frames`), and only a frame that
matches is taken; the sidecar records the generator's exposure number beside the panel's frame
number. Before the beam goes on a pending record is written (:mod:`vxacq.hal.pending`) and it
stays open until the frame is stored: while it is open no new exposure is made, and
:func:`recover_frames` stores the frame left in the panel as the exposure that made it.
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
from vxacq.hal import drivers, frames, pending, rawstore
from vxacq.hal.detector import RawFrame, SyncMode, readout_limit_s
from vxacq.hal.errors import DetectorError, GeneratorError, HardwareError, InterlockError
from vxacq.hal.frames import FrameExpectation, PanelMemory
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
    context: dict[str, Any] = field(default_factory=dict)  # the exam or QA patient it was for
    recovered: bool = False  # stored by recover_frames after a failed transfer

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
                 hand_switch: HandSwitch | None = None,
                 context: dict[str, Any] | None = None,
                 stand_mm: float | None = None) -> ExposureResult:
    """Make one exposure on the configured hardware and store the raw frame; never raises for
    device failures (see ``result.error``), only for bad arguments (ValueError).

    Refused (``error`` code ``frame-pending``, nothing armed) while an earlier exposure's frame
    is not stored. ``room``: devices already open (the console's
    :class:`vxacq.hal.room.RoomSession`); else the room is opened for this exposure.
    ``hand_switch``: the beam waits for its stage 2 once both devices are ready (else it goes
    at once, as a scripted exposure). ``context``: what the exposure is for (the exam's
    study, step and patient, or the QA patient), kept with its pending record and sidecar so
    a recovered frame is filed where it belongs. ``stand_mm``: one field of a long-length
    protocol, the detector stand's position along the body (see
    :mod:`vxacq.hal.long_length`, which takes the whole sequence)."""
    proto = get_protocol(protocol) if isinstance(protocol, str) else protocol
    if proto.long_length and stand_mm is None:
        raise ValueError(f"{proto.id} is a long-length protocol of {proto.field_count} fields: "
                         "take it as a sequence (vxacq.hal.long_length.run_long_length)")
    technique = Technique(kv=kv or proto.kv, mas=mas or proto.mas, focus=proto.focus,
                          aec=proto.aec, aec_chambers=proto.aec_chambers)
    sid = float(sid_mm or proto.sid_mm)
    mode = SyncMode(sync_mode or config.hardware.sync_mode)
    side = laterality or proto.laterality
    folder = Path(out_dir) if out_dir else rawstore.raw_dir(config.data_dir)
    result = ExposureResult(ok=False, protocol=proto.id, uid=new_uid(), requested={
        "kv": technique.kv, "mas": technique.mas, "focus": technique.focus, "aec": technique.aec,
        "sid_mm": sid, "grid": proto.grid, "field_mm": list(proto.field_mm),
        "sync_mode": mode.value, "laterality": side,
        **({"stand_mm": stand_mm} if stand_mm is not None else {})}, context=dict(context or {}))
    waiting = pending.open_records(config.data_dir)
    if waiting:  # before any device is touched: a repeat must never be the easy next step
        _fail(result, pending.FramePendingError(waiting))
        log.warning("exposure %s refused: %s", proto.id, result.error["message"])
        return result
    # an open room (the console's) stays open; else it is opened for this exposure only
    devices = contextlib.nullcontext(room) if room is not None else open_room_for(
        config, proto, faults, time_scale, result.warnings)
    try:
        with devices as opened:
            _sequence(opened, proto, technique, sid, mode, side, seed, folder, result,
                      hand_switch, Path(config.data_dir), stand_mm)
    except HardwareError as exc:
        _fail(result, exc)
    if result.error:
        log.warning("exposure %s failed: %s", proto.id, result.error["message"])
    return result


def open_room_for(config: Config, proto: Protocol, faults: tuple[str, ...] = (),
                  time_scale: float | None = None, warnings: list[str] | None = None):
    """The room's devices for exposures with ``proto`` (a context manager); the built-in
    simulator gets a panel of the protocol's modality (said in ``warnings``)."""
    model = config.hardware.detector_model
    if drivers.needs_builtin_simulator(config.hardware):
        from hardware_sim.detector_models import get_model

        if get_model(model).modality != proto.modality:
            model = DEFAULT_SIM_MODEL[proto.modality]
            if warnings is not None:
                warnings.append(f"simulated panel {model} used: protocol {proto.id} is "
                                f"{proto.modality}")
    return drivers.open_room(config.hardware, faults, model=model, time_scale=time_scale,
                             memory_dir=drivers.sim_panel_memory(config.data_dir))


def _sequence(room: drivers.RoomDevices, proto: Protocol, technique: Technique, sid: float,
              mode: SyncMode, side: str, seed: int | None, folder: Path,
              result: ExposureResult, hand_switch: HandSwitch | None, data_dir: Path,
              stand_mm: float | None = None) -> None:
    gen, det = room.generator, room.detector
    try:
        info = det.connect()
        result.detector = asdict(info)
        gen.connect()
        if info.modality != proto.modality:
            raise InterlockError("modality", f"protocol {proto.id} is {proto.modality} but the "
                                 f"detector is a {info.modality} panel")
        memory = _settle_held_frames(det, det.memory(), data_dir)
        if memory.held:
            raise InterlockError(
                "frame-in-panel", f"the panel still holds {_describe_held(memory)} that was "
                "never stored; no new exposure until it is recovered (Recover on the exam "
                "screen, or `vxacq acquire --recover`)")
        health = det.health()
        result.detector["temperature_C"] = health.temperature_C  # at the exposure, for DICOM
        if health.battery_percent is not None and health.battery_percent < 20:
            result.warnings.append(f"detector battery at {health.battery_percent:g} %")
        # the simulated room's patient and geometry (a real room is positioned by hand)
        stand = {"stand_mm": stand_mm} if stand_mm is not None else {}
        det.position(phantom=proto.phantom, sid_mm=sid, grid=proto.grid, mirror=side == "R",
                     seed=seed, field={"width_mm": proto.field_mm[0],
                                       "height_mm": proto.field_mm[1]}, **stand)
        gen.set_technique(technique)
        expectation = FrameExpectation(result.uid, memory.frame_count, frames.now())
        try:
            # inside the try: a generator that refuses PREP must not leave the panel armed
            ready = det.arm(mode, timeout=5.0, tag=result.uid) & gen.prepare(timeout=10.0)
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
        # written before the beam: from here on a frame may exist that must not be lost
        pending.open_record(data_dir, pending.PendingExposure(
            uid=result.uid, protocol=proto.id, modality=proto.modality,
            requested=result.requested, expectation=expectation.as_dict(),
            raw_folder=str(folder), context=result.context, detector=result.detector,
            generator_count=gen.last_report.number if gen.last_report else None))
        frame_st = det.read_frame(timeout=readout_limit_s(info), expected=expectation)
        # the longest this technique can take (mAs at the lowest current, 10 mA), plus margin
        longest_s = (technique.mas / 10.0) if technique.mas else (technique.ms or 0) / 1000
        try:
            report = gen.expose(timeout=min(longest_s + 5.0, 60.0)).wait()
            result.complete = report.complete
        except GeneratorError as exc:
            report = exc.partial
            if not isinstance(report, ExposureReport):
                det.disarm()
                if exc.code.startswith("NAK"):  # the generator refused: no beam, no frame
                    pending.forget(data_dir, result.uid)
                else:
                    pending.update(data_dir, result.uid, error=_error(exc))
                raise
            # dose was delivered: read the partial frame out and keep it, then report the fault
            result.error = _error(exc)
        result.reported = report.as_dict()
        pending.update(data_dir, result.uid, report=result.reported, generator_error=result.error)
        try:
            frame = _receive(det, frame_st, expectation, result)
            _store(det, frame, result.reported, proto.id, proto.modality, folder, result)
        except HardwareError as exc:
            pending.update(data_dir, result.uid, error=_error(exc))
            raise
        pending.close(data_dir, result.uid, pending.STORED)
        result.ok = result.error is None
    finally:
        result.generator_state = gen.state.value.value
        result.detector_state = det.state.value.value


class StorageError(HardwareError):
    device = "storage"


def _error(exc: HardwareError) -> dict[str, str]:
    return {"device": exc.device, "code": exc.code, "message": str(exc)}


def _describe_held(memory: PanelMemory) -> str:
    first = memory.held[0]
    more = f" and {len(memory.held) - 1} more" if len(memory.held) > 1 else ""
    return f"{first.describe()}{more}" + (f", taken for exposure {first.tag}" if first.tag else "")


def _settle_held_frames(det, memory: PanelMemory, data_dir: Path) -> PanelMemory:
    """Drop held frames whose exposure is settled (its frame stored, or discarded with a
    reason); return the memory without them. A frame stored twice is never made."""
    kept = []
    for held in memory.held:
        closed = pending.closed_record(data_dir, held.tag) if held.tag else None
        if closed is None:
            kept.append(held)
            continue
        log.info("panel frame %s of exposure %s is %s already: dropped", held.frame_id,
                 held.tag, closed["outcome"])
        det.drop_frame(held.frame_id)
    return PanelMemory(memory.frame_count, tuple(kept))


def _receive(det, frame_st, expectation: FrameExpectation, result: ExposureResult) -> RawFrame:
    try:
        return frame_st.wait()
    except DetectorError as exc:
        error = exc
    if error.code == "link-lost":  # the panel keeps the frame: fetch it again
        try:
            held = next((f for f in det.memory().held if expectation.matches(f)), None)
            frame = det.recover_frame(timeout=3.0, frame_id=held.frame_id) if held else None
        except DetectorError as exc:
            error = exc
        else:
            if frame is not None and not expectation.mismatch(frame):
                result.warnings.append(f"{error.text}; frame fetched again from the panel")
                return frame
    raise DetectorError(error.code, f"{error.text}. The exposure was made; its frame is still "
                        "in the panel — recover it once the panel is back (Recover on the exam "
                        "screen, or `vxacq acquire --recover`); no new exposure until then") \
        from None


def _store(det, frame: RawFrame, report: dict[str, Any] | None, protocol_id: str,
           modality: str, folder: Path, result: ExposureResult) -> None:
    truth = frame.metadata.get("truth")
    sidecar = {
        "kind": "raw-exposure", "protocol": protocol_id, "modality": modality,
        "stored": dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds"),
        "requested": result.requested, "reported": report,
        "complete": bool(report and report.get("complete")), "error": result.error,
        "detector": result.detector,
        "frame": {"frame_id": frame.frame_id, "frame_number": frame.frame_number,
                  "tag": frame.tag, "sync_mode": frame.sync_mode,
                  "integration_start": frame.integration_start,
                  "readout_end": frame.readout_end, "calibration_set": frame.calibration_set},
        # the generator's exposure number beside the panel's frame number: one exposure
        "generator_exposure_number": report.get("number") if report else None,
        "context": result.context, "recovered": result.recovered,
        "truth": truth,
        # A mammography positioner's compression force (N) and thickness (mm), when it has one.
        "positioner": frame.metadata.get("positioner"),
    }
    try:
        paths = rawstore.save(folder, result.uid, frame.pixels, sidecar)
    except OSError as exc:  # full disk, missing folder: the panel keeps its copy
        raise StorageError("write-failed", f"cannot write the raw frame to {folder}: "
                           f"{exc.strerror or exc}. The frame is still in the panel — fix the "
                           "folder or free space, then recover it (Recover on the exam screen, "
                           "or `vxacq acquire --recover`)") from None
    result.files = [str(p) for p in paths]
    result.truth = truth
    det.confirm_stored(frame.frame_id)  # only now may the panel drop its copy


def recover_frames(config: Config, room: drivers.RoomDevices | None = None,
                   out_dir: Path | str | None = None,
                   timeout: float = 5.0) -> list[ExposureResult]:
    """Store every frame left in the panel as the exposure that made it (one result per open
    pending record, oldest first) and close its record; a frame already stored is recognised
    and not stored twice. A held frame no record claims is stored as protocol "" (unassigned,
    with a warning). ``out_dir``: where the frames go instead of where each exposure meant
    to write (e.g. that folder is full). Device failures are in each result's ``error``;
    their records stay open."""
    data_dir = Path(config.data_dir)
    records = pending.open_records(data_dir)
    results = [ExposureResult(ok=False, protocol=r.protocol, uid=r.uid, requested=r.requested,
                              reported=r.report, detector=r.detector, context=r.context,
                              recovered=True) for r in records]
    devices = contextlib.nullcontext(room) if room is not None else drivers.open_room(
        config.hardware, memory_dir=drivers.sim_panel_memory(data_dir))
    try:
        with devices as opened:
            det, gen = opened.detector, opened.generator
            info = asdict(det.connect())
            with contextlib.suppress(HardwareError):  # its report is a help, not a need
                gen.connect()
            memory = det.memory()
            for record, result in zip(records, results):
                result.detector = result.detector or info
                try:
                    _recover_one(det, gen, memory, record, result, data_dir, timeout,
                                 Path(out_dir) if out_dir else None)
                except HardwareError as exc:
                    _fail(result, exc)
            claimed = {r.uid for r in records}
            for held in _settle_held_frames(det, det.memory(), data_dir).held:
                if held.tag in claimed:
                    continue  # its record says why it was not stored
                results.append(_recover_unassigned(
                    det, held, info, timeout, Path(out_dir or rawstore.raw_dir(data_dir))))
            for result in results:
                result.detector_state = det.state.value.value
    except HardwareError as exc:  # the room could not be reached: every record stays open
        for result in results:
            if not result.ok and not result.error:
                _fail(result, exc)
        if not results:
            results.append(_fail(ExposureResult(ok=False, protocol="", uid="", requested={}),
                                 exc))
    if not results:
        results.append(_fail(ExposureResult(ok=False, protocol="", uid="", requested={}),
                             DetectorError("no-frame", "no exposure is waiting for its frame "
                                           "and the panel holds no frame to recover")))
    return results


def _recover_one(det, gen, memory: PanelMemory, record: pending.PendingExposure,
                 result: ExposureResult, data_dir: Path, timeout: float,
                 out_dir: Path | None) -> None:
    folder = out_dir or (Path(record.raw_folder) if record.raw_folder
                         else rawstore.raw_dir(data_dir))
    if (folder / f"{record.uid}.json").exists():  # stored, then interrupted before closing
        result.files = [str(folder / f"{record.uid}.npy"), str(folder / f"{record.uid}.json")]
        result.warnings.append(f"the frame of {record.describe()} was stored already; it was "
                               "not stored twice")
        pending.close(data_dir, record.uid, pending.STORED, note="found stored")
        result.ok = True
        return
    expectation = record.frame_expectation
    held = next((f for f in memory.held if expectation.matches(f)), None)
    if held is None:
        raise DetectorError("no-frame", f"the panel holds no frame of {record.describe()}; if "
                            "the frame is lost, discard the record with a reason (`vxacq "
                            f"acquire --discard {record.uid} --reason ...`)")
    frame = det.recover_frame(timeout, frame_id=held.frame_id)
    if frame is None:  # listed, yet not handed over: the panel is not done with it
        raise DetectorError("no-frame", f"the panel holds the frame of {record.describe()} but "
                            "did not hand it over (still in readout?): restart the panel, then "
                            "recover again; nothing was stored")
    problem = expectation.mismatch(frame)
    if problem:
        raise DetectorError("foreign-frame", f"the frame offered for {record.describe()} is "
                            f"not its own: {problem}; it was not stored")
    report = record.report
    last = getattr(gen, "last_report", None)
    if report is None and last is not None and record.generator_count is not None \
            and last.number == record.generator_count + 1:
        report = last.as_dict()  # the generator's own account, asked again
        result.warnings.append("the generator's report was fetched again from the generator")
    result.reported, result.complete = report, bool(report and report.get("complete"))
    result.error = record.generator_error
    _store(det, frame, report, record.protocol, record.modality, folder, result)
    pending.close(data_dir, record.uid, pending.STORED)
    result.warnings.append(f"recovered: {record.describe()}")
    result.ok = True


def _recover_unassigned(det, held, info: dict[str, Any], timeout: float,
                        folder: Path) -> ExposureResult:
    """A frame no record claims (e.g. left by another console): kept, never filed as an
    exposure of this console's exams."""
    result = ExposureResult(ok=False, protocol="", uid=new_uid(), requested={}, detector=info,
                            recovered=True)
    try:
        frame = det.recover_frame(timeout, frame_id=held.frame_id)
        if frame is None:
            raise DetectorError("no-frame", f"{held.describe()} is no longer in the panel")
        result.warnings.append(f"{held.describe()} belongs to no exposure this console "
                               "recorded: kept as a raw frame only, with no report")
        _store(det, frame, None, "", info["modality"], folder, result)
        result.ok = True
    except HardwareError as exc:
        _fail(result, exc)
    return result

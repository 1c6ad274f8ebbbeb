"""The X-ray room held open while the console runs: live status, hand switch, fault injection.

:func:`vxacq.hal.exposure.run_exposure` opens the room for one exposure when it is called
alone (``vxacq acquire``). The console instead keeps one :class:`RoomSession`: generator and
detector connected once, their state polled every few seconds between exposures (and pushed
by the devices' own events during one), so the exam screen can show ready / prep / exposing,
faults, the panel's temperature and battery before the radiographer presses anything.
Exposures borrow the open devices with :meth:`RoomSession.devices`, which also stops the
polling from talking to the devices in the middle of a sequence.

:class:`HandSwitch` is the two-stage switch of the console: stage 1 (prep) starts the
sequence, stage 2 lets the beam go once both devices are ready, and letting go before that
ends the sequence with nothing exposed.

The status says in words whatever makes Prep impossible now: a device fault, a panel battery
below what arming needs, an exposure whose frame is not stored yet (:mod:`vxacq.hal.pending`),
and a device that sits in a passing state (arming, readout, prep, exposing) longer than that
state may last outside an exposure — a stuck device is said, never left as a silent state.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from vxacq.config import Config
from vxacq.hal import drivers, pending
from vxacq.hal.detector import readout_limit_s
from vxacq.hal.errors import HardwareError

log = logging.getLogger(__name__)


# How long a device may sit in a passing state between exposures before it is called stuck.
ARMING_LIMIT_S = 10.0
INTEGRATING_LIMIT_S = 30.0
PREP_LIMIT_S = 15.0
READY_LIMIT_S = 40.0  # a generator holds prep for the hand switch at most 30 s
EXPOSING_LIMIT_S = 65.0  # the longest exposure run_exposure allows, and margin
STUCK_REMEDY = {
    "detector": "restart the panel (power or battery); an exposure's frame left in it is "
                "recovered afterwards",
    "generator": "release the hand switch and look at the generator's own panel; switch it "
                 "off and on if it stays so",
}


class HandSwitch:
    """Stage 2 (expose) or release, pressed on any thread; the exposure sequence waits on it."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._expose = False
        self._released = False

    def expose(self) -> None:
        with self._changed:
            self._expose = True
            self._changed.notify_all()

    def release(self) -> None:
        with self._changed:
            self._released = True
            self._changed.notify_all()

    def wait_for_expose(self, timeout: float) -> bool:
        """True once stage 2 is pressed; False when let go first or after ``timeout``."""
        with self._changed:
            self._changed.wait_for(lambda: self._expose or self._released, timeout)
            return self._expose and not self._released


@dataclass(frozen=True)
class RoomStatus:
    """What the status panel shows; ``problem`` says in words what is wrong ("" when fine)."""

    generator: str = "disconnected"  # a GeneratorState value
    detector: str = "disconnected"  # a DetectorState value
    detector_model: str = ""
    temperature_C: float | None = None
    battery_percent: float | None = None
    link_quality_percent: float | None = None
    simulated: bool = False
    problem: str = ""  # what stops an exposure now (Prep is not possible while set)
    warning: str = ""  # what will soon (a low battery)
    frame_pending: str = ""  # the exposure whose frame is not stored yet, in words ("" if none)

    @property
    def ready(self) -> bool:
        return not self.problem and self.generator in ("standby", "ready") and \
            self.detector in ("idle", "ready")


class RoomSession:
    """Generator and detector opened once; ``start()``, ``stop()``; thread-safe."""

    def __init__(self, config: Config, *, poll_interval: float = 2.0) -> None:
        self.config = config
        self.poll_interval = poll_interval
        self._room: drivers.RoomDevices | None = None
        self._stack = contextlib.ExitStack()
        self._devices_lock = threading.Lock()  # one user of the devices at a time
        self._status = RoomStatus(simulated=drivers.needs_builtin_simulator(config.hardware))
        self._observers: list[Callable[[RoomStatus], None]] = []
        self._status_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._since: dict[str, tuple[str, float]] = {}  # device → (state, first seen, monotonic)

    # --- life cycle ------------------------------------------------------------------------

    def start(self) -> RoomSession:
        self._stop.clear()
        self._thread = threading.Thread(target=self._poll_loop, name="room-status", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._devices_lock:
            self._close_room()

    # --- what the screens use --------------------------------------------------------------

    @property
    def status(self) -> RoomStatus:
        return self._status

    def subscribe(self, callback: Callable[[RoomStatus], None]) -> Callable[[], None]:
        """``callback(status)`` on every change, on the thread that saw it."""
        self._observers.append(callback)
        return lambda: self._observers.remove(callback) if callback in self._observers else None

    @contextlib.contextmanager
    def devices(self) -> Iterator[drivers.RoomDevices]:
        """The open devices for one exposure (opened now if they are not); HardwareError when
        the room cannot be reached."""
        with self._devices_lock:
            room = self._open_room()
            try:
                yield room
            except HardwareError:  # a device that failed mid-sequence is opened anew next time
                self._close_room()
                raise
            finally:
                self._update(self._read(room))

    def refresh(self) -> RoomStatus:
        """Ask the devices now (waits while an exposure holds them)."""
        with self._devices_lock:
            try:
                room = self._open_room()
                self._update(self._read(room))
            except HardwareError as exc:
                self._close_room()
                self._update(replace(RoomStatus(simulated=self._status.simulated),
                                     problem=f"{exc}; check the cables and power, then wait "
                                             "for the next check or press Refresh"))
        return self._status

    def reset_generator(self) -> RoomStatus:
        """Clear a latched generator fault (RESET), as the generator's console would."""
        with self._devices_lock:
            self._open_room().generator.reset()
        return self.refresh()

    # --- simulator faults (QA) -------------------------------------------------------------

    def inject_fault(self, spec: str) -> None:
        """Inject a simulator fault (see docs/hardware-protocol.md), e.g. ``low-battery:12``."""
        with self._devices_lock:
            room = self._open_room()
            if room.simulator is not None:
                room.simulator.inject(spec)
            else:
                room.detector.request("fault", spec=spec)
        self.refresh()

    def clear_faults(self) -> None:
        with self._devices_lock:
            room = self._open_room()
            if room.simulator is not None:
                room.simulator.clear_faults()
            else:
                room.detector.request("clear-faults")
        self.refresh()

    # --- internals -------------------------------------------------------------------------

    def _poll_loop(self) -> None:
        while not self._stop.is_set():
            if self._devices_lock.acquire(timeout=0.1):  # an exposure has them: skip
                self._devices_lock.release()
                self.refresh()
            self._stop.wait(self.poll_interval)

    def _open_room(self) -> drivers.RoomDevices:
        if self._room is None:
            stack = contextlib.ExitStack()
            try:
                room = stack.enter_context(drivers.open_room(
                    self.config.hardware,
                    memory_dir=drivers.sim_panel_memory(self.config.data_dir)))
                # Device events (prep, exposing, ready…) update the panel between polls.
                room.generator.state.subscribe(lambda state: self._update(
                    generator=state.value))
                room.detector.state.subscribe(lambda state: self._update(
                    detector=state.value))
                room.generator.connect()
                room.detector.connect()
            except BaseException:  # a device that does not answer: close what was opened
                stack.close()
                raise
            self._room, self._stack = room, stack
        return self._room

    def _close_room(self) -> None:
        self._room = None
        try:
            self._stack.close()
        except Exception:  # closing a dead link must not stop the console
            log.exception("closing the room")
        self._stack = contextlib.ExitStack()

    def _read(self, room: drivers.RoomDevices) -> RoomStatus:
        gen, det = room.generator, room.detector
        problem = ""
        try:
            generator = gen.poll_state().value
            if generator == "fault":
                code, text = gen.fault or ("fault", "")
                problem = f"generator fault {code}: {text}; press Reset generator"
            det.poll()
            health = det.health()
            detector = det.state.value.value
            if det.error and detector == "error":
                problem = problem or f"detector {det.error[0]}: {det.error[1]}"
        except HardwareError as exc:
            self._close_room()
            return replace(RoomStatus(simulated=room.simulator is not None),
                           problem=f"{exc}; the room is asked again in a few seconds",
                           frame_pending=self._frame_pending())
        readout_s = readout_limit_s(det.info) if det.info else 30.0
        problem = problem or self._stuck("detector", detector, readout_s) \
            or self._stuck("generator", generator, readout_s)
        warning = ""
        if health.temperature_C >= 45:
            problem = problem or (f"detector at {health.temperature_C:.0f} °C: let it cool "
                                  "before the next exposure")
        battery, needed = health.battery_percent, health.battery_min_percent
        if battery is not None and needed is not None and battery < needed:
            problem = problem or (f"detector battery at {battery:.0f} %, below the {needed:g} % "
                                  "the panel needs to arm: Prep is not possible; change or "
                                  "charge the battery")
        elif battery is not None and battery < 20:
            warning = f"detector battery at {battery:.0f} %: change the battery"
        frame_pending = self._frame_pending()
        if frame_pending:
            problem = problem or frame_pending
        model = det.info.model_name if det.info else room.detector_model
        return RoomStatus(generator=generator, detector=detector, detector_model=model,
                          temperature_C=health.temperature_C,
                          battery_percent=health.battery_percent,
                          link_quality_percent=health.link_quality_percent,
                          simulated=room.simulator is not None, problem=problem,
                          warning=warning, frame_pending=frame_pending)

    def _frame_pending(self) -> str:
        records = pending.open_records(self.config.data_dir)
        return pending.FramePendingError(records).text if records else ""

    def _stuck(self, device: str, state: str, readout_s: float) -> str:
        """Words for a device that has sat in a passing state longer than it may (only polled
        between exposures, so no sequence is driving it); "" otherwise."""
        limit = {"arming": ARMING_LIMIT_S, "integrating": INTEGRATING_LIMIT_S,
                 "readout": readout_s, "prep": PREP_LIMIT_S, "exposing": EXPOSING_LIMIT_S,
                 "ready": READY_LIMIT_S}.get(state)
        seen_state, since = self._since.get(device, ("", 0.0))
        if seen_state != state:
            self._since[device] = (state, time.monotonic())
            return ""
        stuck_for = time.monotonic() - since
        if limit is None or stuck_for <= limit:
            return ""
        remedy = STUCK_REMEDY[device]
        return (f"{device} stuck in {state} for {stuck_for:.0f} s (it should take at most "
                f"{limit:.0f} s): {remedy}")

    def _update(self, status: RoomStatus | None = None, **changes: Any) -> None:
        """A whole new status, or ``changes`` to some fields of the current one."""
        with self._status_lock:  # device events and the poll both update it
            status = status or replace(self._status, **changes)
            if status == self._status:
                return
            self._status = status
        for callback in list(self._observers):
            try:
                callback(status)
            except Exception:
                log.exception("room status observer failed")



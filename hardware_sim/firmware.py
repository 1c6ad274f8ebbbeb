"""Generator firmware: answers the VXacq line protocol with realistic timing and injectable faults.

The firmware is fed bytes by a link (a TCP connection or a pty) and writes its replies and events
back through ``send``; serial faults (garbled and lost lines) are applied to both directions.
It calls the :class:`~hardware_sim.simulator.Room` when the beam goes on and off, asks it whether
the detector is ready (the triggered-mode interlock), and for the AEC termination and the DAP.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from hardware_sim import physics
from vxacq.hal import protocol
from vxacq.hal.generator import ELEMENTS
from vxacq.hal.protocol import Message

if TYPE_CHECKING:
    from hardware_sim.simulator import Room

log = logging.getLogger(__name__)

IDENT = "VXacq Simulator,VXG-65,SIMGEN-0001,1.0"
# Tube ratings per focus: general radiography (W/Al) and mammography (W/Rh) tubes.
POWER_W = {"W/Al": {"L": 65000.0, "S": 25000.0}, "W/Rh": {"L": 5000.0, "S": 1500.0}}
MAX_MA = {"W/Al": {"L": 800.0, "S": 250.0}, "W/Rh": {"L": 160.0, "S": 40.0}}
HEAT_CAPACITY_HU = 300_000.0
COOLING_HU_PER_S = 800.0


class GeneratorFirmware:
    def __init__(self, room: Room, kv_range: tuple[float, float] = (40.0, 150.0),
                 time_scale: float = 1.0, prep_s: float = 0.8, seed: int | None = None,
                 tube: str = "W/Al") -> None:
        self.room = room
        self.max_ma, self.power_w = MAX_MA[tube], POWER_W[tube]
        self.kv_range = kv_range
        self.time_scale = time_scale
        self.prep_s = prep_s
        self.rng = random.Random(seed)
        self.send_raw: Callable[[bytes], None] = lambda data: None
        self.state = "STANDBY"
        self.kv, self.ma, self.ms, self.focus = kv_range[0], 20.0, 10.0, "L"
        self.aec, self.aec_chambers = False, "010"
        self.fault: tuple[int, str] | None = None
        self.exposures = 0
        self.last: str = "NONE"
        self.heat_hu, self._heat_time = 0.0, time.monotonic()
        self.fault_on_exposure: int | None = None
        self.garble = 0.0
        self.drop = 0.0
        self.lines_garbled = self.lines_dropped = 0  # what the serial faults did, both ways
        self._buffer = protocol.LineBuffer()
        self._last_command: tuple[str, bytes] | None = None
        self._lock = threading.RLock()
        self._abort = threading.Event()

    # --- link --------------------------------------------------------------------------------

    def receive(self, data: bytes) -> None:
        for line in self._buffer.feed(data):
            if self.drop and self.rng.random() < self.drop:
                log.debug("fault: lost incoming line %r", line)
                self.lines_dropped += 1
                continue
            if self.garble and self.rng.random() < self.garble:
                line = self._garbled(line)
                self.lines_garbled += 1
            try:
                message = protocol.decode(line)
            except protocol.FramingError:
                continue  # the host repeats a command it gets no answer to
            if message.is_event:
                continue
            self._dispatch(message)

    def send(self, message: Message | str) -> None:
        line = protocol.encode(message)
        self._emit(line)

    def _emit(self, line: bytes) -> None:
        if self.drop and self.rng.random() < self.drop:
            log.debug("fault: dropped outgoing line %r", line)
            self.lines_dropped += 1
            return
        if self.garble and self.rng.random() < self.garble:
            line = self._garbled(line)
            self.lines_garbled += 1
        self.send_raw(line)

    def _garbled(self, line: bytes) -> bytes:
        data = bytearray(line)
        for _ in range(self.rng.randint(1, 3)):
            data[self.rng.randrange(len(data))] = self.rng.randrange(256)
        if self.rng.random() < 0.3:  # line noise before the message
            data[:0] = bytes(self.rng.randrange(256) for _ in range(self.rng.randint(1, 20)))
        return bytes(data)

    def event(self, verb: str, *args: str) -> None:
        self.send(Message(protocol.EVENT_TAG, verb, tuple(args)))

    # --- commands ------------------------------------------------------------------------------

    def _dispatch(self, message: Message) -> None:
        with self._lock:
            key = message.body
            if self._last_command and self._last_command[0] == key:
                self._emit(self._last_command[1])  # a repeat: same answer, no second action
                return
            try:
                args = self._execute(message.verb, message.args)
                reply = Message(message.tag, "ACK", tuple(args))
            except _Nak as nak:
                reply = Message(message.tag, "NAK", (str(nak.code), *nak.text.split()))
            line = protocol.encode(reply)
            self._last_command = (key, line)
            self._emit(line)

    def _execute(self, verb: str, args: tuple[str, ...]) -> list[str]:
        handler = getattr(self, f"_cmd_{verb.rstrip('?').lower()}", None)
        if handler is None:
            raise _Nak(100, f"unknown command {verb}")
        return handler(verb.endswith("?"), args)

    def _number(self, args: tuple[str, ...], low: float, high: float, what: str) -> float:
        try:
            value = float(args[0])
        except (IndexError, ValueError):
            raise _Nak(101, f"{what} needs a number") from None
        if not low <= value <= high:
            raise _Nak(101, f"{what} {value:g} outside {low:g}-{high:g}")
        return value

    def _settable(self) -> None:
        if self.state in ("PREP", "READY", "EXPOSING"):
            raise _Nak(302, f"busy ({self.state.lower()}): release first")

    def _cmd_id(self, query, args):
        return [IDENT]

    def _cmd_state(self, query, args):
        return [self.state]

    def _cmd_fault(self, query, args):
        return [str(self.fault[0]), *self.fault[1].split()] if self.fault else ["0", "OK"]

    def _cmd_last(self, query, args):
        return self.last.split()

    def _cmd_heat(self, query, args):
        return [f"{self._heat_percent():.1f}"]

    def _cmd_kv(self, query, args):
        if not query:
            self._settable()
            self.kv = self._number(args, *self.kv_range, "kV")
        return [f"{self.kv:g}"]

    def _cmd_ma(self, query, args):
        if not query:
            self._settable()
            ma = self._number(args, 10, self.max_ma[self.focus], "mA")
            if ma * self.kv > self.power_w[self.focus]:
                raise _Nak(103, f"{ma:g} mA at {self.kv:g} kV exceeds the focus power rating")
            self.ma = ma
        return [f"{self.ma:g}"]

    def _cmd_ms(self, query, args):
        if not query:
            self._settable()
            self.ms = self._number(args, 1, 10000, "ms")
        return [f"{self.ms:g}"]

    def _cmd_mas(self, query, args):
        if not query:
            self._settable()
            mas = self._number(args, 0.1, 1000, "mAs")
            ma = min(self.max_ma[self.focus], self.power_w[self.focus] / self.kv)
            if mas * 1000 / ma < 2:  # shortest switchable time 2 ms: lower the current
                ma = max(10.0, mas * 1000 / 2)
            self.ma, self.ms = round(ma, 1), round(mas * 1000 / ma, 2)
        return [f"{self.ma * self.ms / 1000:g}"]

    def _cmd_focus(self, query, args):
        if not query:
            self._settable()
            if not args or args[0] not in ("S", "L"):
                raise _Nak(101, "focus must be S or L")
            self.focus = args[0]
            self.ma = min(self.ma, self.max_ma[self.focus])
        return [self.focus]

    def _cmd_aec(self, query, args):
        if not query:
            self._settable()
            if args[:1] == ("OFF",):
                self.aec = False
            elif args[:1] == ("ON",) and len(args) == 2 and len(args[1]) == 3 \
                    and set(args[1]) <= {"0", "1"} and "1" in args[1]:
                self.aec, self.aec_chambers = True, args[1]
            else:
                raise _Nak(101, "AEC takes OFF or ON with three chamber flags e.g. ON 010")
        return ["ON", self.aec_chambers] if self.aec else ["OFF"]

    def _cmd_prep(self, query, args):
        if self.fault:
            raise _Nak(201, f"fault {self.fault[0]} active: RESET first")
        if self.state in ("PREP", "READY"):
            return []
        if self.state == "EXPOSING":
            raise _Nak(302, "busy (exposing)")
        self._abort.clear()
        self._set_state("PREP")
        threading.Thread(target=self._prep_done, daemon=True).start()
        return []

    def _prep_done(self) -> None:
        if self._abort.wait(self.prep_s * self.time_scale):
            return
        with self._lock:
            if self.state == "PREP":
                self._set_state("READY")

    def _cmd_expose(self, query, args):
        if self.fault:
            raise _Nak(201, f"fault {self.fault[0]} active: RESET first")
        if self.state == "EXPOSING":
            return []
        if self.state != "READY":
            raise _Nak(301, "not ready: PREP first and wait for READY")
        if not self.room.detector_ready():
            raise _Nak(310, "detector not ready: interlock open")
        self.exposures += 1
        self._set_state("EXPOSING")
        threading.Thread(target=self._exposure, args=(self.exposures,), daemon=True).start()
        return []

    def _exposure(self, number: int) -> None:
        kv = self.kv * (1 + self.rng.gauss(0, 0.004))
        ma = self.ma * (1 + self.rng.gauss(0, 0.008))
        planned_ms = self.ms
        if self.aec:
            planned_ms = min(self.ms, self.room.aec_mas(kv, self.aec_chambers) * 1000 / ma)
        faulting = self.fault_on_exposure == number
        run_ms = planned_ms * (0.4 if faulting else 1.0)
        self.room.beam_on()
        aborted = self._abort.wait(run_ms / 1000 * self.time_scale)
        ms = run_ms if not aborted else run_ms / 2  # released early: about half given
        mas = ma * ms / 1000
        self.room.beam_off(kv, mas)
        with self._lock:
            self.heat_hu = self._heat_now() + kv * mas * 1.35
            dap = self.room.dap_mGy_cm2(kv, mas)
            partial = faulting or aborted
            self.last = (f"{number} KV {kv:.1f} MA {ma:.1f} MS {ms:.2f} MAS {mas:.3f} "
                         f"DAP {dap:.4f} HEAT {self._heat_percent():.1f}"
                         + (" PARTIAL" if partial else "") + self._beam_report(kv, mas))
            self.event("DONE", *self.last.split())
            if faulting:
                self.fault = (401, f"Tube arc: exposure stopped at {mas:.2f} mAs")
                self.event("FAULT", "401", *self.fault[1].split())
                self._set_state("FAULT")
            else:
                self._set_state("STANDBY")

    def _beam_report(self, kv: float, mas: float) -> str:
        """A mammography tube's beam: target/filter/filter mm, HVL (mm Al) of the actual kV and
        the air kerma at 1 m (mGy) from its output calibration; nothing for other tubes."""
        beam = self.room.beam(kv)
        if beam is None:
            return ""
        hvl = physics.half_value_layer_mm_al(beam.tube, round(kv, 1))
        symbol = {term: sym for sym, term in ELEMENTS.items()}
        return (f" TF {symbol[beam.AnodeTargetMaterial]}/{symbol[beam.FilterMaterial]}"
                f"/{beam.filter_mm:.3f}"
                f" HVL {hvl:.3f} K1M {self.room.air_kerma_1m_mGy(kv, mas):.3f}")

    def _cmd_tf(self, query, args):
        beam = self.room.beam(self.kv)
        if beam is None:
            raise _Nak(100, "no target/filter selection on this tube")
        return [beam.AnodeTargetMaterial, beam.FilterMaterial, f"{beam.filter_mm:.3f}"]

    def _cmd_release(self, query, args):
        if self.state in ("PREP", "READY", "EXPOSING"):
            self._abort.set()
            if self.state != "EXPOSING":
                self._set_state("STANDBY")
        return []

    def _cmd_reset(self, query, args):
        if self.state == "EXPOSING":
            raise _Nak(302, "busy (exposing)")
        self.fault = None
        self._set_state("STANDBY")
        return []

    def _set_state(self, state: str) -> None:
        self.state = state
        self.event("STATE", state)

    def _heat_now(self) -> float:
        now = time.monotonic()
        self.heat_hu = max(0.0, self.heat_hu - COOLING_HU_PER_S * (now - self._heat_time))
        self._heat_time = now
        return self.heat_hu

    def _heat_percent(self) -> float:
        return 100.0 * self._heat_now() / HEAT_CAPACITY_HU


class _Nak(Exception):
    def __init__(self, code: int, text: str) -> None:
        super().__init__(text)
        self.code, self.text = code, text

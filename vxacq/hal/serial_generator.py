"""SerialGenerator: the console's driver for a generator speaking the VXacq line protocol.

Settings are declared once, pymeasure-style (command, limits, units, kind, docstring); every
reply passes through one hook, :meth:`SerialGenerator.check_reply`, which turns a NAK into a
:class:`GeneratorError`. A background reader splits the byte stream into messages, hands replies
to the waiting command and applies events (state changes, exposure done, faults). Lines that are
not valid messages are counted and dropped; a command whose reply does not come is sent again
with the same sequence number (the generator answers a repeat without acting twice), so
garbled or lost lines cost time, never a wrong action, and nothing waits forever.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from typing import Any

from vxacq.hal import protocol
from vxacq.hal.errors import GeneratorError
from vxacq.hal.generator import ELEMENTS, ExposureReport, Generator, GeneratorState, Technique
from vxacq.hal.observable import observable_with_setter
from vxacq.hal.protocol import Message
from vxacq.hal.status import Status
from vxacq.hal.transport import SerialTransport, Transport

log = logging.getLogger(__name__)


class Control:
    """A declared generator setting: query and set commands, allowed values, units, kind."""

    def __init__(self, name: str, doc: str, values: tuple[float, float] | Sequence[str],
                 units: str = "", kind: str = "config", cast: Callable[[str], Any] = float,
                 fmt: str = "{:g}") -> None:
        self.command, self.__doc__ = name, doc
        self.values, self.units, self.kind, self.cast, self.fmt = values, units, kind, cast, fmt

    def __set_name__(self, owner: type, attr: str) -> None:
        self.attr = attr

    def validate(self, value: Any) -> Any:
        if isinstance(self.values, tuple) and len(self.values) == 2 and \
                all(isinstance(v, (int, float)) for v in self.values):
            low, high = self.values
            if not isinstance(value, (int, float)) or not low <= value <= high:
                raise ValueError(f"{self.attr} {value!r} is outside {low:g}–{high:g} {self.units}")
            return value
        if value not in self.values:
            raise ValueError(f"{self.attr} {value!r} is not one of {', '.join(self.values)}")
        return value

    def __get__(self, obj: SerialGenerator | None, owner: type) -> Any:
        if obj is None:
            return self
        args = obj.ask(f"{self.command}?")
        return self.cast(args[0])

    def __set__(self, obj: SerialGenerator, value: Any) -> None:
        obj.ask(f"{self.command} {self.fmt.format(self.validate(value))}")


def _report(args: Sequence[str]) -> ExposureReport:
    """Parse ``<n> KV v MA v MS v MAS v DAP v HEAT v [PARTIAL] [TF t/f/mm HVL v K1M v]`` (DAP
    in mGy·cm², HVL in mm Al, K1M the air kerma at 1 m in mGy; TF target/filter by symbol)."""
    number, rest = int(args[0]), list(args[1:])
    complete = "PARTIAL" not in rest
    rest = [a for a in rest if a != "PARTIAL"]
    pairs = {rest[i].upper(): rest[i + 1] for i in range(0, len(rest) - 1, 2)}
    beam = {}
    if "TF" in pairs:
        target, material, thickness = pairs.pop("TF").upper().split("/")
        if target not in ELEMENTS or material not in ELEMENTS:
            raise ValueError(f"unknown target/filter {target}/{material}")
        beam = dict(anode_target=ELEMENTS[target], filter_material=ELEMENTS[material],
                    filter_mm=float(thickness))
    values = {key: float(value) for key, value in pairs.items()}
    return ExposureReport(number=number, kv=values["KV"], ma=values["MA"], ms=values["MS"],
                          mas=values["MAS"], dap_Gy_cm2=values["DAP"] / 1000.0,
                          heat_percent=values.get("HEAT"), complete=complete,
                          hvl_mm_al=values.get("HVL"), air_kerma_1m_mGy=values.get("K1M"),
                          **beam)


class SerialGenerator(Generator):
    """Generator on a serial line; ``transport`` is a URL or an open Transport."""

    kv = Control("KV", "Control the tube voltage set point (kV).", (20.0, 150.0), "kV")
    ma = Control("MA", "Control the tube current set point (mA).", (10.0, 1000.0), "mA")
    ms = Control("MS", "Control the exposure time set point (ms).", (1.0, 10000.0), "ms")
    mas = Control("MAS", "Set the current-time product (mAs); the generator picks mA and ms.",
                  (0.1, 1000.0), "mAs")
    focus = Control("FOCUS", "Control the focal spot: S (small) or L (large).", ("S", "L"),
                    cast=str, fmt="{}")
    heat = Control("HEAT", "Measure the anode heat (percent of capacity).", (0.0, 100.0), "%",
                   kind="diagnostic")

    def __init__(self, transport: Transport | str, reply_timeout: float = 0.25,
                 retries: int = 6, poll_interval: float = 0.25) -> None:
        if isinstance(transport, str):
            try:
                transport = SerialTransport(transport)
            except ConnectionError as exc:
                raise GeneratorError("link", f"{exc}: check generator_url and the cable") from None
        self._transport = transport
        self.reply_timeout, self.retries, self.poll_interval = reply_timeout, retries, poll_interval
        self.state, self._store_state = observable_with_setter(
            "generator_state", GeneratorState.OFF, kind="diagnostic")
        self.fault: tuple[str, str] | None = None
        self.last_report: ExposureReport | None = None
        self.garbled_lines = 0
        self._seq = 0
        self._cmd_lock = threading.Lock()
        self._replies: queue.Queue[Message] = queue.Queue()
        self._report_event = threading.Condition()
        self._buffer = protocol.LineBuffer()
        self._closing = threading.Event()
        self._link_error: str | None = None
        self._reader = threading.Thread(target=self._read_loop, name="generator-reader",
                                        daemon=True)
        self._reader.start()

    # --- the protocol hook ----------------------------------------------------------------

    def check_reply(self, command: str, reply: Message) -> tuple[str, ...]:
        """Return an ACK's arguments; raise GeneratorError(code, text) for a NAK."""
        if reply.verb == "ACK":
            return reply.args
        if reply.verb == "NAK":
            code = reply.args[0] if reply.args else "?"
            text = " ".join(reply.args[1:]) or "refused"
            raise GeneratorError(f"NAK{code}", f"refused '{command}': {text} (code {code})")
        raise GeneratorError("protocol", f"unexpected reply {reply.verb!r} to '{command}'")

    def ask(self, command: str) -> tuple[str, ...]:
        """Send one command and return the ACK's arguments (retrying lost or garbled replies)."""
        with self._cmd_lock:
            self._seq = (self._seq + 1) % 100
            tag = f"{self._seq:02d}"
            line = protocol.encode(f"{tag} {command}")
            for _ in range(self.retries + 1):
                if self._link_error:
                    raise GeneratorError("link", f"serial link lost: {self._link_error}")
                try:
                    self._transport.write(line)
                except ConnectionError as exc:
                    raise GeneratorError("link", f"serial link lost: {exc}") from None
                reply = self._wait_reply(tag)
                if reply is not None:
                    return self.check_reply(command, reply)
                log.info("no reply to %r, sending it again", command)
        error = GeneratorError(
            "no-reply", f"no valid answer to '{command}' after {self.retries + 1} tries: "
            "check the cable, the port settings and that the generator is on")
        self.fault = ("COMM", error.text)
        self._set_state(GeneratorState.FAULT)
        raise error

    def _wait_reply(self, tag: str) -> Message | None:
        deadline = threading.Event()
        timer = threading.Timer(self.reply_timeout, deadline.set)
        timer.start()
        try:
            while not deadline.is_set():
                try:
                    reply = self._replies.get(timeout=0.02)
                except queue.Empty:
                    continue
                if reply.tag == tag:
                    return reply
                log.debug("dropping stale reply %s", reply.body)  # answer to an earlier try
            return None
        finally:
            timer.cancel()

    def _read_loop(self) -> None:
        while not self._closing.is_set():
            try:
                data = self._transport.read()
            except ConnectionError as exc:
                self._link_error = str(exc)
                self._set_state(GeneratorState.OFF)
                return
            if not data:
                continue
            for line in self._buffer.feed(data):
                try:
                    message = protocol.decode(line)
                except protocol.FramingError as exc:
                    self.garbled_lines += 1
                    log.info("dropped a line that is not a message (%s): %r", exc, line[:60])
                    continue
                if message.is_event:
                    self._apply_event(message)
                else:
                    self._replies.put(message)

    def _apply_event(self, event: Message) -> None:
        try:
            if event.verb == "STATE":
                self._set_state(GeneratorState(event.args[0].lower()))
            elif event.verb == "DONE":
                self._new_report(_report(event.args))
            elif event.verb == "FAULT":
                self.fault = (event.args[0], " ".join(event.args[1:]))
                self._set_state(GeneratorState.FAULT)
        except (ValueError, IndexError, KeyError):
            self.garbled_lines += 1
            log.info("ignored a malformed event: %s", event.body)

    def _new_report(self, report: ExposureReport) -> None:
        with self._report_event:
            if self.last_report is None or report.number != self.last_report.number:
                self.last_report = report
            self._report_event.notify_all()

    # --- the Generator interface ------------------------------------------------------------

    def connect(self) -> dict[str, str]:
        ident = self.ask("ID?")
        maker, model, serial, firmware = (" ".join(ident).split(",") + ["", "", "", ""])[:4]
        self.poll_state()
        last = self.ask("LAST?")
        if last and last[0] != "NONE":
            self._new_report(_report(last))
        return {"manufacturer": maker, "model": model, "serial": serial, "firmware": firmware}

    def poll_state(self) -> GeneratorState:
        """Measure the state (and fault, if any) by query; events keep it current in between."""
        state = GeneratorState(self.ask("STATE?")[0].lower())
        if state is GeneratorState.FAULT:
            args = self.ask("FAULT?")
            self.fault = (args[0], " ".join(args[1:]))
        self._set_state(state)
        return state

    def set_technique(self, technique: Technique) -> None:
        self.focus = "S" if technique.focus == "small" else "L"
        self.kv = technique.kv
        if technique.mas is not None:
            self.mas = technique.mas
        else:
            self.ma = technique.ma
            self.ms = technique.ms
        self.ask(f"AEC ON {technique.aec_chambers}" if technique.aec else "AEC OFF")

    def prepare(self, timeout: float) -> Status:
        st = Status("generator prep", timeout, on_failure=self._abort, device=GeneratorError,
                    remedy="the generator did not become ready and was released; look for a "
                    "fault on the generator's own panel, then press Prep again")
        self.ask("PREP")
        self._watch(st, lambda: self.state.value is GeneratorState.READY, lambda: None)
        return st

    def expose(self, timeout: float) -> Status:
        st = Status("exposure", timeout, on_failure=self._abort, device=GeneratorError,
                    remedy="the generator did not report the end of the exposure and was "
                    "released; check the generator before the next exposure (its exposure "
                    "counter says whether one was made)")
        before = self.last_report.number if self.last_report else None
        self.ask("EXPOSE")

        def finished() -> bool:
            report = self.last_report
            return report is not None and report.number != before and \
                self.state.value is not GeneratorState.EXPOSING

        self._watch(st, finished, lambda: self.last_report)
        return st

    def _watch(self, st: Status, finished: Callable[[], bool], result: Callable[[], Any]) -> None:
        """Finish ``st`` when ``finished()``; fail it on a fault. Events wake it; polling backs up
        lost events."""

        def run() -> None:
            while not st.done:
                if self.state.value is GeneratorState.FAULT:
                    code, text = self.fault or ("?", "unknown fault")
                    error = GeneratorError(f"E{code}", f"fault {code}: {text}")
                    error.partial = result() if finished() else None  # dose already given
                    st.set_exception(error)
                    return
                if finished():
                    st.set_finished(result())
                    return
                with self._report_event:
                    woken = self._report_event.wait(self.poll_interval)
                if woken:
                    continue
                try:  # nothing heard for a while: an event may have been lost, so ask
                    self.poll_state()
                    last = self.ask("LAST?")
                    if last and last[0] != "NONE":
                        self._new_report(_report(last))
                except GeneratorError as exc:
                    st.set_exception(exc)
                    return

        threading.Thread(target=run, name=f"watch {st.name}", daemon=True).start()

    def _set_state(self, state: GeneratorState) -> None:
        self._store_state(state)
        self._wake()

    def _wake(self) -> None:
        with self._report_event:
            self._report_event.notify_all()

    def _abort(self) -> None:
        try:
            self.release()
        except GeneratorError:
            pass

    def release(self) -> None:
        self.ask("RELEASE")

    def reset(self) -> None:
        self.ask("RESET")
        self.fault = None
        self.poll_state()

    def close(self) -> None:
        self._closing.set()
        self._reader.join(timeout=1)
        self._transport.close()

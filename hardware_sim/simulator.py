"""The simulated X-ray room: generator firmware on a serial link, a flat panel, and faults.

``Simulator(...).start()`` serves the generator's line protocol on a TCP port
(``generator_url`` = ``socket://127.0.0.1:PORT``) or on a pty (``link="pty"``), and the detector
and control channel on another TCP port (``detector_url`` = ``tcp://127.0.0.1:PORT``). The
control channel speaks JSON lines (see docs/hardware-protocol.md): the detector commands the
console's driver uses, plus ``position`` (phantom, SID, grid, field) and ``fault``/``clear-faults``
for QA. The same things are methods here: :meth:`position`, :meth:`inject`, :meth:`clear_faults`.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import socketserver
import threading
import tty
from collections.abc import Iterable
from typing import Any

from hardware_sim import physics
from hardware_sim.detector_models import get_model
from hardware_sim.firmware import GeneratorFirmware
from hardware_sim.panel import PanelError, Scene, SimulatedPanel
from vxacq.hal.faults import FaultSpec, parse_fault

log = logging.getLogger(__name__)

AEC_TARGET_UGY = {"DX": 2.5, "MG": 100.0}


class Room:
    """Couples generator and panel: beam on/off, interlock, AEC and DAP from the scene."""

    def __init__(self, panel: SimulatedPanel) -> None:
        self.panel = panel

    def detector_ready(self) -> bool:
        # Only the triggered handshake wires the panel's ready signal into the generator.
        return self.panel.mode != "triggered" or self.panel.ready()

    def beam_on(self) -> None:
        self.panel.beam_on()

    def beam(self, kv: float) -> physics.Beam | None:
        """The mammography tube's target/filter at ``kv`` (None for a general radiography tube)."""
        return physics.mammo_beam(kv) if self.panel.model.modality == "MG" else None

    def _tube(self, kv: float) -> str:
        beam = self.beam(kv)
        return beam.tube if beam else self.panel.model.tube

    def beam_off(self, kv: float, mas: float) -> None:
        self.panel.beam_off(kv, mas, self._tube(kv))

    def aec_mas(self, kv: float, chambers: str) -> float:
        s, m = self.panel.scene, self.panel.model
        per_mas = physics.chamber_kerma_per_mas(m, s.rendered_phantom, kv, s.sid_mm, s.grid,
                                                s.field, s.mirror, tube=self._tube(kv))
        return AEC_TARGET_UGY[m.modality] / max(per_mas, 1e-9)

    def dap_mGy_cm2(self, kv: float, mas: float) -> float:
        s, m = self.panel.scene, self.panel.model
        field = s.field or physics.Field(m.width_mm, m.height_mm)
        incident = physics.tube_output(self._tube(kv), kv) * mas * (1000.0 / s.sid_mm) ** 2
        return incident / 1000.0 * field.width_mm * field.height_mm / 100.0

    def air_kerma_1m_mGy(self, kv: float, mas: float) -> float:
        """Air kerma free in air at 1 m from the focal spot (mGy): the tube's output times mAs."""
        return physics.tube_output(self._tube(kv), kv) * mas / 1000.0


class Simulator:
    def __init__(self, model: str = "DR4343", time_scale: float = 1.0,
                 faults: Iterable[str | FaultSpec] = (), link: str = "tcp", prep_s: float = 0.8,
                 seed: int | None = None, memory_dir: str | None = None) -> None:
        """``memory_dir``: the panel's non-volatile memory (see :mod:`hardware_sim.panel`)."""
        self.model = get_model(model)
        self.panel = SimulatedPanel(self.model, time_scale=time_scale, memory_dir=memory_dir)
        self.room = Room(self.panel)
        kv_range = (20.0, 49.0) if self.model.modality == "MG" else (40.0, 150.0)
        self.firmware = GeneratorFirmware(self.room, kv_range, time_scale, prep_s, seed,
                                          tube=self.model.tube)
        self.link = link
        self.generator_url = ""
        self.detector_url = ""
        self._closers: list[Any] = []
        self._send_lock = threading.Lock()
        for spec in faults:
            self.inject(spec)

    # --- run time API ----------------------------------------------------------------------

    def position(self, phantom: str | None = None, sid_mm: float = 1800.0, grid: bool = True,
                 field: physics.Field | None = None, mirror: bool = False,
                 seed: int | None = None, stand_mm: float | None = None) -> None:
        """Place the patient (a phantom) and set SID, grid and collimation for the next frames;
        for a long phantom, ``stand_mm`` is where the detector stands along it."""
        long = physics.phantoms.LONG_PHANTOMS
        if phantom is not None and phantom not in physics.phantoms.PHANTOMS and phantom not in long:
            raise ValueError(f"unknown phantom '{phantom}'")
        if (phantom in long) != (stand_mm is not None):
            raise ValueError(f"phantom '{phantom}' needs a stand position" if phantom in long
                             else "a stand position is only for a long phantom "
                             f"({', '.join(long)})")
        self.panel.scene = Scene(phantom, mirror, float(sid_mm), bool(grid), field, seed,
                                 None if stand_mm is None else float(stand_mm))
        if stand_mm is not None:  # drawn while the room gets ready, not during the readout
            threading.Thread(target=physics.prepare, daemon=True, name="sim-prepare", args=(
                self.model, self.panel.scene.rendered_phantom, mirror)).start()

    def inject(self, spec: str | FaultSpec) -> FaultSpec:
        fault = parse_fault(spec) if isinstance(spec, str) else spec
        f, pf = self.firmware, self.panel.faults
        if fault.name == "generator-fault":
            f.fault_on_exposure = f.exposures + int(fault.value)
        elif fault.name == "serial-garble":
            f.garble = fault.value
        elif fault.name == "serial-drop":
            f.drop = fault.value
        elif fault.name == "link-drop":
            pf.link_drops = int(fault.value)
        elif fault.name == "readout-timeout":
            pf.readout_timeout = True
        elif fault.name == "low-battery":
            pf.battery_percent = fault.value
        elif fault.name == "over-temperature":
            pf.temperature_C = fault.value
        elif fault.name == "aed-false-trigger":
            pf.aed_false_trigger = True
        log.info("fault injected: %s", fault)
        return fault

    def clear_faults(self) -> None:
        """Remove every injected fault (a latched generator fault still needs RESET)."""
        self.firmware.fault_on_exposure = None
        self.firmware.garble = self.firmware.drop = 0.0
        self.panel.clear_faults()

    def faults(self) -> dict[str, Any]:
        pf = self.panel.faults
        return {"generator_fault_on_exposure": self.firmware.fault_on_exposure,
                "serial_garble": self.firmware.garble, "serial_drop": self.firmware.drop,
                "link_drops": pf.link_drops, "readout_timeout": pf.readout_timeout,
                "battery_percent": pf.battery_percent, "temperature_C": pf.temperature_C,
                "aed_false_trigger": pf.aed_false_trigger}

    # --- serving ---------------------------------------------------------------------------

    def start(self, host: str = "127.0.0.1", generator_port: int = 0,
              control_port: int = 0) -> Simulator:
        if self.link == "pty":
            self._serve_pty()
        else:
            self._serve_serial_tcp(host, generator_port)
        server = _ControlServer((host, control_port), _ControlHandler)
        server.simulator = self
        threading.Thread(target=server.serve_forever, name="sim-control", daemon=True).start()
        self._closers.append(lambda: (server.shutdown(), server.server_close()))
        self.detector_url = f"tcp://{host}:{server.server_address[1]}"
        return self

    def _serve_serial_tcp(self, host: str, port: int) -> None:
        listener = socket.create_server((host, port))
        self.generator_url = f"socket://{host}:{listener.getsockname()[1]}"
        stop = threading.Event()

        def accept_loop() -> None:
            while not stop.is_set():
                try:
                    conn, _ = listener.accept()
                except OSError:
                    return
                self._pump_socket(conn, stop)

        threading.Thread(target=accept_loop, name="sim-serial", daemon=True).start()

        def close() -> None:
            stop.set()
            listener.close()

        self._closers.append(close)

    def _pump_socket(self, conn: socket.socket, stop: threading.Event) -> None:
        def send(data: bytes) -> None:
            with self._send_lock:
                try:
                    conn.sendall(data)
                except OSError:
                    pass

        self.firmware.send_raw = send
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn.settimeout(0.2)
        with conn:
            while not stop.is_set():
                try:
                    data = conn.recv(4096)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if not data:
                    break
                self.firmware.receive(data)
        self.firmware.send_raw = lambda data: None

    def _serve_pty(self) -> None:
        master, slave = os.openpty()
        tty.setraw(slave)
        self.generator_url = os.ttyname(slave)
        stop = threading.Event()

        def send(data: bytes) -> None:
            with self._send_lock:
                os.write(master, data)

        self.firmware.send_raw = send

        def pump() -> None:
            import select

            while not stop.is_set():
                ready, _, _ = select.select([master], [], [], 0.2)
                if ready:
                    try:
                        self.firmware.receive(os.read(master, 4096))
                    except OSError:
                        return

        threading.Thread(target=pump, name="sim-pty", daemon=True).start()

        def close() -> None:
            stop.set()
            for fd in (master, slave):
                try:
                    os.close(fd)
                except OSError:
                    pass

        self._closers.append(close)

    def close(self) -> None:
        while self._closers:
            self._closers.pop()()

    def __enter__(self) -> Simulator:
        return self.start() if not self.generator_url else self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _ControlServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    simulator: Simulator


class _ControlHandler(socketserver.StreamRequestHandler):
    """One JSON request per line, one JSON answer per line (``frame`` adds the pixel bytes)."""

    def handle(self) -> None:
        sim: Simulator = self.server.simulator  # type: ignore[attr-defined]
        for raw in self.rfile:
            try:
                request = json.loads(raw)
                reply, payload = self._answer(sim, request)
            except (ValueError, KeyError, TypeError) as exc:
                reply, payload = {"ok": False, "code": "bad-request", "error": str(exc)}, None
            except PanelError as exc:
                reply, payload = {"ok": False, "code": exc.code, "error": str(exc)}, None
            self.wfile.write(json.dumps(reply).encode() + b"\n")
            if payload is not None:
                if sim.panel.take_link_drop():
                    self.wfile.write(payload[: len(payload) // 2])
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return  # the link drops in the middle of the transfer
                self.wfile.write(payload)
            self.wfile.flush()

    def _answer(self, sim: Simulator, req: dict) -> tuple[dict, bytes | None]:
        cmd, panel, m = req["cmd"], sim.panel, sim.model
        if cmd == "info":
            return {"ok": True, "manufacturer": m.manufacturer, "model_name": m.model_name,
                    "serial_number": m.serial_number, "rows": m.rows, "columns": m.columns,
                    "pixel_pitch_mm": m.pixel_pitch_mm, "bits_stored": m.bits_stored,
                    "modality": m.modality, "wireless": m.wireless,
                    "readout_s": m.readout_s * panel.time_scale}, None
        if cmd == "health":
            return {"ok": True, **panel.health()}, None
        if cmd == "status":
            return {"ok": True, **panel.status()}, None
        if cmd == "arm":
            panel.arm(req.get("mode", "triggered"), str(req.get("tag", "")))
            return {"ok": True}, None
        if cmd == "disarm":
            panel.disarm()
            return {"ok": True}, None
        if cmd == "frame":
            held = panel.frame(req.get("frame_id"))
            if held is None:
                error = (f"frame {req['frame_id']} is not held" if req.get("frame_id")
                         else "no frame is held")
                return {"ok": False, "code": "no-frame", "error": error}, None
            data = held.pixels.astype("<u2").tobytes()
            return {"ok": True, "frame_id": held.frame_id, "rows": held.pixels.shape[0],
                    "columns": held.pixels.shape[1], "nbytes": len(data),
                    "metadata": held.metadata}, data
        if cmd == "ack":
            return {"ok": panel.ack(req["frame_id"])}, None
        if cmd == "position":
            f = req.get("field")
            field = physics.Field(f["width_mm"], f["height_mm"], tuple(f.get("centre_mm", (0, 0))),
                                  f.get("rotation_deg", 0.0)) if f else None
            sim.position(req.get("phantom"), req.get("sid_mm", 1800.0), req.get("grid", True),
                         field, req.get("mirror", False), req.get("seed"), req.get("stand_mm"))
            return {"ok": True}, None
        if cmd == "fault":
            return {"ok": True, "fault": str(sim.inject(req["spec"]))}, None
        if cmd == "clear-faults":
            sim.clear_faults()
            return {"ok": True}, None
        if cmd == "faults":
            return {"ok": True, **sim.faults()}, None
        return {"ok": False, "code": "unknown-command", "error": f"unknown command {cmd!r}"}, None

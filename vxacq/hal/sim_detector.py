"""SimDetector: driver for the simulator's flat panel over its TCP control channel (JSON lines).

``tcp://HOST:PORT`` is the panel; requests and answers are one JSON object per line, and a
``frame`` answer is followed by the pixel bytes (uint16 little-endian, row by row). A failed
transfer leaves the frame in the panel, which :meth:`SimDetector.recover_frame` fetches again.
The panel is armed with the exposure's UID as a tag and numbers its frames, so
:meth:`SimDetector.read_frame` takes only the frame of the exposure it waits for.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from typing import Any
from urllib.parse import urlparse

import numpy as np

from vxacq.hal.detector import (
    Detector, DetectorHealth, DetectorInfo, DetectorState, RawFrame, SyncMode,
)
from vxacq.hal.errors import DetectorError
from vxacq.hal.frames import FrameExpectation, FrameInfo, PanelMemory
from vxacq.hal.observable import observable_with_setter
from vxacq.hal.status import Status

log = logging.getLogger(__name__)


class SimDetector(Detector):
    def __init__(self, url: str, io_timeout: float = 5.0, poll_interval: float = 0.05) -> None:
        parsed = urlparse(url)
        if parsed.scheme != "tcp" or not parsed.hostname or not parsed.port:
            raise DetectorError("config", f"detector_url {url!r} must look like tcp://HOST:PORT")
        self.url, self._address = url, (parsed.hostname, parsed.port)
        self.io_timeout, self.poll_interval = io_timeout, poll_interval
        self.state, self._set_state = observable_with_setter(
            "detector_state", DetectorState.DISCONNECTED, kind="diagnostic")
        self.info: DetectorInfo | None = None
        self.error: tuple[str, str] | None = None
        self._sock: socket.socket | None = None
        self._file = None
        self._lock = threading.Lock()

    # --- link ------------------------------------------------------------------------------

    def _open(self) -> None:
        try:
            self._sock = socket.create_connection(self._address, timeout=self.io_timeout)
        except OSError as exc:
            self._set_state(DetectorState.DISCONNECTED)
            raise DetectorError("link", f"cannot reach the panel at {self.url}: {exc}") from None
        self._file = self._sock.makefile("rb")

    def _drop_link(self) -> None:
        for thing in (self._file, self._sock):
            try:
                if thing is not None:
                    thing.close()
            except OSError:
                pass
        self._sock = self._file = None

    def request(self, cmd: str, **params: Any) -> dict[str, Any]:
        """One request/answer; DetectorError(code, message) when the panel refuses."""
        reply, _ = self._exchange({"cmd": cmd, **params}, want_payload=False)
        return reply

    def _exchange(self, request: dict, want_payload: bool) -> tuple[dict, bytes | None]:
        with self._lock:
            if self._sock is None:
                self._open()
            try:
                self._sock.sendall(json.dumps(request).encode() + b"\n")
                line = self._file.readline()
                if not line:
                    raise OSError("connection closed by the panel")
                reply = json.loads(line)
                payload = None
                if want_payload and reply.get("ok"):
                    payload = self._file.read(reply["nbytes"])
                    if len(payload) != reply["nbytes"]:
                        raise OSError(f"transfer ended after {len(payload)} of "
                                      f"{reply['nbytes']} bytes")
            except (OSError, ValueError) as exc:
                self._drop_link()
                raise DetectorError("link-lost", f"link to the panel lost during "
                                    f"'{request['cmd']}': {exc}") from None
        if not reply.get("ok"):
            raise DetectorError(reply.get("code", "refused"), reply.get("error", "refused"))
        return reply, payload

    # --- Detector interface ----------------------------------------------------------------

    def connect(self) -> DetectorInfo:
        info = self.request("info")
        self.info = DetectorInfo(**{k: info[k] for k in DetectorInfo.__dataclass_fields__})
        self._set_state(DetectorState.IDLE)
        return self.info

    def health(self) -> DetectorHealth:
        h = self.request("health")
        return DetectorHealth(h["temperature_C"], h["battery_percent"], h["link_quality_percent"],
                              h.get("battery_min_percent"))

    def position(self, **scene: Any) -> None:
        """Simulator room: place the phantom and set SID, grid, field (no real panel has this)."""
        self.request("position", **scene)

    def poll(self) -> dict[str, Any]:
        status = self.request("status")
        state = DetectorState(status["state"]) if status["state"] in DetectorState._value2member_map_ \
            else DetectorState.ERROR
        if status.get("error"):
            self.error = tuple(status["error"])
            state = DetectorState.ERROR
        self._set_state(state)
        return status

    def memory(self) -> PanelMemory:
        status = self.request("status")
        return PanelMemory(status.get("frame_count"), tuple(_frame_info(f) for f in
                                                            status.get("frames") or ()))

    def arm(self, mode: SyncMode, timeout: float, tag: str = "") -> Status:
        st = Status("detector arming", timeout, on_failure=self.disarm, device=DetectorError,
                    remedy="the panel did not become ready; check its link, battery and "
                    "temperature in the room status, then press Prep again")
        self._set_state(DetectorState.ARMING)
        try:
            self.request("arm", mode=SyncMode(mode).value, tag=tag)
        except DetectorError as exc:
            self.error = (exc.code, exc.text)
            self._set_state(DetectorState.ERROR)
            st.set_exception(exc)
            return st
        self._watch(st, lambda s: s["state"] == "ready", lambda s: None)
        return st

    def read_frame(self, timeout: float, expected: FrameExpectation | None = None) -> Status:
        st = Status("detector readout", timeout, device=DetectorError,
                    remedy="the panel did not deliver the frame (stuck in readout?). The "
                    "exposure was made: restart the panel, then recover its frame (Recover on "
                    "the exam screen, or `vxacq acquire --recover`)")

        def ours(status: dict) -> FrameInfo | None:
            if not status["frame_ready"]:
                return None
            frames = [_frame_info(f) for f in status.get("frames") or ()]
            if expected is None:
                return frames[0] if frames else None
            return next((f for f in frames if expected.matches(f)), None)

        self._watch(st, lambda s: ours(s) is not None,
                    lambda s: self._fetch(ours(s).frame_id))
        return st

    def _watch(self, st: Status, done, result) -> None:
        def run() -> None:
            while not st.done:
                try:
                    status = self.poll()
                    if status.get("error"):
                        code, message = status["error"]
                        st.set_exception(DetectorError(code, message))
                        return
                    if done(status):
                        st.set_finished(result(status))
                        return
                except DetectorError as exc:
                    self.error = (exc.code, exc.text)
                    self._set_state(DetectorState.ERROR)
                    st.set_exception(exc)
                    return
                time.sleep(self.poll_interval)

        threading.Thread(target=run, name=f"watch {st.name}", daemon=True).start()

    def _fetch(self, frame_id: str | None = None) -> RawFrame:
        request = {"cmd": "frame", **({"frame_id": frame_id} if frame_id else {})}
        reply, payload = self._exchange(request, want_payload=True)
        pixels = np.frombuffer(payload, dtype="<u2").reshape(reply["rows"], reply["columns"])
        meta = dict(reply["metadata"])
        return RawFrame(pixels=pixels.astype(np.uint16), frame_id=reply["frame_id"],
                        sync_mode=meta.pop("sync_mode"),
                        integration_start=meta.pop("integration_start") or "",
                        readout_end=meta.pop("readout_end"),
                        calibration_set=meta.pop("calibration_set"),
                        frame_number=meta.pop("frame_number", None), tag=meta.pop("tag", ""),
                        metadata=meta)

    def confirm_stored(self, frame_id: str) -> None:
        self.request("ack", frame_id=frame_id)

    def drop_frame(self, frame_id: str) -> None:
        self.request("ack", frame_id=frame_id)

    def recover_frame(self, timeout: float, frame_id: str | None = None,
                      attempts: int = 3) -> RawFrame | None:
        deadline = time.monotonic() + timeout
        for attempt in range(attempts):
            try:
                return self._fetch(frame_id)
            except DetectorError as exc:
                if exc.code == "no-frame":
                    return None
                if attempt == attempts - 1 or time.monotonic() > deadline:
                    raise
                time.sleep(self.poll_interval)
        return None

    def disarm(self) -> None:
        """Disarm; an ERROR state stays visible until the next arm."""
        try:
            self.request("disarm")
        except DetectorError:
            return
        if self.state.value is not DetectorState.ERROR:
            self._set_state(DetectorState.IDLE)

    def close(self) -> None:
        with self._lock:
            self._drop_link()
        self._set_state(DetectorState.DISCONNECTED)


def _frame_info(summary: dict[str, Any]) -> FrameInfo:
    return FrameInfo(frame_id=str(summary["frame_id"]), frame_number=summary.get("frame_number"),
                     tag=str(summary.get("tag") or ""),
                     integration_start=str(summary.get("integration_start") or ""))

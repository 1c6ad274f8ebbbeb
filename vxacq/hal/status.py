"""Future-like status objects for long hardware operations (prepare, expose, arm, readout).

A status has a required timeout; when it expires or the operation fails, the device's abort
callback runs (exposure off, detector disarmed) before waiters are woken. ``a & b`` is a status
that finishes when both have finished and fails as soon as either fails.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from vxacq.hal.errors import HardwareError


class StatusTimeout(HardwareError):
    device = "hardware"


class Status:
    def __init__(self, name: str, timeout: float, on_failure: Callable[[], None] | None = None,
                 device: type[HardwareError] = HardwareError, remedy: str = "") -> None:
        if timeout is None or timeout <= 0:
            raise ValueError("a status needs a finite positive timeout")
        self.name = name
        self.timeout = timeout
        self._on_failure = on_failure
        self._device = device
        self.remedy = remedy  # said with a time-out: what is wrong and what to do
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._result: Any = None
        self._exception: BaseException | None = None
        self._callbacks: list[Callable[[Status], None]] = []
        self._timer = threading.Timer(timeout, self._expire)
        self._timer.daemon = True
        self._timer.start()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    @property
    def success(self) -> bool:
        return self.done and self._exception is None

    def exception(self) -> BaseException | None:
        return self._exception

    def set_finished(self, result: Any = None) -> None:
        self._complete(result, None)

    def set_exception(self, exc: BaseException) -> None:
        self._complete(None, exc)

    def _expire(self) -> None:
        err = self._device("timeout", f"{self.name} did not finish within {self.timeout:g} s"
                           + (f": {self.remedy}" if self.remedy else ""))
        self._complete(None, err)

    def _complete(self, result: Any, exc: BaseException | None) -> None:
        with self._lock:
            if self._done.is_set():
                return
            self._result, self._exception = result, exc
        self._timer.cancel()
        if exc is not None and self._on_failure is not None:
            try:
                self._on_failure()
            except Exception:  # the original failure is what the caller must see
                pass
        self._done.set()
        for callback in list(self._callbacks):
            callback(self)

    def add_callback(self, callback: Callable[[Status], None]) -> None:
        with self._lock:
            if not self._done.is_set():
                self._callbacks.append(callback)
                return
        callback(self)

    def wait(self, timeout: float | None = None) -> Any:
        """Block until done; return the result or raise the failure."""
        if not self._done.wait(self.timeout + 1 if timeout is None else timeout):
            raise self._device("timeout", f"{self.name} still running after waiting")
        if self._exception is not None:
            raise self._exception
        return self._result

    def __and__(self, other: Status) -> Status:
        both = Status(f"{self.name} & {other.name}", max(self.timeout, other.timeout) + 1)

        def check(_: Status) -> None:
            for st in (self, other):
                if st.done and st.exception() is not None:
                    both.set_exception(st.exception())
                    return
            if self.done and other.done:
                both.set_finished((self._result, other._result))

        self.add_callback(check)
        other.add_callback(check)
        return both

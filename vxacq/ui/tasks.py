"""Work off the GUI thread, results back on it.

:class:`Tasks` runs a callable on a thread pool and calls ``done(result)`` or
``failed(exception)`` on the GUI thread; :func:`on_gui_thread` turns an observer that the
core calls from its own threads (exam events, outbox jobs, room status) into one that runs on
the GUI thread. Nothing that touches the network, the disk or the image chain runs in a slot.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives on the GUI thread; a signal emitted from a worker is delivered there (queued)."""

    call = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.call.connect(self._run)

    @Slot(object)
    def _run(self, fn: Callable[[], None]) -> None:
        try:
            fn()
        except Exception:  # a failing slot must not take the window down
            log.exception("GUI callback failed")


_relay: _Relay | None = None


def _the_relay() -> _Relay:
    global _relay
    if _relay is None:
        _relay = _Relay()
    return _relay


def on_gui_thread(callback: Callable[..., None]) -> Callable[..., None]:
    """``callback`` wrapped so that calling it from any thread runs it on the GUI thread."""
    relay = _the_relay()
    return lambda *args: relay.call.emit(lambda: callback(*args))


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], finish: Callable[[bool, Any], None]) -> None:
        super().__init__()
        self.fn, self.finish = fn, finish

    def run(self) -> None:
        try:
            result, ok = self.fn(), True
        except Exception as exc:  # reported to the screen that asked
            log.debug("background task failed", exc_info=True)
            result, ok = exc, False
        self.finish(ok, result)


class Tasks(QObject):
    """A small pool (the exam, the worklist and the service pages each get a thread)."""

    def __init__(self, threads: int = 4) -> None:
        super().__init__()
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(threads)

    def run(self, fn: Callable[[], Any], done: Callable[[Any], None] | None = None,
            failed: Callable[[Exception], None] | None = None) -> None:
        """Run ``fn()`` on the pool; then ``done(result)`` or ``failed(exc)`` on the GUI thread."""

        def finish(ok: bool, result: Any) -> None:
            if ok and done is not None:
                done(result)
            elif not ok:
                if failed is not None:
                    failed(result)
                else:
                    log.error("background task failed: %s", result)

        self.pool.start(_Job(fn, on_gui_thread(finish)))

    def wait(self, timeout_ms: int = 30000) -> bool:
        return self.pool.waitForDone(timeout_ms)


class Refresher(QObject):
    """Re-reads something for a screen on the pool: at most one read at a time and one per
    ``interval_ms``; requests meanwhile merge into one. Job progress arrives many times a
    second while a study is sent; the screen needs it a few times a second, read off the GUI
    thread."""

    def __init__(self, tasks: Tasks, fn: Callable[[], Any], done: Callable[[Any], None],
                 interval_ms: int = 500, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.fn, self.done = tasks, fn, done
        self._running = False
        self._wanted = False
        self._timer = QTimer(self, singleShot=True, interval=interval_ms,
                             timeout=self._start)

    def request(self) -> None:
        self._wanted = True
        if not self._running and not self._timer.isActive():
            self._timer.start()

    def now(self) -> None:
        """Read at once (a user's action), unless a read is already running."""
        self._wanted = True
        if not self._running:
            self._timer.stop()
            self._start()

    def _start(self) -> None:
        if self._running or not self._wanted:
            return
        self._running, self._wanted = True, False
        self.tasks.run(self.fn, self._finished, self._failed)

    def _finished(self, result: Any) -> None:
        self._running = False
        self.done(result)
        if self._wanted:
            self._timer.start()

    def _failed(self, exc: Exception) -> None:
        self._running = False
        log.warning("refresh failed: %s", exc)
        if self._wanted:
            self._timer.start()

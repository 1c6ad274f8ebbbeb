"""Work off the GUI thread, results back on it.

:class:`Tasks` runs a callable on a thread pool and calls ``done(result)`` or
``failed(exception)`` on the GUI thread; :func:`on_gui_thread` turns an observer that the
core calls from its own threads (exam events, outbox jobs, room status) into one that runs on
the GUI thread. Nothing that touches the network, the disk or the image chain runs in a slot.

The workers are Qt's pool running plain callables (no Python ``QRunnable`` subclass, whose
Python half Qt would delete on the worker). :class:`GuiGarbageCollector` keeps Python's cycle
collector on the GUI thread and out of destructors: a cycle holding a widget, collected on a
worker, would destroy the widget there (and crash Qt).
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal, Slot

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


class Tasks:
    """A small pool (the exam, the worklist and the service pages each get a thread)."""

    def __init__(self, threads: int = 4) -> None:
        self._pool = QThreadPool()
        self._pool.setMaxThreadCount(threads)
        self._closed = False

    def run(self, fn: Callable[[], Any], done: Callable[[Any], None] | None = None,
            failed: Callable[[Exception], None] | None = None,
            owner: QObject | None = None) -> None:
        """Run ``fn()`` on the pool; then ``done(result)`` or ``failed(exc)`` on the GUI thread.
        With ``owner`` (the widget that asked), neither is called once it is destroyed: a
        screen closed while its read ran has nothing left to show the answer on."""

        def finish(ok: bool, result: Any) -> None:
            if owner is not None and not shiboken6.isValid(owner):
                log.debug("background task ended after its screen was destroyed")
                return
            if ok and done is not None:
                done(result)
            elif not ok:
                if failed is not None:
                    failed(result)
                else:
                    log.error("background task failed: %s", result)

        if self._closed:  # the console is stopping: a screen's timer may still fire
            log.debug("console stopped: background task not started")
            return
        relay = on_gui_thread(finish)
        self._pool.start(lambda: _call(fn, relay))

    def wait(self, timeout_ms: int = 30000) -> bool:
        """True once every task started so far has ended (False after ``timeout_ms``)."""
        return self._pool.waitForDone(timeout_ms)

    def shutdown(self) -> None:
        """No new tasks; those not yet begun are dropped, running ones end by themselves."""
        self._closed = True
        self._pool.clear()


def _call(fn: Callable[[], Any], finish: Callable[[bool, Any], None]) -> None:
    try:
        result, ok = fn(), True
    except Exception as exc:  # reported to the screen that asked
        log.debug("background task failed", exc_info=True)
        result, ok = exc, False
    finish(ok, result)


class GuiGarbageCollector(QObject):
    """Python's cycle collector, run from a timer on the GUI thread only.

    Automatic collection runs on whichever thread happens to allocate, and at any allocation:
    also inside a Qt object's destructor, where collecting another Qt object can wait forever
    on a signal-slot lock the destructor holds (a test run hung so). With it off, the timer
    collects each generation when its count passes the usual threshold, from an event-loop
    slot where no destructor is running."""

    def __init__(self, interval_ms: int = 500, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._timer = QTimer(self, interval=interval_ms, timeout=self.check)

    def start(self) -> GuiGarbageCollector:
        gc.disable()
        self._timer.start()
        return self

    def settle(self) -> None:
        """Start-up is over: what exists now (modules, the main window, the station) lives as
        long as the console, so it is collected once and then left out of every later
        collection (``gc.freeze``). A full collection walks every tracked object: with all of
        start-up's in it, it held the GUI thread for 0.1–0.3 s while an image was shown."""
        gc.collect()
        gc.freeze()

    def stop(self) -> None:
        """Automatic collection back on, after collecting here: its counts start from zero, so
        no collection falls inside the next destructor that allocates."""
        self._timer.stop()
        gc.unfreeze()
        gc.collect()
        gc.enable()

    def check(self) -> None:
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self._thresholds[generation]:
                gc.collect(generation)
                return


class Refresher(QObject):
    """Re-reads something for a screen on the pool: at most one read at a time and one per
    ``interval_ms``; requests meanwhile merge into one. Job progress arrives many times a
    second while a study is sent; the screen needs it a few times a second, read off the GUI
    thread. ``inputs`` takes what the read needs from the screen's widgets, on the GUI thread
    (widgets belong to it), and passes it to ``fn`` as its arguments."""

    def __init__(self, tasks: Tasks, fn: Callable[..., Any], done: Callable[[Any], None],
                 interval_ms: int = 500, parent: QObject | None = None,
                 inputs: Callable[[], tuple] = tuple) -> None:
        super().__init__(parent)
        self.tasks, self.fn, self.done, self.inputs = tasks, fn, done, inputs
        self._running = False
        self._wanted = False
        self._overtaken = False
        self._timer = QTimer(self, singleShot=True, interval=interval_ms,
                             timeout=self._start)

    def request(self) -> None:
        self._wanted = True
        if not self._running and not self._timer.isActive():
            self._timer.start()

    def now(self) -> None:
        """Read at once (a user's action). A read already running was asked with what the
        screen held before: its answer is not shown, the new read follows it at once."""
        self._wanted = True
        if self._running:
            self._overtaken = True
        else:
            self._timer.stop()
            self._start()

    def _start(self) -> None:
        if self._running or not self._wanted:
            return
        self._running, self._wanted = True, False
        args = self.inputs()
        self.tasks.run(lambda: self.fn(*args), self._finished, self._failed)

    def _finished(self, result: Any) -> None:
        self._running = False
        if self._overtaken:
            self._overtaken = False
            self._start()
            return
        self.done(result)
        if self._wanted:
            self._timer.start()

    def _failed(self, exc: Exception) -> None:
        self._running, self._overtaken = False, False
        log.warning("refresh failed: %s", exc)
        if self._wanted:
            self._timer.start()

"""Read-only observable values: callers read and subscribe; only the owning driver sets them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Observable(Generic[T]):
    """A value with units and a kind ("reading", "config" or "diagnostic")."""

    def __init__(self, name: str, value: T, units: str = "", kind: str = "reading") -> None:
        self.name, self.units, self.kind = name, units, kind
        self._value = value
        self._subscribers: list[Callable[[T], Any]] = []
        self._changed = threading.Condition()

    @property
    def value(self) -> T:
        return self._value

    def subscribe(self, callback: Callable[[T], Any]) -> None:
        self._subscribers.append(callback)

    def wait_for(self, predicate: Callable[[T], bool], timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: predicate(self._value), timeout)

    def _set(self, value: T) -> None:
        with self._changed:
            changed = value != self._value
            self._value = value
            self._changed.notify_all()
        if changed:
            for callback in list(self._subscribers):
                callback(value)


def observable_with_setter(name: str, value: T, units: str = "",
                           kind: str = "reading") -> tuple[Observable[T], Callable[[T], None]]:
    obs = Observable(name, value, units, kind)
    return obs, obs._set

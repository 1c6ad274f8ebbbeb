"""Searching names as people type them: case-, accent- and script-insensitive.

Both sides are folded by :func:`vxacq.db.folding.normalise` (``garcia`` finds GARCÍA^MARÍA,
``иван`` ИВАНОВ^ИВАН; the rules are in that module, beside the database's folded search
text). :func:`matches` is true when every word typed is found in one of the values, in any
order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from vxacq.db.folding import fold, normalise

__all__ = ["filter_orders", "matches", "normalise", "order_fields", "search"]

T = TypeVar("T")


def matches(query: str, *values: str) -> bool:
    """Whether every word of ``query`` is part of one of ``values`` (an empty query matches)."""
    words = normalise(query).split()
    if not words:
        return True
    haystack = fold(*values)
    return all(word in haystack for word in words)


def search(items: Iterable[T], query: str, fields: Callable[[T], Iterable[str]]) -> list[T]:
    """The items whose ``fields(item)`` match ``query``, in their order."""
    if not normalise(query):
        return list(items)
    return [item for item in items if matches(query, *fields(item))]


def order_fields(order) -> tuple[str, ...]:
    """What the worklist filter searches in an order (OrderView)."""
    return (order.PatientName, order.PatientID, order.AccessionNumber,
            order.RequestedProcedureDescription, order.ScheduledProcedureStepDescription)


def filter_orders(orders: list[T], query: str) -> list[T]:
    """The worklist's orders that match what was typed in its filter."""
    return search(orders, query, order_fields)

"""The store conformance suite, for stores written in Python."""

from typing import Callable

from . import KeyValueStore
from ._booking import check_store as _check_store

__all__ = ["check_store"]


def check_store(factory: Callable[[], KeyValueStore]) -> int:
    """Runs the core's 27 store conformance checks (versions, leases,
    idempotency, dashboards, slot claims under concurrency, catalog,
    ratings, chat, metrics) on fresh stores from ``factory``.

    Returns how many passed; raises ``booking.BookingError`` (code
    ``store.conformance``) naming the first check that failed.
    """
    return _check_store(factory)

"""The booking engine for creator marketplaces, from Python.

Money is exact: ``Money`` holds integer minor units; amounts go in as
``decimal.Decimal``, ``str`` or ``int`` minor units, and a ``float`` is
refused. Datetimes must be timezone-aware. Every refusal is a
``BookingError`` with a stable ``.code``.

Two ways in:

- ``Engine()``: the service on the embedded default (in-memory store,
  sandbox payments) with the seed's operations (``create_split_booking``,
  ``update_booking_status``, ``request_revision``, ``release_funds``, ...).
- The pure API: ``Booking.create`` / ``Booking.handle`` /
  ``Booking.allowed_actions``, ``RevenueSplit.allocate``,
  ``preview_split``, for a backend that owns its database and payment calls.
"""

from enum import Enum
from typing import Dict

from ._booking import (
    Booking,
    BookingError,
    ConflictError,
    Decision,
    Engine,
    ForbiddenError,
    InvalidTransitionError,
    Money,
    NotFoundError,
    PaymentDeclinedError,
    PaymentRetryableError,
    RevenueSplit,
    ValidationError,
    policy_preset,
    preview_split,
    tally,
)

class BookingStatus(str, Enum):
    """A booking's status (SPEC B1); compares equal to its string."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    IN_PROGRESS = "in-progress"
    REVISION = "revision"
    COMPLETED = "completed"
    APPROVED = "approved"
    CANCELLED = "cancelled"
    DISPUTED = "disputed"

    def __str__(self) -> str:
        return self.value


class PaymentStatus(str, Enum):
    """Where a booking's money stands (SPEC E); compares equal to its string."""

    UNPAID = "unpaid"
    AUTHORIZED = "authorized"
    HELD = "held"
    RELEASING = "releasing"
    RELEASED = "released"
    PARTIALLY_REFUNDED = "partially-refunded"
    REFUNDED = "refunded"
    VOIDED = "voided"
    FAILED = "failed"

    def __str__(self) -> str:
        return self.value


__all__ = [
    "Booking",
    "BookingStatus",
    "BookingError",
    "ConflictError",
    "Decision",
    "Engine",
    "ForbiddenError",
    "InvalidTransitionError",
    "Money",
    "NotFoundError",
    "PaymentDeclinedError",
    "PaymentStatus",
    "PaymentRetryableError",
    "RevenueSplit",
    "ValidationError",
    "mediator",
    "policy_preset",
    "preview_split",
    "system",
    "tally",
]


def system() -> Dict[str, str]:
    """The system as an actor (timers: auto-approve, expiry, vote close)."""
    return {"kind": "system"}


def mediator(user_id: str) -> Dict[str, str]:
    """A platform mediator as an actor (resolves disputes)."""
    return {"kind": "mediator", "userId": user_id}

"""The booking engine for creator marketplaces, from Python.

Money is exact: ``Money`` holds integer minor units; amounts go in as
``decimal.Decimal``, ``str`` or ``int`` minor units, and a ``float`` is
refused. Datetimes must be timezone-aware. Every refusal is a
``BookingError`` with a stable ``.code``.

Two ways in:

- ``Engine()``: the service on the embedded default (in-memory store,
  sandbox payments) with the seed's operations (``create_split_booking``,
  ``update_booking_status``, ``request_revision``, ``release_funds``, ...).
- ``Engine(store=..., gateway=...)``: the same on your own storage (any
  object with ``get``, ``scan`` and ``write``: ``KeyValueStore``, such as
  the sqlite3 store in ``examples/python/sqlite_store.py``;
  ``booking.testing.check_store`` proves one keeps the contract) and your
  own payment provider (``PaymentGateway``).
- The pure API: ``Booking.create`` / ``Booking.handle`` /
  ``Booking.allowed_actions``, ``RevenueSplit.allocate``,
  ``preview_split``, for a backend that owns its database and payment calls.
"""

from enum import Enum
from typing import Dict, Iterable, List, Optional, Protocol, Tuple

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

class KeyValueStore(Protocol):
    """Storage for ``Engine(store=...)``: keys and JSON text values, each with a
    version (1 when created, one more per write). The engine keeps every rule
    of a booking store (versions, leases, slot claims, idempotency, chat
    order) on top of ``write``'s compare-and-set, so ``write`` must apply a
    whole batch atomically or not at all.
    """

    def get(self, key: str) -> Optional[Tuple[int, str]]:
        """``(version, value)``, or ``None`` if the key is absent."""
        ...

    def scan(self, prefix: str) -> Iterable[Tuple[str, int, str]]:
        """Every ``(key, version, value)`` whose key starts with ``prefix``."""
        ...

    def write(self, batch: List[Tuple[str, str, int, Optional[str]]]) -> bool:
        """Applies ``(op, key, expected, value)`` items all or none.

        ``op`` is ``"put"`` (set ``value``), ``"delete"`` or ``"check"`` (write
        nothing); ``expected`` is the key's current version, 0 for absent.
        Returns ``False``, having written nothing, if any key is not at its
        expected version.
        """
        ...


class PaymentGateway(Protocol):
    """Payments for ``Engine(gateway=...)``. Every call carries the step's
    idempotency key: called again with a key it has processed, a gateway
    answers as the first time and moves no money. Return to succeed; raise
    ``PaymentDeclinedError`` for a final failure (the command fails and
    earlier steps are reversed); raise anything else for a transient one
    (retried with backoff)."""

    def authorize(self, booking_id: str, key: str, amount: Money, payment_method: Optional[str]) -> None:
        """Hold ``amount`` on the client's payment method."""
        ...

    def capture(self, booking_id: str, key: str, amount: Money) -> None:
        """Capture the booking's hold into the platform's escrow."""
        ...

    def void(self, booking_id: str, key: str, amount: Money) -> None:
        """Release the booking's hold."""
        ...

    def transfer(self, booking_id: str, key: str, amount: Money, user_id: str, account: Optional[str]) -> None:
        """Pay a team member (to ``account`` if given) from escrow."""
        ...

    def refund(self, booking_id: str, key: str, amount: Money) -> None:
        """Refund the client from escrow."""
        ...

    def reverse(self, booking_id: str, step: Dict[str, object]) -> None:
        """Undo the step with ``step["key"]`` if it happened (rollback)."""
        ...


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
    "KeyValueStore",
    "BookingError",
    "ConflictError",
    "Decision",
    "Engine",
    "ForbiddenError",
    "InvalidTransitionError",
    "Money",
    "NotFoundError",
    "PaymentDeclinedError",
    "PaymentGateway",
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

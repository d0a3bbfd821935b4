"""Junk at every entry point (SPEC O6): only BookingError or TypeError come
back, never a Rust panic, never a crash."""

import itertools
from datetime import datetime, timezone
from decimal import Decimal

import pytest

import booking
from conftest import T0, at

JUNK = [
    None, 0, -1, 2**70, -(2**70), True, 1.5, float("nan"), "", " ", "x" * 20_000, "1.2.3", "NaN USD",
    "99999999999999999999999 USD", Decimal("NaN"), Decimal("Infinity"), Decimal("-0.001"), Decimal("1e30"),
    b"bytes", [], [1, 2], {}, {"type": 7}, {"kind": "mediator"}, {"a": 1.5}, object(), datetime(2026, 1, 1),
    datetime(2026, 1, 1, tzinfo=timezone.utc), ("a", "lead"), ("a", "lead", 1.5), [("a", "lead", "100")],
]


def engine() -> booking.Engine:
    e = booking.Engine()
    team = booking.RevenueSplit([("lead", "lead", "60"), ("m", "x", "40")])
    e.create_split_booking("b", "c", team, booking.Money("100.00", "USD"), at(72), 60, T0)
    return e


def entry_points():
    e = engine()
    split = booking.RevenueSplit([("lead", "lead", "60"), ("m", "x", "40")])
    b = e.get("b")
    file = {"fileId": "f", "category": "final", "sizeBytes": 1, "contentType": "a/b", "sha256": "ab" * 32}
    return [
        (booking.Money, ["1.00", "USD"]),
        (booking.Money.from_minor, [100, "USD"]),
        (booking.Money.from_dict, [{"amount": "1.00", "currency": "USD"}]),
        (booking.RevenueSplit, [[("lead", "lead", "100")], "majority", True]),
        (booking.RevenueSplit.from_dict, [split.to_dict()]),
        (split.allocate, ["10.00", 500, "USD", 1]),
        (split.parts, [1000, "USD", 0]),
        (booking.preview_split, ["10.00", [("a", "lead", "100")], 0, "USD"]),
        (booking.policy_preset, ["standard", 0]),
        (booking.tally, ["majority", ["a", "b"], "a", {"a": True}, False]),
        (booking.Booking.create, [b.to_dict() | {"id": "n"}, T0]),
        (booking.Booking.from_dict, [b.to_dict()]),
        (booking.Booking.from_json, [b.to_json()]),
        (b.handle, ["lead", "accept", at(1)]),
        (b.allowed_actions, ["lead", at(1)]),
        (b.due, [at(1)]),
        (e.execute, ["b", "lead", "accept", at(1), None]),
        (e.update_booking_status, ["b", "confirmed", "lead", at(1), None]),
        (e.request_revision, ["b", "c", "more bass", at(1)]),
        (e.release_funds, ["b", "c", at(1)]),
        (e.distribute_split_payment, ["b", "lead", at(1)]),
        (e.get, ["b"]),
        (e.get_provider_bookings, ["lead", ["pending"], "scheduledDate", 0, 50]),
        (e.get_client_bookings, ["c", True, "createdAt", 0, 50]),
        (e.send_booking_message, ["b", "c", "hi", at(1), [], None]),
        (e.get_booking_messages, ["b", "c", 50, None]),
        (e.upload_booking_file, ["b", "lead", file, at(1)]),
        (e.share_with_team, ["b", "lead", "f", ["g"], at(1), None]),
        (e.file_access, ["b", "lead", "f", at(1)]),
        (e.review, ["b", "c", 5, "ok", at(1)]),
        (e.metrics, [T0, at(24)]),
        (e.tick, [at(1)]),
        (e.create_booking, [{"id": "z"}, T0, None]),
        (e.set_sandbox_time, [T0]),
        (e.put_service, [{"id": "s", "providerId": "lead", "title": "t", "category": "c",
                          "basePrice": {"amount": "1.00", "currency": "USD"}, "estimatedDurationMinutes": 60,
                          "includedRevisions": 1}]),
        (e.get_service, ["s"]),
        (e.quote, ["s", [{"optionId": "x", "quantity": 1}]]),
        (e.search_services, [{"category": "c"}]),
        (e.put_availability, ["lead", {"timeZone": "UTC", "weekly": {"mon": ["09:00-17:00"]}}]),
        (e.rating, ["lead"]),
        (e.free_slots, [b.to_dict() | {"id": "n"}, T0, 3]),
        (booking.Engine, [None, None]),
    ]


@pytest.mark.parametrize("fn,args", entry_points(), ids=lambda v: getattr(v, "__qualname__", None) or "")
def test_junk_gives_only_typed_errors(fn, args):
    calls = 0
    for position, junk in itertools.product(range(len(args)), JUNK):
        bad = list(args)
        bad[position] = junk
        calls += 1
        try:
            fn(*bad)
        except (booking.BookingError, TypeError) as e:
            if isinstance(e, booking.BookingError):
                assert isinstance(e.code, str) and e.code and "." in e.code
        except BaseException as e:  # a panic would surface as pyo3's PanicException
            pytest.fail(f"{fn.__qualname__} arg {position} = {junk!r:.60}: {type(e).__name__}: {e}")
    assert calls == len(args) * len(JUNK)

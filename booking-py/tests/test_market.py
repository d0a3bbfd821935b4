"""Catalog, quotes, availability, discovery and slot refusals with
alternatives (SPEC K) through the engine; statuses as str enums."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

import booking
from conftest import T0

MONDAY_10 = datetime(2026, 6, 8, 8, 0, tzinfo=timezone.utc)  # 10:00 in Berlin (CEST)


def usd(amount: str) -> dict:
    return booking.Money(amount, "USD").to_dict()


def service(sid: str, provider: str) -> dict:
    return {
        "id": sid, "providerId": provider, "title": "Mix a song", "category": "mixing", "tags": ["rock"],
        "basePrice": usd("200.00"), "estimatedDurationMinutes": 120, "includedRevisions": 2,
        "options": [
            {"id": "rush", "label": "48h delivery", "kind": {"type": "rush", "surchargeBps": 2500}, "maxQuantity": 1},
            {"id": "rev", "label": "Extra revision", "kind": {"type": "extra-revisions", "priceEach": usd("30.00")},
             "maxQuantity": 3},
        ],
    }


def hours() -> dict:
    week = {d: ["10:00-18:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
    return {"timeZone": "Europe/Berlin", "weekly": week, "slotStepMinutes": 60}


@pytest.fixture
def engine() -> booking.Engine:
    e = booking.Engine()
    e.set_sandbox_time(T0)
    for sid, provider in [("svc-a", "ana"), ("svc-b", "ben")]:
        e.put_service(service(sid, provider))
        e.put_availability(provider, hours())
    return e


def test_quote_is_exact_and_explained(engine):
    q = engine.quote("svc-a", [{"optionId": "rush", "quantity": 1}, {"optionId": "rev", "quantity": 2}])
    assert q["total"] == usd("310.00")
    assert sum(Decimal(line["amount"]["amount"]) for line in q["lines"]) == Decimal("310.00")
    with pytest.raises(booking.ValidationError) as e:
        engine.quote("svc-a", [{"optionId": "rev", "quantity": 9}])
    assert e.value.code == "catalog.quantity"
    with pytest.raises(booking.NotFoundError) as e:
        engine.quote("nope", [])
    assert e.value.code == "catalog.not_found"
    assert engine.get_service("svc-b")["providerId"] == "ben"


def test_search_and_a_taken_slot_offers_alternatives(engine):
    page = engine.search_services({"category": "mixing", "tags": ["rock"]})
    assert page["total"] == 2
    new = {"id": "b1", "clientId": "c1", "providerId": "ana", "serviceId": "svc-a", "price": usd("200.00"),
           "scheduledDate": MONDAY_10, "estimatedDurationMinutes": 120}
    booked = engine.create_booking(new, T0)
    assert booked.status == booking.BookingStatus.PENDING and booked.status == "pending"
    assert booked.payment_status is booking.PaymentStatus.AUTHORIZED
    with pytest.raises(booking.ConflictError) as e:
        engine.create_booking(dict(new, id="b2", clientId="c2"), T0)
    assert e.value.code == "schedule.overlap"
    alternatives = e.value.alternatives
    assert alternatives["slots"], "nearby free times are offered"
    assert [p["service"]["id"] for p in alternatives["providers"]] == ["svc-b"]
    free = engine.free_slots(dict(new, id="b3"), T0, limit=3)
    assert len(free) == 3 and all(s.tzinfo is not None for s in free)
    assert MONDAY_10 not in free
    with pytest.raises(booking.ConflictError) as e:
        engine.create_booking(dict(new, id="b4", scheduledDate=MONDAY_10 - timedelta(hours=4)), T0)
    assert e.value.code == "schedule.outside_hours"


def test_rating_after_a_review(engine):
    new = {"id": "b1", "clientId": "c1", "providerId": "ana", "price": usd("200.00"), "scheduledDate": MONDAY_10,
           "estimatedDurationMinutes": 120}
    engine.create_booking(new, T0)
    engine.execute("b1", "ana", "confirm", T0)
    engine.execute("b1", "ana", "start", MONDAY_10)
    engine.upload_booking_file("b1", "ana", {"fileId": "m.wav", "category": "final", "sizeBytes": 1,
                                             "contentType": "audio/wav", "sha256": "cd" * 32}, MONDAY_10)
    engine.execute("b1", "ana", "deliver", MONDAY_10 + timedelta(hours=2))
    engine.release_funds("b1", "c1", MONDAY_10 + timedelta(hours=3))
    engine.review("b1", "c1", 4, "Solid mix", MONDAY_10 + timedelta(hours=4))
    assert engine.rating("ana") == {"count": 1, "distribution": [0, 0, 0, 1, 0], "mean": Decimal("4.00")}
    assert engine.rating("ben")["mean"] is None
    assert str(booking.BookingStatus.APPROVED) == "approved"
    assert f"{engine.get('b1').status}" == "approved"

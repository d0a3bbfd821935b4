"""The engine on the embedded default: the seed's split-booking
walkthrough end to end, dashboards, chat, files, reviews and metrics."""

from datetime import timedelta
from decimal import Decimal

import pytest

import booking
from conftest import T0, at

SHA = "ab" * 32


def final(name: str) -> dict:
    return {"fileId": name, "category": "final", "sizeBytes": 1_000, "contentType": "audio/wav", "sha256": SHA}


def team() -> booking.RevenueSplit:
    return booking.RevenueSplit(
        [("creator-1", "lead", Decimal("60")), ("creator-2", "mix-engineer", Decimal("40"))], release_rule="majority"
    )


@pytest.fixture
def engine() -> booking.Engine:
    e = booking.Engine()
    e.set_sandbox_time(T0)
    return e


def confirmed(engine: booking.Engine, booking_id: str = "bk-1") -> None:
    engine.create_split_booking(booking_id, "client-123", team(), booking.Money("1000.00", "USD"), at(72), 180, T0,
                                fee_bps=500)
    engine.execute(booking_id, "creator-1", "accept", at(1))
    engine.execute(booking_id, "creator-2", "accept", at(2))


def test_seed_walkthrough_pays_everyone_to_the_cent(engine):
    confirmed(engine)
    assert engine.get("bk-1").payment_status == "held"
    started = engine.update_booking_status("bk-1", "in-progress", "creator-1", at(72), notes="Started working")
    assert started.to_dict()["history"][-1]["notes"] == "Started working"
    with pytest.raises(booking.BookingError) as e:
        engine.execute("bk-1", "creator-1", "deliver", at(73))
    assert e.value.code == "lifecycle.missing_final_file"
    engine.upload_booking_file("bk-1", "creator-2", final("mix-v1.wav"), at(74))
    engine.execute("bk-1", "creator-1", "deliver", at(75))
    engine.request_revision("bk-1", "client-123", "Please adjust the mix levels", at(80))
    engine.upload_booking_file("bk-1", "creator-2", final("mix-v2.wav"), at(90))
    engine.execute("bk-1", "creator-1", "deliver", at(91))
    engine.execute("bk-1", "creator-2", {"type": "vote", "approve": True}, at(92))
    done = engine.release_funds("bk-1", "client-123", at(96))
    assert (done.status, done.payment_status) == ("approved", "released")
    assert done.paid() == {"creator-1": booking.Money("570.00", "USD"), "creator-2": booking.Money("380.00", "USD")}
    balances = engine.balances()
    assert balances["platform"] == booking.Money("50.00", "USD")
    assert done.escrow.minor == 0
    kinds = {n["kind"] for n in engine.notifications()}
    assert {"booking-requested", "booking-confirmed", "completed", "review-request"} <= kinds


def test_dashboards_filter_and_sort(engine):
    confirmed(engine, "bk-1")
    engine.create_split_booking("bk-2", "client-123", team(), booking.Money("10.00", "USD"), at(48), 60, T0)
    engine.execute("bk-2", "client-123", {"type": "cancel"}, at(1))
    provider = engine.get_provider_bookings("creator-2", status=["confirmed", "in-progress"], sort_by="scheduledDate")
    assert [b.id for b in provider] == ["bk-1"]
    everything = engine.get_provider_bookings("creator-2", sort_by="scheduledDate")
    assert [b.id for b in everything] == ["bk-2", "bk-1"]
    open_only = engine.get_client_bookings("client-123", include_completed=False)
    assert [b.id for b in open_only] == ["bk-1"]
    with pytest.raises(booking.ValidationError):
        engine.get_client_bookings("client-123", sort_by="price")


def test_chat_files_reviews_and_metrics(engine):
    confirmed(engine)
    stems = {"fileId": "stems.zip", "category": "stems", "sizeBytes": 9, "contentType": "application/zip",
             "sha256": SHA, "readers": ["provider"]}
    engine.upload_booking_file("bk-1", "creator-1", stems, at(3))
    engine.share_with_team("bk-1", "creator-1", "stems.zip", ["guest"], at(3), expires_at=at(3) + timedelta(days=7))
    assert engine.file_access("bk-1", "guest", "stems.zip", at(4))["sizeBytes"] == 9
    with pytest.raises(booking.ForbiddenError) as e:
        engine.file_access("bk-1", "guest", "stems.zip", at(3) + timedelta(days=7, seconds=1))
    assert e.value.code == "file.no_access"
    with pytest.raises(booking.ForbiddenError):
        engine.file_access("bk-1", "client-123", "stems.zip", at(4))

    engine.send_booking_message("bk-1", "client-123", "Here is the brief", at(4))
    sent = engine.send_booking_message("bk-1", "creator-1", "Stems are up", at(5), attachments=["stems.zip"])
    assert sent["attachments"] == ["stems.zip"] and sent["seq"] == 2
    for i in range(5):
        engine.send_booking_message("bk-1", "creator-2", f"note {i}", at(6))
    page = engine.get_booking_messages("bk-1", "client-123", limit=3)
    assert [m["content"] for m in page["messages"]] == ["note 4", "note 3", "note 2"]
    rest = engine.get_booking_messages("bk-1", "client-123", limit=50, before=page["next"])
    assert [m["content"] for m in rest["messages"]] == ["note 1", "note 0", "Stems are up", "Here is the brief"]
    assert rest["next"] is None
    earlier = engine.get_booking_messages("bk-1", "client-123", before=at(5))
    assert [m["content"] for m in earlier["messages"]] == ["Here is the brief"]
    with pytest.raises(booking.ForbiddenError) as e:
        engine.get_booking_messages("bk-1", "stranger")
    assert e.value.code == "chat.not_participant"
    with pytest.raises(booking.ValidationError) as e:
        engine.send_booking_message("bk-1", "client-123", "   ", at(6))
    assert e.value.code == "chat.empty"

    engine.execute("bk-1", "creator-1", "start", at(72))
    engine.upload_booking_file("bk-1", "creator-1", final("master.wav"), at(73))
    engine.execute("bk-1", "creator-1", "deliver", at(74))
    engine.execute("bk-1", "creator-2", {"type": "vote", "approve": True}, at(75))
    engine.release_funds("bk-1", "client-123", at(78))
    engine.review("bk-1", "client-123", 5, "Superb", at(79))
    with pytest.raises(booking.BookingError) as e:
        engine.review("bk-1", "client-123", 4, "again", at(79))
    assert e.value.code == "lifecycle.already_done"
    m = engine.metrics(T0, at(24))
    assert (m["created"], m["approved"], m["captured"], m["released"]) == (1, 1, 1, 1)
    assert m["success_rate"] == Decimal("100.00") and m["mean_rating"] == Decimal("5.00")
    assert m["average_seconds_to_approval"] == 78 * 3600


def test_errors_by_area(engine):
    with pytest.raises(booking.NotFoundError) as e:
        engine.get("nope")
    assert e.value.code == "service.not_found"
    confirmed(engine)
    engine.execute("bk-1", "creator-1", "start", at(72), idempotency_key="k1")
    with pytest.raises(booking.ConflictError) as e:
        engine.execute("bk-1", "client-123", {"type": "cancel"}, at(73), idempotency_key="k1")
    assert e.value.code == "idempotency.mismatch"
    with pytest.raises(booking.ConflictError) as e:
        engine.create_split_booking("bk-9", "client-9", team(), booking.Money("5.00", "USD"), at(72), 60, T0)
    assert e.value.code == "schedule.overlap"
    declined = booking.Engine()
    declined.set_sandbox_time(T0)
    new = {"id": "d", "clientId": "c", "providerId": "p", "price": {"amount": "5.00", "currency": "USD"},
           "scheduledDate": at(72), "estimatedDurationMinutes": 60, "paymentMethod": "pm_card_declined"}
    with pytest.raises(booking.PaymentDeclinedError) as e:
        declined.create_booking(new, T0)
    assert e.value.code == "payment.declined"

"""Native-feeling values: exact money, no floats, aware datetimes, the
error tree (SPEC M, O6)."""

from datetime import datetime, timezone
from decimal import Decimal

import pytest

import booking
from conftest import T0


def test_money_from_decimal_str_and_minor_units():
    a = booking.Money(Decimal("19.99"), "USD")
    assert a == booking.Money("19.99", "USD") == booking.Money(1999, "USD") == booking.Money("19.99 USD")
    assert a == booking.Money.from_minor(1999, "USD")
    assert (a.amount, a.minor, a.currency) == (Decimal("19.99"), 1999, "USD")
    assert isinstance(a.amount, Decimal)
    assert repr(a) == "Money('19.99', 'USD')" and str(a) == "19.99 USD"
    assert a.to_dict() == {"amount": "19.99", "currency": "USD"}
    assert booking.Money.from_dict(a.to_dict()) == a
    assert hash(a) == hash(booking.Money("19.99", "USD"))
    assert booking.Money("1000", "JPY").minor == 1000
    assert booking.Money("1.234", "KWD").minor == 1234


def test_floats_are_refused_with_a_reason():
    with pytest.raises(TypeError, match="floats are inexact"):
        booking.Money(19.99, "USD")
    with pytest.raises(TypeError, match="floats are inexact"):
        booking.RevenueSplit([("a", "lead", 60.0), ("b", "x", 40.0)])
    with pytest.raises(TypeError, match="floats are inexact"):
        booking.preview_split(10.0, [("a", "lead", "100")], currency="USD")
    with pytest.raises(TypeError):
        booking.Money(True, "USD")


def test_money_refusals_carry_codes():
    with pytest.raises(booking.ValidationError) as e:
        booking.Money("1.001", "USD")
    assert e.value.code == "money.too_many_decimals"
    with pytest.raises(booking.BookingError) as e:
        booking.Money("1", "XXX")
    assert e.value.code.startswith("money.")
    with pytest.raises(booking.ValidationError) as e:
        booking.Money(Decimal("5"))
    assert e.value.code == "money.currency"


def test_naive_datetimes_are_refused():
    naive = datetime(2026, 6, 1, 9, 0)
    new = {"id": "b", "clientId": "c", "providerId": "p", "price": {"amount": "1.00", "currency": "USD"},
           "scheduledDate": datetime(2026, 6, 4, 9, tzinfo=timezone.utc), "estimatedDurationMinutes": 60}
    with pytest.raises(booking.ValidationError, match="naive datetimes are refused") as e:
        booking.Booking.create(new, naive)
    assert e.value.code == "datetime.naive"
    b, _ = booking.Booking.create(new, T0)
    with pytest.raises(TypeError):
        b.allowed_actions("p", "2026-06-01")


def test_dicts_are_read_as_the_core_shapes_with_no_float_anywhere():
    new = {"id": "b", "clientId": "c", "providerId": "p", "price": booking.Money("80.00", "USD"),
           "scheduledDate": datetime(2026, 6, 4, 9, tzinfo=timezone.utc), "estimatedDurationMinutes": 60}
    b, _ = booking.Booking.create(new, T0)
    assert b.to_dict()["price"] == {"amount": "80.00", "currency": "USD"}
    assert booking.Booking.create(dict(new, price={"amount": Decimal("80.00"), "currency": "USD"}), T0)[0] == b
    # A float, however deep, is a TypeError that says why; so is a type
    # with no JSON shape, or a key that is not a str.
    for bad in ({"amount": 80.0, "currency": "USD"}, {"amount": "80.00", "currency": "USD", "x": [1.5]}):
        with pytest.raises(TypeError, match="floats are inexact"):
            booking.Booking.create(dict(new, price=bad), T0)
    with pytest.raises(TypeError, match="cannot use a object in a booking value"):
        booking.Booking.create(dict(new, title=object()), T0)
    with pytest.raises(TypeError, match="dict keys must be str"):
        booking.Booking.create(dict(new, price={1: "80.00"}), T0)
    # A wrong shape is a ValidationError naming what was being read.
    with pytest.raises(booking.ValidationError, match="invalid new booking: missing field `price`") as e:
        booking.Booking.create({k: v for k, v in new.items() if k != "price"}, T0)
    assert e.value.code == "json.invalid"
    confirmed, _ = b.handle("p", "confirm", T0)
    with pytest.raises(booking.ValidationError, match="invalid command") as e:
        confirmed.handle("c", {"type": "request-revision", "feedback": 7}, T0)
    # A command's fields are read once its type is known, with serde's words.
    for bad, words in [({"type": "request-revision"}, "missing field `feedback`"),
                       ({"type": "teleport"}, "unknown variant `teleport`"),
                       ({"type": 3}, "invalid type: integer `3`"), ({"feedback": "x"}, "missing field `type`")]:
        with pytest.raises(booking.ValidationError, match=f"invalid command: {words}") as e:
            confirmed.handle("c", bad, T0)
        assert e.value.code == "json.invalid"
    with pytest.raises(TypeError, match="floats are inexact"):
        confirmed.handle("c", {"type": "review", "rating": 5.0}, T0)
    # Enums are their names; a tuple is a list.
    done, _ = confirmed.handle("p", "start", new["scheduledDate"])
    upload = {"type": "upload-file", "fileId": "f", "category": "final", "sizeBytes": 1, "contentType": "audio/wav",
              "sha256": "ab" * 32, "readers": ("client", "provider")}
    done, _ = done.handle("p", upload, new["scheduledDate"])
    assert done.to_dict()["files"][0]["category"] == "final"
    assert booking.Booking.from_dict(done.to_dict()) == done


def test_split_value_object():
    split = booking.RevenueSplit([("a", "lead", Decimal("33.33")), ("b", "x", "33.33"), ("c", "y", "33.34")])
    assert split == booking.RevenueSplit.from_dict(split.to_dict())
    assert split.user_ids == ["a", "b", "c"]
    assert "RevenueSplit([('a', 'lead', '33.33')" in repr(split)
    alloc = split.allocate(Decimal("100.00"), fee_bps=500, currency="USD")
    assert alloc["fee"] == booking.Money("5.00", "USD")
    assert [p.minor for p in alloc["parts"].values()] == [3167, 3166, 3167]
    assert split.parts(10_000, "USD", 500) == [3167, 3166, 3167]
    with pytest.raises(booking.ValidationError) as e:
        booking.RevenueSplit([("a", "lead", "60"), ("b", "x", "30")])
    assert e.value.code == "split.sum_not_100"


def test_error_tree():
    for cls in (booking.ValidationError, booking.ForbiddenError, booking.InvalidTransitionError,
                booking.ConflictError, booking.PaymentDeclinedError, booking.PaymentRetryableError,
                booking.NotFoundError):
        assert issubclass(cls, booking.BookingError)
    assert issubclass(booking.BookingError, Exception)


def test_pure_api_decides_and_lists_actions():
    new = {"id": "b", "clientId": "c", "providerId": "p", "price": {"amount": "80.00", "currency": "USD"},
           "scheduledDate": datetime(2026, 6, 4, 9, tzinfo=timezone.utc), "estimatedDurationMinutes": 60}
    b, created = booking.Booking.create(new, T0)
    assert [e["type"] for e in created.effects] == ["authorize"]
    assert b.allowed_actions("p", T0) == ["confirm", "decline", "cancel", "upload-file"]
    with pytest.raises(booking.InvalidTransitionError) as e:
        b.handle("p", "start", T0)
    assert e.value.code == "lifecycle.invalid_transition"
    with pytest.raises(booking.ForbiddenError):
        b.handle("stranger", "confirm", T0)
    confirmed, d = b.handle("p", "confirm", T0)
    assert (b.status, confirmed.status, confirmed.payment_status) == ("pending", "confirmed", "held")
    assert [e["kind"]["type"] for e in d.events][-1] == "status-changed"
    assert d.effects[0]["key"] == "booking/b/v2/capture"
    assert booking.Booking.from_json(confirmed.to_json()) == confirmed
    assert booking.Booking.from_dict(confirmed.to_dict()) == confirmed
    assert confirmed != b


def test_aware_datetimes_convert_exactly_in_any_zone():
    from datetime import timedelta

    berlin_summer = timezone(timedelta(hours=2))
    when = datetime(2026, 6, 1, 11, 0, 0, 123456, tzinfo=berlin_summer)  # 09:00:00.123456 UTC
    new = {"id": "b", "clientId": "c", "providerId": "p", "price": {"amount": "1.00", "currency": "USD"},
           "scheduledDate": datetime(2026, 6, 4, 9, tzinfo=timezone.utc), "estimatedDurationMinutes": 60}
    b, _ = booking.Booking.create(new, when)
    assert b.to_dict()["createdAt"] == "2026-06-01T09:00:00.123456Z"
    before_epoch = datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=timezone.utc)
    early, _ = booking.Booking.create(new, before_epoch)
    assert early.to_dict()["createdAt"].startswith("1969-12-31T23:59:59.5")

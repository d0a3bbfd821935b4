"""A payment gateway written in Python (booking.PaymentGateway): steps
arrive with their idempotency keys and Money amounts, a decline fails the
command, a transient failure is retried with the same key (SPEC E5, O2)."""

from decimal import Decimal

import pytest

import booking
from conftest import T0, at


class Recorder:
    """Records each step; declines one card; fails the first capture."""

    def __init__(self, flaky_captures: int = 0):
        self.calls = []
        self.flaky = flaky_captures

    def authorize(self, booking_id, key, amount, payment_method):
        self.calls.append(("authorize", key, amount))
        if payment_method == "pm_declined":
            raise booking.PaymentDeclinedError("your card was declined")

    def capture(self, booking_id, key, amount):
        self.calls.append(("capture", key, amount))
        if self.flaky:
            self.flaky -= 1
            raise ConnectionError("gateway timed out")

    def void(self, booking_id, key, amount):
        self.calls.append(("void", key, amount))

    def transfer(self, booking_id, key, amount, user_id, account):
        self.calls.append(("transfer", key, amount, user_id, account))

    def refund(self, booking_id, key, amount):
        self.calls.append(("refund", key, amount))

    def reverse(self, booking_id, step):
        self.calls.append(("reverse", step["key"]))


def team() -> booking.RevenueSplit:
    return booking.RevenueSplit([("lead", "lead", Decimal("70")), ("mix", "mixer", Decimal("30"))])


def test_steps_reach_the_gateway_with_keys_and_money():
    gw = Recorder()
    engine = booking.Engine(gateway=gw)
    engine.create_split_booking("b", "client", team(), booking.Money("100.00", "USD"), at(72), 60, T0, fee_bps=1000)
    for m in ("lead", "mix"):
        engine.execute("b", m, "accept", at(1))
    engine.execute("b", "lead", "start", at(72))
    engine.upload_booking_file("b", "lead", {"fileId": "f", "category": "final", "sizeBytes": 1,
                                             "contentType": "audio/wav", "sha256": "aa" * 32}, at(73))
    engine.execute("b", "lead", "deliver", at(73))
    engine.release_funds("b", "client", at(74))
    kinds = [c[0] for c in gw.calls]
    assert kinds == ["authorize", "capture", "transfer", "transfer"]
    assert gw.calls[0][2] == booking.Money("100.00", "USD")
    transfers = {c[3]: c[2] for c in gw.calls if c[0] == "transfer"}
    assert transfers == {"lead": booking.Money("63.00", "USD"), "mix": booking.Money("27.00", "USD")}
    assert all(c[1].startswith("booking/b/") for c in gw.calls)
    with pytest.raises(booking.ValidationError) as e:
        engine.balances()
    assert e.value.code == "engine.not_sandbox"


def test_a_decline_fails_the_create_and_records_why():
    gw = Recorder()
    engine = booking.Engine(gateway=gw)
    new = {"id": "d", "clientId": "c", "providerId": "p", "price": {"amount": "5.00", "currency": "USD"},
           "scheduledDate": at(72), "estimatedDurationMinutes": 60, "paymentMethod": "pm_declined"}
    with pytest.raises(booking.PaymentDeclinedError) as e:
        engine.create_booking(new, T0)
    assert e.value.code == "payment.declined" and "declined" in str(e.value)
    # The failed request is on record, holding no money and no time.
    failed = engine.get("d")
    assert (failed.status, failed.payment_status, failed.escrow.minor) == ("cancelled", "failed", 0)
    # The declined step is reversed by its key in case it half-happened.
    assert [c[0] for c in gw.calls] == ["authorize", "reverse"]
    assert gw.calls[0][1] == gw.calls[1][1]


def test_a_transient_failure_is_retried_with_the_same_key():
    gw = Recorder(flaky_captures=1)
    engine = booking.Engine(gateway=gw)
    engine.create_split_booking("b", "client", team(), booking.Money("100.00", "USD"), at(72), 60, T0)
    engine.execute("b", "lead", "accept", at(1))
    confirmed = engine.execute("b", "mix", "accept", at(1))
    assert confirmed.payment_status == "held"
    captures = [c[1] for c in gw.calls if c[0] == "capture"]
    assert len(captures) == 2 and captures[0] == captures[1]


def test_a_gateway_without_the_protocol_is_a_type_error():
    with pytest.raises(TypeError, match="authorize, capture"):
        booking.Engine(gateway=object())

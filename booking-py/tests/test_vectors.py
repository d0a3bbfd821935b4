"""Every shared vector (SPEC V) through the Python API, as the Rust and
JavaScript suites run them."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

import booking
from conftest import vectors

SPLITS = vectors("splits")["cases"]
REFUNDS = vectors("refunds")["cases"]
VOTES = vectors("votes")["cases"]
TRANSITIONS = vectors("transitions")


def money(m: dict) -> booking.Money:
    return booking.Money(Decimal(m["amount"]), m["currency"])


@pytest.mark.parametrize("case", SPLITS, ids=[c["name"] for c in SPLITS])
def test_split_vector(case):
    members = [(m["userId"], m["role"], Decimal(m["percentage"])) for m in case["splits"]]
    total = money(case["total"])
    try:
        split = booking.RevenueSplit(members)
        got = split.allocate(total, fee_bps=case["feeBps"], unit=case["unit"])
    except booking.BookingError as e:
        assert case.get("error") == e.code, f"{case['name']}: {e}"
        return
    assert "expected" in case, f"{case['name']}: expected {case.get('error')}"
    exp, cur = case["expected"], total.currency
    assert got["fee"] == booking.Money(exp["fee"], cur)
    assert list(got["parts"].values()) == [booking.Money(p, cur) for p in exp["parts"]]
    assert got["unallocated"] == booking.Money(exp["unallocated"], cur)
    assert sum(p.minor for p in got["parts"].values()) + got["fee"].minor + got["unallocated"].minor == total.minor


@pytest.mark.parametrize("case", REFUNDS, ids=[c["name"] for c in REFUNDS])
def test_refund_vector(case):
    created = datetime.fromisoformat("2026-01-01T00:00:00+00:00")
    scheduled = created + timedelta(days=90)
    new = {
        "id": "r",
        "clientId": "client",
        "providerId": "lead",
        "price": case["price"],
        "scheduledDate": scheduled,
        "estimatedDurationMinutes": 60,
        "policy": booking.policy_preset(case["policy"]),
    }
    b, _ = booking.Booking.create(new, created)
    b, _ = b.handle("lead", "confirm", created)
    when = scheduled - timedelta(seconds=case["secondsBefore"])
    who = "lead" if case["cancelledBy"] == "lead" else "client"
    b, _ = b.handle(who, "cancel", when)
    state = b.to_dict()
    cur = b.price.currency
    refunded = sum(
        booking.Money.from_dict(e["amount"]).minor for e in state["ledger"]["entries"] if e["to"]["kind"] == "client"
    )
    assert refunded == booking.Money(case["expected"]["refund"], cur).minor
    fees = sum(
        booking.Money.from_dict(e["amount"]).minor for e in state["ledger"]["entries"] if e["to"]["kind"] == "platform"
    )
    assert b.paid()["lead"].minor + fees == booking.Money(case["expected"]["kept"], cur).minor
    assert b.escrow.minor == 0


@pytest.mark.parametrize("case", VOTES, ids=[c["name"] for c in VOTES])
def test_vote_vector(case):
    got = booking.tally(case["escrowReleaseRule"], case["members"], case["lead"], case["votes"], case["windowClosed"])
    assert got == case["expected"]


def actor(name: str):
    return {"system": booking.system(), "mediator": booking.mediator("mediator")}.get(name, name)


def unversioned(key: str) -> str:
    return "/".join(p for p in key.split("/") if not (len(p) > 1 and p[0] == "v" and p[1:].isdigit()))


def new_booking(spec: dict, start: datetime) -> dict:
    new = {
        "id": "b",
        "clientId": "client",
        "providerId": "lead",
        "price": spec["price"],
        "scheduledDate": start + timedelta(hours=spec["scheduledInHours"]),
        "estimatedDurationMinutes": spec["durationMinutes"],
        "policy": booking.policy_preset(spec["policy"], spec.get("feeBps", 0)),
    }
    if "split" in spec:
        new["revenueSplit"] = spec["split"]
        new["providerId"] = next(m["userId"] for m in spec["split"]["splits"] if m["role"] == "lead")
    if "includedRevisions" in spec:
        new["includedRevisions"] = spec["includedRevisions"]
    return new


def check(b: booking.Booking, exp: dict, effects: list, label: str) -> None:
    cur = b.price.currency
    if "status" in exp:
        assert b.status == exp["status"], label
    if "paymentStatus" in exp:
        assert b.payment_status == exp["paymentStatus"], label
    state = b.to_dict()
    entries = state["ledger"]["entries"]

    def total(kind: str, direction: str) -> int:
        return sum(booking.Money.from_dict(e["amount"]).minor * (1 if e[direction]["kind"] == kind else 0) for e in entries)

    actual = {
        "escrow": b.escrow.minor,
        "refunded": total("client", "to"),
        "fees": total("platform", "to"),
        "teamPending": b.team_pending.minor,
    }
    for key, value in actual.items():
        if key in exp:
            assert value == booking.Money(exp[key], cur).minor, f"{label}: {key}"
    for user, amount in exp.get("paid", {}).items():
        assert b.paid().get(user, booking.Money(0, cur)) == booking.Money(amount, cur), f"{label}: paid {user}"
    if "effects" in exp:
        assert [unversioned(e["key"]) for e in effects] == exp["effects"], f"{label}: effects"


@pytest.mark.parametrize("case", TRANSITIONS["cases"], ids=[c["name"] for c in TRANSITIONS["cases"]])
def test_transition_vector(case):
    start = datetime.fromisoformat(TRANSITIONS["start"].replace("Z", "+00:00"))
    b, _ = booking.Booking.create(new_booking(case["booking"], start), start)
    for i, step in enumerate(case["steps"]):
        label = f"{case['name']} / step {i + 1}"
        who, when, exp = actor(step["actor"]), start + timedelta(hours=step["at"]), step["expect"]
        if "allowed" in exp:
            assert b.allowed_actions(who, when) == exp["allowed"], f"{label}: allowed"
        try:
            after, decision = b.handle(who, step["command"], when)
        except booking.BookingError as e:
            assert exp.get("error") == e.code, f"{label}: {e}"
            check(b, exp, [], label)
            continue
        assert "error" not in exp, f"{label}: expected {exp['error']}"
        b = after
        check(b, exp, decision.effects, label)

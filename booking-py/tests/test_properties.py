"""Split invariants (SPEC S3–S6) over random splits, with hypothesis."""

from decimal import ROUND_FLOOR, Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

import booking


@st.composite
def splits(draw):
    n = draw(st.integers(min_value=1, max_value=12))
    # n - 1 cut points on 0..10000 basis points give n shares summing to 100 %.
    cuts = sorted(draw(st.lists(st.integers(0, 10_000), min_size=n - 1, max_size=n - 1)))
    bounds = [0, *cuts, 10_000]
    shares = [Decimal(b - a) / 100 for a, b in zip(bounds, bounds[1:])]
    assume(all(s > 0 for s in shares))
    members = [(f"u{i}", "lead" if i == 0 else "member", s) for i, s in enumerate(shares)]
    return members


@settings(max_examples=300, deadline=None)
@given(
    members=splits(),
    total=st.integers(min_value=0, max_value=10**12),
    fee_bps=st.integers(min_value=0, max_value=10_000),
)
def test_s5_parts_sum_exactly_and_each_is_floor_or_ceiling(members, total, fee_bps):
    try:
        split = booking.RevenueSplit(members)
    except booking.ValidationError as e:
        assert e.code.startswith("split."), e
        return
    got = split.allocate(total, fee_bps=fee_bps, currency="USD")
    parts = [p.minor for p in got["parts"].values()]
    fee = got["fee"].minor
    assert sum(parts) + fee == total, "S5: nothing lost, nothing invented"
    assert 0 <= fee <= total
    distributable = Decimal(total - fee)
    for (_, _, pct), part in zip(members, parts):
        exact = distributable * Decimal(pct) / 100
        floor = exact.to_integral_value(rounding=ROUND_FLOOR)
        assert part in (floor, floor + 1), f"S5: {part} is not floor or ceiling of {exact}"
    assert split.parts(total, "USD", fee_bps) == parts


@settings(max_examples=200, deadline=None)
@given(minor=st.integers(min_value=-(2**63), max_value=2**63 - 1))
def test_money_round_trips_exactly(minor):
    m = booking.Money.from_minor(minor, "USD")
    assert booking.Money(m.amount, "USD") == m == booking.Money.from_dict(m.to_dict())
    assert m.amount == Decimal(minor) / 100

"""The binding against what a Python backend would otherwise write, in one
process (medians of timed batches, like ../shared/research's peers):

- a largest-remainder split on decimal.Decimal (3 and 100 members);
- a seven-step lifecycle on the `transitions` state machine library.

    pip install ./booking-py transitions
    python booking-py/bench/bench.py
"""

import statistics
import time
from datetime import datetime, timedelta, timezone
from decimal import ROUND_FLOOR, Decimal

import booking

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)


def median_ns(fn, batch_ms: float = 15, batches: int = 15) -> float:
    """The median time of one call, over timed batches after a warm-up."""
    n, start = 0, time.perf_counter_ns()
    while time.perf_counter_ns() - start < 150e6:
        fn()
        n += 1
    per_batch = max(1, int(n * batch_ms / 150))
    samples = []
    for _ in range(batches):
        t = time.perf_counter_ns()
        for _ in range(per_batch):
            fn()
        samples.append((time.perf_counter_ns() - t) / per_batch)
    return statistics.median(samples)


def decimal_split(total_cents: int, shares: list) -> list:
    """Largest remainder on Decimal: the baseline a backend writes itself."""
    exact = [Decimal(total_cents) * s / 100 for s in shares]
    floors = [int(e.to_integral_value(rounding=ROUND_FLOOR)) for e in exact]
    left = total_cents - sum(floors)
    order = sorted(range(len(shares)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def splits() -> list:
    rows = []
    for label, shares in [
        ("3 members (33.33/33.33/33.34)", [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]),
        ("100 members (1 % each)", [Decimal(1)] * 100),
    ]:
        members = [(f"u{i}", "lead" if i == 0 else "member", s) for i, s in enumerate(shares)]
        split = booking.RevenueSplit(members)
        assert split.parts(99_999, "USD") == decimal_split(99_999, shares), label
        base = median_ns(lambda: decimal_split(99_999, shares))
        ours = median_ns(lambda: split.parts(99_999, "USD"))
        preview = median_ns(lambda: booking.preview_split(99_999, members, currency="USD"))
        rows.append((f"split {label}: Decimal baseline", base, None))
        rows.append((f"split {label}: RevenueSplit.parts", ours, base / ours))
        rows.append((f"split {label}: preview_split (validates members each call)", preview, base / preview))
    return rows


def lifecycle_binding() -> None:
    new = {"id": "b", "clientId": "c", "providerId": "p", "price": {"amount": "80.00", "currency": "USD"},
           "scheduledDate": T0 + timedelta(days=3), "estimatedDurationMinutes": 60}
    mix = {"type": "upload-file", "fileId": "mix.wav", "category": "final", "sizeBytes": 1,
           "contentType": "audio/wav", "sha256": "ab" * 32}
    mix2 = dict(mix, fileId="mix2.wav")
    at = T0 + timedelta(days=3)
    b, _ = booking.Booking.create(new, T0)
    b, _ = b.handle("p", "confirm", T0)
    for actor, command in [("p", "start"), ("p", mix), ("p", "deliver"),
                           ("c", {"type": "request-revision", "feedback": "more bass"}), ("p", mix2),
                           ("p", "deliver"), ("c", "approve")]:
        b, _ = b.handle(actor, command, at)
    assert b.status == "approved"


def lifecycles() -> list:
    rows = []
    ours = median_ns(lifecycle_binding)
    try:
        from transitions import Machine
    except ImportError:
        return [("lifecycle: transitions not installed (pip install transitions)", ours, None)]
    states = ["pending", "confirmed", "in-progress", "revision", "completed", "approved", "cancelled", "disputed"]
    table = [
        ["confirm", "pending", "confirmed"], ["start", "confirmed", "in-progress"],
        ["deliver", ["in-progress", "revision"], "completed"], ["request_revision", "completed", "revision"],
        ["approve", "completed", "approved"], ["cancel", ["pending", "confirmed"], "cancelled"],
        ["dispute", ["in-progress", "revision", "completed"], "disputed"],
    ]

    class Model:
        pass

    def with_transitions() -> None:
        m = Model()
        Machine(model=m, states=states, transitions=table, initial="pending")
        m.confirm(); m.start(); m.deliver(); m.request_revision(); m.deliver(); m.approve()  # noqa: E702
        assert m.state == "approved"

    shared = Machine(states=states, transitions=table, initial="pending")

    def with_a_shared_machine() -> None:
        m = Model()
        shared.add_model(m)
        m.confirm(); m.start(); m.deliver(); m.request_revision(); m.deliver(); m.approve()  # noqa: E702
        assert m.state == "approved"
        shared.remove_model(m)

    per_booking = median_ns(with_transitions)
    reused = median_ns(with_a_shared_machine)
    rows.append(("lifecycle: transitions 0.9, Machine per booking (7 steps, no money)", per_booking, None))
    rows.append(("lifecycle: transitions 0.9, shared Machine, add/remove_model", reused, None))
    label = "lifecycle: booking.Booking, 9 steps with escrow, ledger, files"
    rows.append((f"{label} (vs per booking)", ours, per_booking / ours))
    rows.append((f"{label} (vs shared)", ours, reused / ours))
    return rows


def main() -> None:
    for label, ns, ratio in splits() + lifecycles():
        speed = f"  {ratio:5.1f}x faster" if ratio else ""
        print(f"{label:<78} {ns / 1000:9.2f} µs{speed}")


if __name__ == "__main__":
    main()

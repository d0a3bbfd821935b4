"""The binding against what a Python backend would otherwise write, in one
process (medians of timed batches, like ../shared/research's peers; the
sides of each comparison take turns, batch by batch):

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


def per_batch(fn, batch_ms: float) -> int:
    """How many calls of `fn` fill a batch, found while warming it up."""
    n, start = 0, time.perf_counter_ns()
    while time.perf_counter_ns() - start < 150e6:
        fn()
        n += 1
    return max(1, int(n * batch_ms / 150))


def medians(fns: dict, batch_ms: float = 10, rounds: int = 25) -> dict:
    """The median time of one call of each function, in ns. Each round
    times one batch of every function in turn, so a slow spell of this
    shared machine lands on all of them rather than on whichever ran then."""
    sizes = {name: per_batch(fn, batch_ms) for name, fn in fns.items()}
    samples: dict = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            t = time.perf_counter_ns()
            for _ in range(sizes[name]):
                fn()
            samples[name].append((time.perf_counter_ns() - t) / sizes[name])
    return {name: statistics.median(times) for name, times in samples.items()}


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
        t = medians({
            "base": lambda: decimal_split(99_999, shares),
            "ours": lambda: split.parts(99_999, "USD"),
            "preview": lambda: booking.preview_split(99_999, members, currency="USD"),
        })
        base, ours, preview = t["base"], t["ours"], t["preview"]
        rows.append((f"split {label}: Decimal baseline", base, None))
        rows.append((f"split {label}: RevenueSplit.parts", ours, base / ours))
        rows.append((f"split {label}: preview_split (validates members each call)", preview, base / preview))
    return rows


# The lifecycle's inputs, made once, as the `transitions` table is below: a
# backend gets them from its requests; the bench times the engine.
NEW_BOOKING = {"id": "b", "clientId": "c", "providerId": "p", "price": {"amount": "80.00", "currency": "USD"},
               "scheduledDate": T0 + timedelta(days=3), "estimatedDurationMinutes": 60}
MIX = {"type": "upload-file", "fileId": "mix.wav", "category": "final", "sizeBytes": 1,
       "contentType": "audio/wav", "sha256": "ab" * 32}
AT = T0 + timedelta(days=3)
STEPS = [("p", "start"), ("p", MIX), ("p", "deliver"), ("c", {"type": "request-revision", "feedback": "more bass"}),
         ("p", dict(MIX, fileId="mix2.wav")), ("p", "deliver"), ("c", "approve")]


def lifecycle_binding() -> None:
    """create, confirm, start, upload, deliver, revision, upload, deliver,
    approve: every command decided and applied, with its escrow and files."""
    b, _ = booking.Booking.create(NEW_BOOKING, T0)
    b, _ = b.handle("p", "confirm", T0)
    for actor, command in STEPS:
        b, _ = b.handle(actor, command, AT)
    assert b.status == "approved"


def lifecycles() -> list:
    rows = []
    try:
        from transitions import Machine
    except ImportError:
        ours = medians({"ours": lifecycle_binding})["ours"]
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

    t = medians({"ours": lifecycle_binding, "per booking": with_transitions, "shared": with_a_shared_machine})
    ours, per_booking, reused = t["ours"], t["per booking"], t["shared"]
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

"""The seed's 2-member split booking from creation to release, from Python.

    pip install ./booking-py
    python examples/python/quickstart.py

client-123 books creator-1 (lead, 60 %) and creator-2 (mix engineer,
40 %) for 1000.00 USD with a 5 % platform fee. Both accept (the hold is
captured), the lead delivers a final mix, the client asks for a revision,
the lead delivers again, creator-2 votes to release and the client's
approval pays everyone, to the cent.
"""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import booking

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)


def at(hours: int) -> datetime:
    return T0 + timedelta(hours=hours)


def final_mix(name: str, digest: str) -> dict:
    # The bytes live in your storage; the booking keeps what they are.
    return {"fileId": name, "category": "final", "sizeBytes": 48_000_000, "contentType": "audio/wav", "sha256": digest}


def account(a: dict) -> str:
    return f"{a['kind']}:{a['userId']}" if "userId" in a else a["kind"]


def main() -> None:
    engine = booking.Engine()
    engine.set_sandbox_time(T0)
    team = booking.RevenueSplit(
        [("creator-1", "lead", Decimal("60")), ("creator-2", "mix-engineer", Decimal("40"))],
        release_rule="majority",
    )
    preview = team.allocate(Decimal("1000.00"), fee_bps=500, currency="USD")
    print("preview:", preview["fee"], "fee;", ", ".join(f"{u} {m}" for u, m in preview["parts"].items()))

    price = booking.Money("1000.00", "USD")
    engine.create_split_booking("bk-1001", "client-123", team, price, at(72), 180, T0, fee_bps=500)
    engine.execute("bk-1001", "creator-1", "accept", at(1))
    engine.execute("bk-1001", "creator-2", "accept", at(2))
    engine.update_booking_status("bk-1001", "in-progress", "creator-1", at(72), notes="Started working on the project")
    engine.upload_booking_file("bk-1001", "creator-2", final_mix("mix-v1.wav", "1a" * 32), at(74))
    engine.execute("bk-1001", "creator-1", "deliver", at(75))
    engine.request_revision("bk-1001", "client-123", "Please adjust the mix levels", at(80))
    engine.upload_booking_file("bk-1001", "creator-2", final_mix("mix-v2.wav", "2b" * 32), at(90))
    engine.execute("bk-1001", "creator-1", "deliver", at(91))
    engine.execute("bk-1001", "creator-2", {"type": "vote", "approve": True}, at(92))
    done = engine.release_funds("bk-1001", "client-123", at(96))

    print(f"\n{done!r}\n\ntimeline:")
    for event in done.to_dict()["history"]:
        kind = event["kind"]
        name = kind.get("type", "?")
        if name in ("status-changed", "payment-status-changed"):
            name += f" {kind.get('from')} -> {kind.get('to')}"
        print(f"  {event['at']}  {name}")
    print("\nledger:")
    for entry in done.to_dict()["ledger"]["entries"]:
        source, target = (account(entry[side]) for side in ("from", "to"))
        amount = booking.Money.from_dict(entry["amount"])
        print(f"  {entry['key']:<38} {source:>18} -> {target:<18} {amount}")
    print("\npayouts:")
    for user, paid in done.paid().items():
        print(f"  {user}: {paid}")
    print(f"  platform fee: {engine.balances().get('platform')}")


if __name__ == "__main__":
    main()

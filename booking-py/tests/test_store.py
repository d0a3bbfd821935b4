"""Stores written in Python (booking.KeyValueStore): the conformance suite
passes on a correct one and on the sqlite3 example, catches a broken one,
and the engine runs on them."""

import sys
import threading
from decimal import Decimal
from pathlib import Path

import pytest

import booking
import booking.testing
from conftest import T0, at

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples" / "python"))
from sqlite_store import SqliteStore  # noqa: E402


class DictStore:
    """The smallest correct store: a dict and a lock."""

    def __init__(self):
        self.data = {}
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            return self.data.get(key)

    def scan(self, prefix):
        with self.lock:
            return [(k, v, val) for k, (v, val) in sorted(self.data.items()) if k.startswith(prefix)]

    def write(self, batch):
        with self.lock:
            if any(self.data.get(key, (0, None))[0] != expected for _, key, expected, _ in batch):
                return False
            for op, key, expected, value in batch:
                if op == "put":
                    self.data[key] = (expected + 1, value)
                elif op == "delete":
                    self.data.pop(key, None)
            return True


class ForgetsDeletes(DictStore):
    """Drops deletes on the floor, so a closed lease stays open."""

    def write(self, batch):
        return super().write([w for w in batch if w[0] != "delete"])


def test_a_correct_python_store_passes_the_conformance_suite():
    assert booking.testing.check_store(DictStore) == 27


def test_the_sqlite3_example_passes_the_conformance_suite():
    assert booking.testing.check_store(SqliteStore) == 27


def test_the_suite_catches_a_broken_store():
    with pytest.raises(booking.BookingError) as e:
        booking.testing.check_store(ForgetsDeletes)
    assert e.value.code == "store.conformance"
    assert "failed" in str(e.value)


def test_a_store_without_the_protocol_is_a_type_error():
    with pytest.raises(TypeError, match="get, scan and write"):
        booking.Engine(store=object())
    with pytest.raises(TypeError):
        booking.testing.check_store(dict)


def test_the_engine_runs_the_walkthrough_on_sqlite(tmp_path):
    path = str(tmp_path / "bookings.db")
    engine = booking.Engine(store=SqliteStore(path))
    engine.set_sandbox_time(T0)
    team = booking.RevenueSplit([("creator-1", "lead", Decimal("60")), ("creator-2", "mix", Decimal("40"))])
    engine.create_split_booking("bk-1", "client-123", team, booking.Money("1000.00", "USD"), at(72), 180, T0,
                                fee_bps=500)
    for who in ("creator-1", "creator-2"):
        engine.execute("bk-1", who, "accept", at(1))
    engine.send_booking_message("bk-1", "client-123", "Looking forward to it", at(2))
    engine.execute("bk-1", "creator-1", "start", at(72))
    engine.upload_booking_file("bk-1", "creator-2", {"fileId": "mix.wav", "category": "final", "sizeBytes": 10,
                                                     "contentType": "audio/wav", "sha256": "ef" * 32}, at(73))
    engine.execute("bk-1", "creator-1", "deliver", at(74))
    done = engine.release_funds("bk-1", "client-123", at(75))
    assert done.payment_status == "released"
    assert done.paid() == {"creator-1": booking.Money("570.00", "USD"), "creator-2": booking.Money("380.00", "USD")}
    # Everything is in the file: a second engine on it sees the same booking.
    again = booking.Engine(store=SqliteStore(path))
    assert again.get("bk-1") == done
    assert again.get_booking_messages("bk-1", "creator-1")["messages"][0]["content"] == "Looking forward to it"
    assert [b.id for b in again.get_client_bookings("client-123")] == ["bk-1"]


def test_a_failing_store_is_a_booking_error_not_a_crash():
    class Flaky(DictStore):
        def get(self, key):
            raise RuntimeError("disk on fire")

    engine = booking.Engine(store=Flaky())
    with pytest.raises(booking.BookingError) as e:
        engine.get("bk-1")
    assert e.value.code == "store.unavailable" and "disk on fire" in str(e.value)

"""A booking store on the standard library's sqlite3.

    from sqlite_store import SqliteStore
    engine = booking.Engine(store=SqliteStore("bookings.db"))

One table of keys, versions and JSON values; the engine keeps every rule of
the store contract on top of ``write``'s all-or-nothing compare-and-set.
Run this file to check it against the conformance suite.
"""

import sqlite3
import threading
from typing import Iterable, List, Optional, Tuple

import booking
import booking.testing


class SqliteStore:
    """A ``booking.KeyValueStore`` in one SQLite table."""

    def __init__(self, path: str = ":memory:") -> None:
        # One connection shared by the engine's threads, guarded by a lock;
        # BEGIN IMMEDIATE also makes batches atomic across processes.
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._db.execute("CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, version INTEGER NOT NULL, value TEXT)")

    def get(self, key: str) -> Optional[Tuple[int, str]]:
        with self._lock:
            row = self._db.execute("SELECT version, value FROM kv WHERE key = ?", (key,)).fetchone()
        return (row[0], row[1]) if row else None

    def scan(self, prefix: str) -> Iterable[Tuple[str, int, str]]:
        # Keys are compared as text: [prefix, prefix + U+10FFFF) is the prefix.
        with self._lock:
            rows = self._db.execute(
                "SELECT key, version, value FROM kv WHERE key >= ? AND key < ? ORDER BY key",
                (prefix, prefix + "\U0010ffff"),
            ).fetchall()
        return [(k, v, val) for k, v, val in rows if k.startswith(prefix)]

    def write(self, batch: List[Tuple[str, str, int, Optional[str]]]) -> bool:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for _op, key, expected, _value in batch:
                    row = self._db.execute("SELECT version FROM kv WHERE key = ?", (key,)).fetchone()
                    if (row[0] if row else 0) != expected:
                        self._db.execute("ROLLBACK")
                        return False
                for op, key, expected, value in batch:
                    if op == "put":
                        self._db.execute(
                            "INSERT INTO kv (key, version, value) VALUES (?, ?, ?) "
                            "ON CONFLICT(key) DO UPDATE SET version = excluded.version, value = excluded.value",
                            (key, expected + 1, value),
                        )
                    elif op == "delete":
                        self._db.execute("DELETE FROM kv WHERE key = ?", (key,))
                self._db.execute("COMMIT")
                return True
            except BaseException:
                self._db.execute("ROLLBACK")
                raise


if __name__ == "__main__":
    passed = booking.testing.check_store(SqliteStore)
    print(f"SqliteStore passes all {passed} store conformance checks")

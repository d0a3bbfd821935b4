import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"
T0 = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)


def vectors(name: str) -> dict:
    return json.loads((VECTORS / f"{name}.json").read_text())


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


@pytest.fixture
def t0() -> datetime:
    return T0

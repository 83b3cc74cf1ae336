"""Shared helpers for the pure solver tests (no database, no Django)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def shared_dir() -> Path:
    env = os.environ.get("CAREDESK_SHARED_DIR")
    return Path(env) if env else REPO.parent / "shared"


@pytest.fixture(scope="session")
def instances_dir() -> Path:
    d = shared_dir() / "bench" / "rostering" / "instances"
    if not d.is_dir():
        pytest.skip(f"benchmark instances not found at {d} (set CAREDESK_SHARED_DIR to the shared/ folder)")
    return d

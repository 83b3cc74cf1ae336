"""Database-level guard of the audit table.

The triggers of migration 0002 refuse UPDATE and DELETE on core_auditevent.
The only exception is a purge that a process explicitly allows, which only the
test suite does (Django's test database flush between transactional tests).
On SQLite the triggers call an application function registered here on every
connection, so a connection without it (the sqlite3 shell) is refused too; on
PostgreSQL the exception is the session setting `caredesk.audit_purge = on`.
Tampering with the database by its owner is caught by the HMAC chain instead.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from django.db import connections

_state = threading.local()


def _purge_allowed() -> bool:
    return bool(getattr(_state, "purge_allowed", False))


def _sqlite_guard() -> int:
    # 1 makes the trigger's WHEN clause true, so the trigger raises.
    return 0 if _purge_allowed() else 1


def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("caredesk_audit_guard", 0, _sqlite_guard)


@contextlib.contextmanager
def audit_purge_allowed(alias: str = "default") -> Iterator[None]:
    """Let this thread delete audit rows (test database flush only)."""
    _state.purge_allowed = True
    conn = connections[alias]
    try:
        if conn.vendor == "postgresql":
            with conn.cursor() as cur:
                cur.execute("SET caredesk.audit_purge = 'on'")
        yield
    finally:
        _state.purge_allowed = False
        if conn.vendor == "postgresql" and conn.connection is not None:
            with conn.cursor() as cur:
                cur.execute("RESET caredesk.audit_purge")

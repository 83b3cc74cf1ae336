"""The append-only, tamper-evident audit trail.

`record()` is called by every service inside its transaction, and
`record_view()` by every read of a record that holds patient information.
Each event is sealed with an HMAC-SHA256 over its canonical content and the
previous event's seal (the key comes from settings, see docs/decisions/0003).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import models, transaction

from caredesk.core import clock, context
from caredesk.core.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def _key() -> bytes:
    configured = getattr(settings, "CAREDESK_AUDIT_KEY", "")
    material = configured or f"caredesk-audit:{settings.SECRET_KEY}"
    return hashlib.sha256(material.encode()).digest()


def json_safe(value: Any) -> Any:
    """A JSON-safe copy of a field value (stable text for dates and decimals)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime):
        return value.astimezone(clock.UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, (date, time, Decimal, UUID)):
        return str(value) if not isinstance(value, (date, time)) else value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Enum):
        return json_safe(value.value)
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [json_safe(v) for v in value]
    return str(value)


def canonical(data: Any) -> str:
    return json.dumps(json_safe(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# Fields never copied into the audit trail (secrets).
_SECRET_FIELDS = {"password", "token_hash", "secret"}


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The values of a row's concrete fields, by attribute name (FKs as ids)."""
    wanted = set(fields) if fields is not None else None
    out: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        name = f.attname
        if name in _SECRET_FIELDS or f.name in _SECRET_FIELDS:
            continue
        if wanted is not None and f.name not in wanted and name not in wanted:
            continue
        out[name] = json_safe(getattr(instance, name))
    return out


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields whose value differs (plus fields present on one side)."""
    keys = set(before) | set(after)
    changed = {k for k in keys if before.get(k) != after.get(k)}
    changed.discard("updated_at")
    return ({k: before.get(k) for k in changed}, {k: after.get(k) for k in changed})


def _seal_payload(e: AuditEvent) -> str:
    return canonical(
        {
            "seq": e.seq,
            "at": e.at,
            "actor_id": e.actor_id,
            "actor_username": e.actor_username,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "object_repr": e.object_repr,
            "site_id": e.site_id,
            "client_address": e.client_address,
            "channel": e.channel,
            "before": e.before,
            "after": e.after,
            "prev_seal": e.prev_seal,
        }
    )


def compute_seal(e: AuditEvent) -> str:
    return hmac.new(_key(), _seal_payload(e).encode(), hashlib.sha256).hexdigest()


def _object_type(obj: models.Model | type[models.Model] | str) -> str:
    if isinstance(obj, str):
        return obj
    return obj._meta.label_lower


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    site_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Append one event. Must run inside the caller's transaction (services are atomic)."""
    ctx = context.current()
    if obj is not None:
        object_type = object_type or _object_type(obj)
        object_id = object_id or str(obj.pk)
        if site_id is None:
            site_id = audit_site_id(obj)
    moment = at or clock.now()
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:  # a fresh database (or one emptied by the test suite)
            AuditChainHead.objects.get_or_create(pk=1)  # race-safe: another writer may create it first
            head = AuditChainHead.objects.select_for_update().get(pk=1)
        event = AuditEvent(
            seq=head.last_seq + 1,
            at=moment,
            actor_id=getattr(actor, "pk", None),
            actor_username=actor.get_username()[:150] if actor is not None else "system",
            action=action[:80],
            object_type=object_type[:80],
            object_id=str(object_id)[:64],
            object_repr=(str(obj) if obj is not None else "")[:200],
            site_id=site_id,
            client_address=ctx.client_address[:64],
            channel=ctx.channel,
            before=canonical(before or {}),
            after=canonical(after or {}),
            prev_seal=head.last_seal,
        )
        event.seal = compute_seal(event)
        event.save(force_insert=True)
        AuditChainHead.objects.filter(pk=1).update(last_seq=event.seq, last_seal=event.seal)
    return event


def record_view(*, actor: Any, obj: models.Model, at: datetime | None = None) -> AuditEvent:
    """Log one view of a record that holds patient information."""
    return record(actor=actor, action="view", obj=obj, at=at)


def audit_site_id(obj: models.Model) -> int | None:
    """The site a row belongs to, by following its scope path."""
    path = getattr(obj, "scope_site_path", None)
    if not path:
        return None
    if path == "pk":
        return int(obj.pk)
    value: Any = obj
    parts = path.split("__")
    for i, part in enumerate(parts):
        if value is None:
            return None
        last = i == len(parts) - 1
        if last:
            raw = getattr(value, f"{part}_id", None) if hasattr(value, f"{part}_id") else getattr(value, part, None)
            if isinstance(raw, models.Model):
                raw = raw.pk
            return int(raw) if raw is not None else None
        value = getattr(value, part, None)
    return None


def log_patient_view(actor: Any, obj: models.Model) -> None:
    """Record a view if the model is marked as holding patient information."""
    if getattr(obj, "contains_patient_information", False):
        with transaction.atomic():
            record_view(actor=actor, obj=obj)


# --- verification ----------------------------------------------------------------


@dataclass(frozen=True)
class VerifyProblem:
    seq: int
    event_id: int | None
    kind: str  # changed | removed | inserted
    detail: str

    def __str__(self) -> str:
        ident = f"event #{self.seq}" + (f" (row id {self.event_id})" if self.event_id is not None else "")
        return f"{ident} {self.kind}: {self.detail}"


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    head_seq: int
    head_seal: str
    problem: VerifyProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq", "id").iterator(chunk_size=2000)


def verify() -> VerifyResult:
    """Walk the whole chain; stop at the first event changed, removed or inserted."""
    head = AuditChainHead.objects.filter(pk=1).first() or AuditChainHead(pk=1)
    expected_seq = 1
    prev_seal = GENESIS
    checked = 0

    def result(problem: VerifyProblem | None) -> VerifyResult:
        return VerifyResult(checked=checked, head_seq=head.last_seq, head_seal=head.last_seal, problem=problem)

    events = _events()
    e = next(events, None)
    while e is not None:
        following = next(events, None)
        if e.seq > head.last_seq:
            return result(VerifyProblem(e.seq, e.id, "inserted", "it lies beyond the chain head"))
        if e.seq < expected_seq:
            return result(VerifyProblem(e.seq, e.id, "inserted", "its sequence number is used twice"))
        if e.seq > expected_seq:
            gap = f"#{expected_seq}" if e.seq == expected_seq + 1 else f"#{expected_seq} to #{e.seq - 1}"
            return result(VerifyProblem(expected_seq, None, "removed", f"event {gap} is missing before #{e.seq}"))
        if compute_seal(e) != e.seal:
            # The next event still links to the one before this one: this one was slipped in.
            if following is not None and following.prev_seal == prev_seal and e.prev_seal == prev_seal:
                return result(
                    VerifyProblem(e.seq, e.id, "inserted", "the application never sealed it; the next event skips it")
                )
            if e.prev_seal != prev_seal:
                return result(VerifyProblem(e.seq, e.id, "inserted", "its seal is not one the application made"))
            return result(VerifyProblem(e.seq, e.id, "changed", "its content no longer matches its seal"))
        if e.prev_seal != prev_seal:
            return result(VerifyProblem(e.seq, e.id, "inserted", "it does not follow the event before it"))
        prev_seal = e.seal
        expected_seq += 1
        checked += 1
        e = following
    if expected_seq - 1 < head.last_seq:
        return result(
            VerifyProblem(
                expected_seq, None, "removed", f"the chain ends at #{expected_seq - 1} but its head is #{head.last_seq}"
            )
        )
    if prev_seal != head.last_seal:
        return result(VerifyProblem(head.last_seq, None, "changed", "the last event does not match the chain head"))
    return result(None)

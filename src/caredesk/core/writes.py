"""Helpers shared by every service that writes: validation, versions, audit.

A service is one function per use case, atomic, that checks permission with
`caredesk.core.scoping`, validates, writes, and appends one audit event. These
helpers keep that pattern short without hiding it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models

from caredesk.core import audit, errors

M = TypeVar("M", bound=models.Model)


def full_clean(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    """Model validation, turned into a ValidationFailed naming each field."""
    try:
        instance.full_clean(exclude=exclude, validate_constraints=True)
    except DjangoValidationError as exc:
        fields: dict[str, list[str]] = {}
        for name, items in exc.error_dict.items():
            for item in items:
                key = name
                # Constraints name the field they protect with violation_error_code="field:<name>".
                code = item.code or ""
                if name == "__all__" and code.startswith("field:"):
                    key = code.split(":", 1)[1]
                fields.setdefault(key, []).extend(str(m) for m in item.messages)
        first = next(iter(fields.items()))
        label = "" if first[0] == "__all__" else f"{first[0]}: "
        raise errors.ValidationFailed(f"{label}{first[1][0]}", fields=fields) from None


def check_version(instance: Any, expected: int | None) -> None:
    """Refuse a write made from a stale copy of the row (lost-update guard)."""
    if expected is not None and instance.version != expected:
        raise errors.Conflict(
            errors.Conflict.default_message,
            fields={"version": [f"expected {expected}, the record is now at version {instance.version}"]},
        )


def apply(instance: M, data: Mapping[str, Any]) -> M:
    for name, value in data.items():
        setattr(instance, name, value)
    return instance


def save_new(instance: M, *, actor: Any, action: str) -> M:
    full_clean(instance)
    try:
        instance.save(force_insert=True)
    except IntegrityError as exc:
        raise errors.Conflict(f"This conflicts with an existing record: {exc}") from None
    audit.record(actor=actor, action=action, obj=instance, after=audit.snapshot(instance))
    return instance


def save_changes(instance: M, data: Mapping[str, Any], *, actor: Any, action: str, expected_version: int | None) -> M:
    """Apply `data` to a row locked FOR UPDATE, bump its version, audit the diff."""
    check_version(instance, expected_version)
    before = audit.snapshot(instance)
    apply(instance, data)
    full_clean(instance)
    if not audit.changes(before, audit.snapshot(instance))[1]:
        return instance  # nothing changed: no write, no event
    if hasattr(instance, "version"):
        instance.version += 1  # type: ignore[attr-defined]
    old, new = audit.changes(before, audit.snapshot(instance))
    try:
        instance.save()
    except IntegrityError as exc:
        raise errors.Conflict(f"This conflicts with an existing record: {exc}") from None
    audit.record(actor=actor, action=action, obj=instance, before=old, after=new)
    return instance

"""Permissions as data.

Each app declares its permissions in `<app>/permissions.py` as a list named
PERMISSIONS: name, scope, the roles that hold it by default, and a description.
A role grant at site level gives its permissions on every unit of the site; a
grant at unit level only on that unit (and what hangs under it). The scoping
helper in `caredesk.core.scoping` is the only place these are evaluated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps

from caredesk.core.roles import Role


@dataclass(frozen=True)
class Permission:
    name: str  # "<app>.<verb>_<thing>", e.g. "org.change_unit"
    scope: str  # "site" or "unit": the narrowest place a grant of it can be held
    default_roles: tuple[Role, ...]
    description: str = ""

    def __post_init__(self) -> None:
        if self.scope not in {"site", "unit"}:
            raise ValueError(f"permission {self.name}: scope must be 'site' or 'unit'")


_registry: dict[str, Permission] = {}


def register(perms: Iterable[Permission]) -> None:
    for perm in perms:
        existing = _registry.get(perm.name)
        if existing is not None and existing != perm:
            raise ValueError(f"permission {perm.name} declared twice with different content")
        _registry[perm.name] = perm


def autodiscover() -> None:
    for app in apps.get_app_configs():
        if not app.name.startswith("caredesk."):
            continue
        try:
            module = import_module(f"{app.name}.permissions")
        except ModuleNotFoundError as exc:
            if exc.name == f"{app.name}.permissions":
                continue
            raise
        register(getattr(module, "PERMISSIONS", []))


def get(name: str) -> Permission:
    try:
        return _registry[name]
    except KeyError:
        raise KeyError(f"unknown permission {name!r}: declare it in the app's permissions.py") from None


def all_permissions() -> list[Permission]:
    return sorted(_registry.values(), key=lambda p: p.name)


def roles_with(name: str) -> tuple[Role, ...]:
    return get(name).default_roles


def permissions_of(role: Role | str) -> set[str]:
    return {p.name for p in _registry.values() if role in p.default_roles}


# core's own permissions.
PERMISSIONS = [
    Permission(
        "core.view_audit",
        "site",
        (Role.AUDITOR, Role.COMPLIANCE),
        "Read and export the audit trail of the site.",
    ),
]

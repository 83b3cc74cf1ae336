"""Site and unit scoping: the one place that decides what a user may see or do.

Every list and detail query of the application passes through `scoped()` or
`get_scoped()`, and every write checks `require()`. A model says how it is
reached from a site and a unit with two class attributes:

    scope_site_path = "unit__site"   # lookup to the Site primary key
    scope_unit_path = "unit"         # lookup to the Unit primary key ("" if none)

A role grant held on a site gives its permissions on everything of that site;
a grant held on a unit gives them on that unit and what hangs under it. A grant
on a unit also lets its holder see the site record itself when the permission
asked is a view permission of that site (the Site model's unit path does this).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet

from caredesk.core import errors
from caredesk.core import permissions as perms

if TYPE_CHECKING:
    from caredesk.accounts.models import User

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Reach:
    """Where a user holds one permission: whole sites, and single units."""

    everywhere: bool = False
    site_ids: frozenset[int] = field(default_factory=frozenset)
    unit_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def empty(self) -> bool:
        return not (self.everywhere or self.site_ids or self.unit_ids)


def reach(user: User | Any, permission: str) -> Reach:
    """Sites and units where `user` holds `permission` (cached per user object)."""
    perms.get(permission)  # unknown permission names fail loudly
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Reach()
    if user.is_superuser:
        return Reach(everywhere=True)
    cache: dict[str, Reach] = user.__dict__.setdefault("_caredesk_reach", {})
    if permission in cache:
        return cache[permission]
    roles = perms.roles_with(permission)
    site_ids: set[int] = set()
    unit_ids: set[int] = set()
    for site_id, unit_id in user.active_grants().filter(role__in=roles).values_list("site_id", "unit_id"):
        if unit_id is None:
            site_ids.add(site_id)
        else:
            unit_ids.add(unit_id)
    result = Reach(site_ids=frozenset(site_ids), unit_ids=frozenset(unit_ids))
    cache[permission] = result
    return result


def forget(user: Any) -> None:
    """Drop the per-user cache after the user's grants change."""
    user.__dict__.pop("_caredesk_reach", None)


def scope_filter(model: type[models.Model], r: Reach) -> Q | None:
    """The filter selecting the rows of `model` within reach; None means all."""
    if r.everywhere:
        return None
    site_path = getattr(model, "scope_site_path", None)
    if site_path is None:
        raise TypeError(f"{model.__name__} has no scope_site_path: it cannot be scoped")
    unit_path = getattr(model, "scope_unit_path", "")
    q = Q(**{f"{site_path}__in": r.site_ids}) if r.site_ids else Q(pk__in=[])
    if unit_path and r.unit_ids:
        q |= Q(**{f"{unit_path}__in": r.unit_ids})
    return q


def scoped(queryset: QuerySet[M], user: Any, permission: str) -> QuerySet[M]:
    """The rows of `queryset` on which `user` holds `permission`."""
    r = reach(user, permission)
    if r.empty:
        return queryset.none()
    q = scope_filter(queryset.model, r)
    if q is None:
        return queryset
    if getattr(queryset.model, "scope_through_many", False):
        # The path crosses a to-many relation: filter by primary key to avoid duplicates.
        inner = queryset.model._default_manager.filter(q).values("pk")
        return queryset.filter(pk__in=inner)
    return queryset.filter(q)


def get_scoped(queryset: QuerySet[M], user: Any, permission: str, **lookup: Any) -> M:
    """One row within reach, or NotFound. Rows out of reach are indistinguishable
    from rows that do not exist, so a user of another site learns nothing."""
    try:
        return scoped(queryset, user, permission).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise errors.NotFound() from None


def has(user: Any, permission: str, *, site_id: int | None = None, unit_id: int | None = None) -> bool:
    """Does `user` hold `permission` on this site (or unit of that site)?

    With only `site_id`, a unit-level grant does not count: the question is
    about the whole site. With `unit_id` (and its `site_id`), either counts.
    """
    r = reach(user, permission)
    if r.everywhere:
        return True
    if site_id is not None and site_id in r.site_ids:
        return True
    return unit_id is not None and unit_id in r.unit_ids


def has_anywhere(user: Any, permission: str) -> bool:
    return not reach(user, permission).empty


def require(user: Any, permission: str, *, site_id: int | None = None, unit_id: int | None = None) -> None:
    if not getattr(user, "is_authenticated", False):
        raise errors.NotAuthenticated()
    if not has(user, permission, site_id=site_id, unit_id=unit_id):
        raise errors.PermissionDenied()


def require_anywhere(user: Any, permission: str) -> None:
    if not getattr(user, "is_authenticated", False):
        raise errors.NotAuthenticated()
    if not has_anywhere(user, permission):
        raise errors.PermissionDenied()

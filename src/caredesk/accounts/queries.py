from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from caredesk.accounts.models import ApiToken, RoleGrant, User
from caredesk.core import permissions, scoping


def people(user: Any, *, site_id: int | None = None, unit_id: int | None = None) -> QuerySet[User]:
    """Users holding an active role within the caller's reach."""
    visible_grants = scoping.scoped(
        RoleGrant.objects.filter(revoked_at__isnull=True).select_related("site", "unit"), user, "accounts.view_user"
    )
    if site_id is not None:
        visible_grants = visible_grants.filter(site_id=site_id)
    if unit_id is not None:
        visible_grants = visible_grants.filter(unit_id=unit_id)
    return (
        User.objects.filter(pk__in=visible_grants.values("user_id"))
        .prefetch_related(Prefetch("role_grants", queryset=visible_grants, to_attr="visible_grants"))
        .order_by("last_name", "first_name", "username")
    )


def tokens(user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user_id=user.pk)


def permission_map(user: Any) -> dict[str, list[str]]:
    """For /me: where the user holds each permission ("*", "site:ID", "unit:ID")."""
    out: dict[str, list[str]] = {}
    for perm in permissions.all_permissions():
        r = scoping.reach(user, perm.name)
        if r.empty:
            continue
        places = (
            ["*"]
            if r.everywhere
            else [f"site:{s}" for s in sorted(r.site_ids)] + [f"unit:{u}" for u in sorted(r.unit_ids)]
        )
        out[perm.name] = places
    return out

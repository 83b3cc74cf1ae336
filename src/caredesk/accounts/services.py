"""Writes about people and access: log-ins, role grants, language, API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from caredesk.accounts import schemas
from caredesk.accounts.models import ApiToken, RoleGrant, User
from caredesk.core import audit, clock, errors, scoping, writes
from caredesk.core.roles import Role
from caredesk.org.models import Site, Unit

TOKEN_PREFIX = "cdk_"


def _validate_grant(data: schemas.GrantCreate, actor: Any) -> tuple[Site, Unit | None]:
    site = scoping.get_scoped(Site.objects.all(), actor, "org.view_site", pk=data.site_id)
    scoping.require(actor, "accounts.manage_users", site_id=site.pk)
    unit = None
    if data.unit_id is not None:
        unit = Unit.objects.filter(pk=data.unit_id, site=site).first()
        if unit is None:
            raise errors.ValidationFailed.field("unit_id", _("this unit is not part of the chosen site"))
    if data.role == Role.CLINICIAN and not data.discipline:
        raise errors.ValidationFailed.field("discipline", _("a clinician needs a discipline"))
    if data.role != Role.CLINICIAN and data.discipline:
        raise errors.ValidationFailed.field("discipline", _("only clinicians have a discipline"))
    if data.role == Role.ADMINISTRATOR and not (
        actor.is_superuser or scoping.has(actor, "org.add_site", site_id=site.pk)
    ):
        raise errors.PermissionDenied(_("Only a director or an administrator may grant the administrator role."))
    return site, unit


@transaction.atomic
def create_user(actor: Any, data: schemas.UserCreate) -> User:
    site, unit = _validate_grant(data.grant, actor)
    if User.objects.filter(username__iexact=data.username).exists():
        raise errors.ValidationFailed.field("username", _("this log-in is already taken"))
    if data.language not in dict(settings.LANGUAGES):
        raise errors.ValidationFailed.field("language", _("unknown language"))
    user = User(
        username=data.username,
        first_name=data.first_name,
        last_name=data.last_name,
        email=data.email or "",
        language=data.language,
    )
    try:
        password_validation.validate_password(data.password, user)
    except DjangoValidationError as exc:
        raise errors.ValidationFailed(
            _("password: %(message)s") % {"message": exc.messages[0]}, fields={"password": list(exc.messages)}
        ) from None
    user.set_password(data.password)
    writes.save_new(user, actor=actor, action="accounts.create_user")
    _grant(actor, user, data.grant, site, unit)
    return user


def _grant(actor: Any, user: User, data: schemas.GrantCreate, site: Site, unit: Unit | None) -> RoleGrant:
    grant = RoleGrant(
        user=user, role=data.role, site=site, unit=unit, discipline=data.discipline or "", granted_by=actor
    )
    if user.active_grants().filter(role=data.role, site=site, unit=unit).exists():
        raise errors.Conflict(_("This person already holds this role there."))
    writes.save_new(grant, actor=actor, action="accounts.grant_role")
    scoping.forget(user)
    return grant


@transaction.atomic
def grant_role(actor: Any, user_id: int, data: schemas.GrantCreate) -> RoleGrant:
    site, unit = _validate_grant(data, actor)
    user = User.objects.select_for_update().filter(pk=user_id).first()
    # Anyone who manages users of the site may grant to a person they can see,
    # or to a person with no grant yet; never to themselves.
    if user is None or not (
        scoping.scoped(User.objects.filter(pk=user_id), actor, "accounts.view_user").exists()
        or not user.active_grants().exists()
    ):
        raise errors.NotFound()
    if user.pk == actor.pk and not actor.is_superuser:
        raise errors.PermissionDenied(_("You cannot grant roles to yourself."))
    return _grant(actor, user, data, site, unit)


@transaction.atomic
def revoke_grant(actor: Any, grant_id: int, *, now: datetime | None = None) -> RoleGrant:
    grant = scoping.get_scoped(
        RoleGrant.objects.select_for_update().filter(revoked_at__isnull=True), actor, "accounts.view_user", pk=grant_id
    )
    scoping.require(actor, "accounts.manage_users", site_id=grant.site_id)
    if grant.user_id == actor.pk and not actor.is_superuser:
        raise errors.PermissionDenied(_("You cannot revoke your own roles; ask another manager."))
    before = audit.snapshot(grant)
    grant.revoked_at = now or clock.now()
    grant.version += 1
    grant.save(update_fields=["revoked_at", "version", "updated_at"])
    old, new = audit.changes(before, audit.snapshot(grant))
    audit.record(actor=actor, action="accounts.revoke_grant", obj=grant, before=old, after=new)
    scoping.forget(grant.user)
    return grant


@transaction.atomic
def set_language(actor: Any, language: str) -> User:
    if language not in dict(settings.LANGUAGES):
        raise errors.ValidationFailed.field("language", _("unknown language"))
    user = User.objects.select_for_update().get(pk=actor.pk)
    writes.save_changes(
        user, {"language": language}, actor=actor, action="accounts.set_language", expected_version=None
    )
    actor.language = language
    return user


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_api_token(actor: Any, data: schemas.TokenCreate, *, now: datetime | None = None) -> tuple[ApiToken, str]:
    """A new bearer token for the acting user; the secret is returned once."""
    if not getattr(actor, "is_authenticated", False):
        raise errors.NotAuthenticated()
    moment = now or clock.now()
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    days = data.days or settings.CAREDESK_API_TOKEN_DAYS
    token = ApiToken(
        user=actor,
        name=data.name,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        token_hash=_hash(secret),
        created_at=moment,
        expires_at=moment + timedelta(days=days),
    )
    token.save(force_insert=True)
    audit.record(actor=actor, action="accounts.create_api_token", obj=token, after=audit.snapshot(token), at=moment)
    return token, secret


@transaction.atomic
def revoke_api_token(actor: Any, token_id: int, *, now: datetime | None = None) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user_id=actor.pk).first()
    if token is None:
        raise errors.NotFound()
    if token.revoked_at is None:
        token.revoked_at = now or clock.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="accounts.revoke_api_token", obj=token, after={"revoked_at": token.revoked_at})
    return token


def authenticate_token(secret: str, *, now: datetime | None = None) -> User | None:
    """The active user behind a bearer token, or None (expired, revoked, unknown)."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    moment = now or clock.now()
    token = ApiToken.objects.select_related("user").filter(token_hash=_hash(secret)).first()
    if token is None or not token.is_usable(moment) or not token.user.is_active:
        return None
    # Record use at most once a minute: a busy integration must not write on every call.
    if token.last_used_at is None or moment - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=moment)
    return token.user

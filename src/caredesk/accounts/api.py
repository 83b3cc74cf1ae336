"""People, role grants, the caller's profile and API tokens over the JSON API."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from caredesk.accounts import queries, schemas, services
from caredesk.accounts.models import User
from caredesk.core import errors
from caredesk.core.api_support import ERRORS, Page

router = Router(tags=["people and access"])


def user_out(user: User, grants: Any = None) -> dict[str, Any]:
    visible = grants if grants is not None else getattr(user, "visible_grants", user.active_grants())
    return {
        "id": user.pk,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "display_name": str(user),
        "email": user.email,
        "language": user.language,
        "is_active": user.is_active,
        "grants": list(visible),
    }


class PeopleFilter(Schema):
    site_id: int | None = None
    unit_id: int | None = None


@router.get("/me", response=schemas.MeRead, summary="Who you are and where you hold each permission")
def me(request: HttpRequest):  # type: ignore[no-untyped-def]
    user: Any = request.user
    return {**user_out(user, user.active_grants()), "permissions": queries.permission_map(user)}


@router.put("/me/language", response={200: schemas.MeRead, **ERRORS})
def set_language(request: HttpRequest, data: schemas.LanguageUpdate):  # type: ignore[no-untyped-def]
    user = services.set_language(request.user, data.language)
    return {**user_out(user, user.active_grants()), "permissions": queries.permission_map(user)}


@router.get("/users", response=list[schemas.UserRead])
@paginate(Page)
def list_users(request: HttpRequest, filters: Query[PeopleFilter]):  # type: ignore[no-untyped-def]
    return [user_out(u) for u in queries.people(request.user, site_id=filters.site_id, unit_id=filters.unit_id)]


@router.post("/users", response={201: schemas.UserRead, **ERRORS}, summary="Create a log-in with a first role")
def create_user(request: HttpRequest, data: schemas.UserCreate):  # type: ignore[no-untyped-def]
    user = services.create_user(request.user, data)
    return 201, user_out(user, user.active_grants())


@router.get("/users/{user_id}", response={200: schemas.UserRead, **ERRORS})
def get_user(request: HttpRequest, user_id: int):  # type: ignore[no-untyped-def]
    user = queries.people(request.user).filter(pk=user_id).first()
    if user is None:
        raise errors.NotFound()
    return user_out(user)


@router.post("/users/{user_id}/grants", response={201: schemas.GrantRead, **ERRORS}, summary="Grant a role")
def grant_role(request: HttpRequest, user_id: int, data: schemas.GrantCreate):  # type: ignore[no-untyped-def]
    return 201, services.grant_role(request.user, user_id, data)


@router.delete("/grants/{grant_id}", response={200: schemas.GrantRead, **ERRORS}, summary="Revoke a role")
def revoke_grant(request: HttpRequest, grant_id: int):  # type: ignore[no-untyped-def]
    return services.revoke_grant(request.user, grant_id)


@router.get("/tokens", response=list[schemas.TokenRead], summary="Your API tokens")
@paginate(Page)
def list_tokens(request: HttpRequest):  # type: ignore[no-untyped-def]
    return queries.tokens(request.user)


@router.post("/tokens", response={201: schemas.TokenCreated, **ERRORS}, summary="Create an API token")
def create_token(request: HttpRequest, data: schemas.TokenCreate):  # type: ignore[no-untyped-def]
    token, secret = services.create_api_token(request.user, data)
    return 201, {**schemas.TokenRead.from_orm(token).dict(), "token": secret}


@router.delete("/tokens/{token_id}", response={200: schemas.TokenRead, **ERRORS}, summary="Revoke an API token")
def revoke_token(request: HttpRequest, token_id: int):  # type: ignore[no-untyped-def]
    return services.revoke_api_token(request.user, token_id)

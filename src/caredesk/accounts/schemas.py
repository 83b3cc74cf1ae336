from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import EmailStr, Field

from caredesk.core.roles import Discipline, Role


class GrantCreate(Schema):
    role: Role
    site_id: int
    unit_id: int | None = None
    discipline: Discipline | None = None


class GrantRead(Schema):
    id: int
    role: Role
    site_id: int
    unit_id: int | None
    discipline: str
    created_at: datetime


class UserCreate(Schema):
    username: str = Field(min_length=3, max_length=150, pattern=r"^[\w.@+-]+$")
    first_name: str = Field(min_length=1, max_length=150)
    last_name: str = Field(min_length=1, max_length=150)
    email: EmailStr | None = None
    password: str = Field(min_length=1, description="Checked against the password rules.")
    language: str = "en"
    grant: GrantCreate = Field(description="The first role of the new user.")


class UserRead(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    display_name: str
    email: str
    language: str
    is_active: bool
    grants: list[GrantRead]


class MeRead(UserRead):
    permissions: dict[str, list[str]] = Field(description="Permission name -> where it is held.")


class LanguageUpdate(Schema):
    language: str


class TokenCreate(Schema):
    name: str = Field(min_length=1, max_length=80)
    days: int | None = Field(default=None, ge=1, le=366, description="Lifetime in days (default from settings).")


class TokenRead(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenCreated(TokenRead):
    token: str = Field(description="The secret, shown once. Send it as 'Authorization: Bearer <token>'.")

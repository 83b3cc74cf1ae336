"""API and service shapes of the organisation: Create / Update / Read."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from caredesk.org.models import SiteKind, UnitKind


class SiteCreate(Schema):
    name: str = Field(min_length=1, max_length=120)
    code: str = Field(min_length=1, max_length=20, pattern=r"^[-a-zA-Z0-9_]+$")
    kind: SiteKind
    time_zone: str = Field(min_length=1, max_length=64, examples=["America/New_York"])
    address_line: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = Field(default="", max_length=2)


class SiteUpdate(Schema):
    version: int = Field(description="The version you read; a stale version is refused with 409.")
    name: str | None = Field(default=None, min_length=1, max_length=120)
    code: str | None = Field(default=None, min_length=1, max_length=20, pattern=r"^[-a-zA-Z0-9_]+$")
    kind: SiteKind | None = None
    time_zone: str | None = Field(default=None, min_length=1, max_length=64)
    address_line: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = Field(default=None, max_length=2)
    is_active: bool | None = None


class SiteRead(Schema):
    id: int
    name: str
    code: str
    kind: SiteKind
    time_zone: str
    address_line: str
    city: str
    region: str
    postal_code: str
    country: str
    is_active: bool
    version: int
    updated_at: datetime


class UnitCreate(Schema):
    site_id: int
    name: str = Field(min_length=1, max_length=120)
    code: str = Field(min_length=1, max_length=20, pattern=r"^[-a-zA-Z0-9_]+$")
    kind: UnitKind
    floor: str = ""
    phone: str = ""


class UnitUpdate(Schema):
    version: int
    name: str | None = Field(default=None, min_length=1, max_length=120)
    code: str | None = Field(default=None, min_length=1, max_length=20, pattern=r"^[-a-zA-Z0-9_]+$")
    kind: UnitKind | None = None
    floor: str | None = None
    phone: str | None = None
    is_active: bool | None = None


class UnitRead(Schema):
    id: int
    site_id: int
    name: str
    code: str
    kind: UnitKind
    floor: str
    phone: str
    is_active: bool
    version: int
    updated_at: datetime


class RoomCreate(Schema):
    unit_id: int
    name: str = Field(min_length=1, max_length=40)
    position: int = Field(default=0, ge=0)
    bed_labels: list[str] = Field(default_factory=list, max_length=12, description="Beds to create in the room.")


class RoomUpdate(Schema):
    version: int
    name: str | None = Field(default=None, min_length=1, max_length=40)
    position: int | None = Field(default=None, ge=0)
    is_active: bool | None = None


class RoomRead(Schema):
    id: int
    unit_id: int
    name: str
    position: int
    is_active: bool
    version: int


class BedCreate(Schema):
    room_id: int
    label: str = Field(min_length=1, max_length=20)


class BedUpdate(Schema):
    version: int
    label: str | None = Field(default=None, min_length=1, max_length=20)
    is_active: bool | None = None


class BedRead(Schema):
    id: int
    room_id: int
    label: str
    is_active: bool
    version: int

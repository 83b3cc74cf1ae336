"""Every write of the organisation: one atomic, permission-checked, audited
function per use case. Pages and the API both call these."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from caredesk.core import errors, scoping, writes
from caredesk.core.roles import Role
from caredesk.org import schemas
from caredesk.org.models import Bed, Room, Site, Unit


def _locked(model: type[Any], pk: int, user: Any, view_perm: str) -> Any:
    """The row, locked for update, if the user can see it; else NotFound."""
    return scoping.get_scoped(model.objects.select_for_update(), user, view_perm, pk=pk)


# --- sites -------------------------------------------------------------------------


@transaction.atomic
def create_site(actor: Any, data: schemas.SiteCreate, *, now: datetime | None = None) -> Site:
    """Open a new site. Whoever opens it becomes its director (or administrator)."""
    scoping.require_anywhere(actor, "org.add_site")
    site = writes.save_new(Site(**data.model_dump()), actor=actor, action="org.create_site")
    if not actor.is_superuser:
        from caredesk.accounts.models import RoleGrant

        held = set(actor.active_grants().values_list("role", flat=True))
        role = Role.DIRECTOR if Role.DIRECTOR in held else Role.ADMINISTRATOR
        grant = RoleGrant.objects.create(user=actor, role=role, site=site, granted_by=actor)
        from caredesk.core import audit

        audit.record(actor=actor, action="accounts.grant_role", obj=grant, after=audit.snapshot(grant))
        scoping.forget(actor)
    return site


@transaction.atomic
def update_site(actor: Any, site_id: int, data: schemas.SiteUpdate) -> Site:
    site = _locked(Site, site_id, actor, "org.view_site")
    scoping.require(actor, "org.change_site", site_id=site.pk)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    if changes.get("is_active") is False and site.is_active:
        _refuse_deactivating_site_with_active_units(site)
    return writes.save_changes(site, changes, actor=actor, action="org.update_site", expected_version=data.version)


def _refuse_deactivating_site_with_active_units(site: Site) -> None:
    active = site.units.filter(is_active=True).count()
    if active:
        raise errors.ValidationFailed(
            _("Deactivate the %(count)d active units of this site first.") % {"count": active},
            fields={"is_active": [_("the site still has %(count)d active units") % {"count": active}]},
        )


# --- units -------------------------------------------------------------------------


@transaction.atomic
def create_unit(actor: Any, data: schemas.UnitCreate) -> Unit:
    site = _locked(Site, data.site_id, actor, "org.view_site")
    scoping.require(actor, "org.change_unit", site_id=site.pk)
    if not site.is_active:
        raise errors.ValidationFailed.field("site_id", _("this site is inactive"))
    unit = Unit(site=site, **data.model_dump(exclude={"site_id"}))
    return writes.save_new(unit, actor=actor, action="org.create_unit")


@transaction.atomic
def update_unit(actor: Any, unit_id: int, data: schemas.UnitUpdate) -> Unit:
    unit = _locked(Unit, unit_id, actor, "org.view_unit")
    scoping.require(actor, "org.change_unit", site_id=unit.site_id)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    if changes.get("is_active") is True and not unit.site.is_active:
        raise errors.ValidationFailed.field("is_active", _("the unit's site is inactive"))
    return writes.save_changes(unit, changes, actor=actor, action="org.update_unit", expected_version=data.version)


# --- rooms and beds ----------------------------------------------------------------


@transaction.atomic
def create_room(actor: Any, data: schemas.RoomCreate) -> Room:
    unit = _locked(Unit, data.unit_id, actor, "org.view_unit")
    scoping.require(actor, "org.change_rooms", site_id=unit.site_id, unit_id=unit.pk)
    if not unit.is_active:
        raise errors.ValidationFailed.field("unit_id", _("this unit is inactive"))
    room = writes.save_new(
        Room(unit=unit, name=data.name, position=data.position), actor=actor, action="org.create_room"
    )
    if len({label.strip().lower() for label in data.bed_labels}) != len(data.bed_labels):
        raise errors.ValidationFailed.field("bed_labels", _("bed labels must be different from each other"))
    for label in data.bed_labels:
        writes.save_new(Bed(room=room, label=label.strip()), actor=actor, action="org.create_bed")
    return room


@transaction.atomic
def update_room(actor: Any, room_id: int, data: schemas.RoomUpdate) -> Room:
    room = _locked(Room, room_id, actor, "org.view_unit")
    scoping.require(actor, "org.change_rooms", site_id=room.unit.site_id, unit_id=room.unit_id)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    return writes.save_changes(room, changes, actor=actor, action="org.update_room", expected_version=data.version)


@transaction.atomic
def create_bed(actor: Any, data: schemas.BedCreate) -> Bed:
    room = _locked(Room, data.room_id, actor, "org.view_unit")
    scoping.require(actor, "org.change_rooms", site_id=room.unit.site_id, unit_id=room.unit_id)
    if not room.is_active:
        raise errors.ValidationFailed.field("room_id", _("this room is inactive"))
    return writes.save_new(Bed(room=room, label=data.label), actor=actor, action="org.create_bed")


@transaction.atomic
def update_bed(actor: Any, bed_id: int, data: schemas.BedUpdate) -> Bed:
    bed = _locked(Bed, bed_id, actor, "org.view_unit")
    scoping.require(actor, "org.change_rooms", site_id=bed.room.unit.site_id, unit_id=bed.room.unit_id)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    return writes.save_changes(bed, changes, actor=actor, action="org.update_bed", expected_version=data.version)

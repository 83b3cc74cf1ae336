"""Organisation services: permission checks, validation naming the field,
version conflicts, deactivation instead of deletion, one audit event each."""

from __future__ import annotations

import pytest

from caredesk.core import errors
from caredesk.core.models import AuditEvent
from caredesk.org import schemas, services
from caredesk.org.models import Bed, Room, Site, Unit

pytestmark = pytest.mark.django_db


def site_data(**kw):
    base = {"name": "Charlie Clinic", "code": "CHARLIE", "kind": "clinic", "time_zone": "America/Chicago"}
    return schemas.SiteCreate(**(base | kw))


def test_director_opens_a_site_and_becomes_its_director(world):
    before = AuditEvent.objects.count()
    site = services.create_site(world.director_a, site_data())
    assert site.pk and site.version == 1
    assert world.director_a.active_grants().filter(site=site, role="director").exists()
    actions = list(AuditEvent.objects.filter(seq__gt=before).values_list("action", flat=True))
    assert actions == ["org.create_site", "accounts.grant_role"]


@pytest.mark.parametrize("persona", ["coordinator_a", "nurse_a", "hr_a", "auditor_a", "finance_a"])
def test_other_roles_cannot_open_a_site(world, persona):
    with pytest.raises(errors.PermissionDenied):
        services.create_site(world.persona(persona), site_data())
    assert not Site.objects.filter(code="CHARLIE").exists()


def test_unknown_time_zone_is_refused_naming_the_field(world):
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_site(world.director_a, site_data(time_zone="Mars/Olympus"))
    assert "time_zone" in exc.value.fields
    assert not Site.objects.filter(code="CHARLIE").exists()


def test_site_codes_are_unique_ignoring_case(world):
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_site(world.director_a, site_data(code="alpha"))
    assert "already exists" in exc.value.message


def test_update_checks_the_version(world):
    site = services.update_site(world.director_a, world.site_a.pk, schemas.SiteUpdate(version=1, name="Alpha General"))
    assert site.version == 2 and site.name == "Alpha General"
    with pytest.raises(errors.Conflict):
        services.update_site(world.assistant_a, world.site_a.pk, schemas.SiteUpdate(version=1, name="Stale edit"))
    assert Site.objects.get(pk=world.site_a.pk).name == "Alpha General"


def test_update_audits_only_changed_fields(world):
    services.update_unit(world.director_a, world.icu_a.pk, schemas.UnitUpdate(version=1, floor="2nd floor"))
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "org.update_unit"
    assert event.after == '{"floor":"2nd floor","version":2}'
    assert event.before == '{"floor":"","version":1}'


def test_a_site_with_active_units_cannot_be_deactivated(world):
    with pytest.raises(errors.ValidationFailed) as exc:
        services.update_site(world.director_a, world.site_a.pk, schemas.SiteUpdate(version=1, is_active=False))
    assert "is_active" in exc.value.fields
    for unit in (world.icu_a, world.ms_a):
        services.update_unit(world.director_a, unit.pk, schemas.UnitUpdate(version=unit.version, is_active=False))
    site = services.update_site(world.director_a, world.site_a.pk, schemas.SiteUpdate(version=1, is_active=False))
    assert not site.is_active and Site.objects.filter(pk=site.pk).exists()


def test_coordinator_manages_rooms_of_own_unit_only(world):
    room = services.create_room(
        world.coordinator_a, schemas.RoomCreate(unit_id=world.icu_a.pk, name="A202", bed_labels=["A", "B"])
    )
    assert list(room.beds.values_list("label", flat=True)) == ["A", "B"]
    with pytest.raises(errors.NotFound):  # another unit of the same site is out of a unit grant's reach
        services.create_room(world.coordinator_a, schemas.RoomCreate(unit_id=world.ms_a.pk, name="4W01"))
    with pytest.raises(errors.PermissionDenied):  # visible, but nurses do not manage rooms
        services.create_room(world.nurse_a, schemas.RoomCreate(unit_id=world.icu_a.pk, name="A209"))
    with pytest.raises(errors.NotFound):
        services.create_room(world.coordinator_a, schemas.RoomCreate(unit_id=world.ltc_b.pk, name="X"))
    with pytest.raises(errors.PermissionDenied):
        services.create_unit(
            world.coordinator_a, schemas.UnitCreate(site_id=world.site_a.pk, name="New", code="NEW", kind="icu")
        )


def test_room_with_duplicate_bed_labels_is_refused_whole(world):
    with pytest.raises(errors.ValidationFailed):
        services.create_room(
            world.coordinator_a, schemas.RoomCreate(unit_id=world.icu_a.pk, name="A203", bed_labels=["A", "a"])
        )
    assert not Room.objects.filter(name="A203").exists()


def test_beds_are_deactivated_not_deleted(world):
    bed = services.update_bed(world.coordinator_a, world.bed_a.pk, schemas.BedUpdate(version=1, is_active=False))
    assert not bed.is_active and Bed.objects.filter(pk=bed.pk).exists()
    with pytest.raises(errors.ValidationFailed):
        services.create_bed(world.coordinator_a, schemas.BedCreate(room_id=world.room_a.pk, label="a"))


def test_units_cannot_be_added_to_an_inactive_site(world):
    services.update_unit(world.director_b, world.ltc_b.pk, schemas.UnitUpdate(version=1, is_active=False))
    services.update_site(world.director_b, world.site_b.pk, schemas.SiteUpdate(version=1, is_active=False))
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_unit(
            world.director_b, schemas.UnitCreate(site_id=world.site_b.pk, name="X", code="X", kind="icu")
        )
    assert "site_id" in exc.value.fields
    assert Unit.objects.filter(site=world.site_b).count() == 1

"""Every declared permission, for every role: allowed where the declaration
says so, refused otherwise, and never on another site."""

from __future__ import annotations

import pytest

from caredesk.accounts.models import RoleGrant, User
from caredesk.core import errors, permissions, scoping
from caredesk.core.roles import Role

pytestmark = pytest.mark.django_db

CASES = [(perm.name, role) for perm in permissions.all_permissions() for role in Role]


def test_every_app_declares_permissions():
    names = {p.name.split(".")[0] for p in permissions.all_permissions()}
    assert {"core", "org", "accounts"} <= names


@pytest.mark.parametrize(("perm", "role"), CASES, ids=[f"{p}-{r.value}" for p, r in CASES])
def test_site_grant_gives_exactly_the_declared_permissions(world, perm, role):
    user = User.objects.create_user(username=f"u_{role.value}", password="x")
    RoleGrant.objects.create(user=user, role=role, site=world.site_a, discipline="rn" if role == Role.CLINICIAN else "")
    expected = role in permissions.get(perm).default_roles
    assert scoping.has(user, perm, site_id=world.site_a.pk) is expected
    assert scoping.has(user, perm, site_id=world.site_b.pk) is False  # never on another site
    if expected:
        scoping.require(user, perm, site_id=world.site_a.pk)
    else:
        with pytest.raises(errors.PermissionDenied):
            scoping.require(user, perm, site_id=world.site_a.pk)


def test_unit_grant_reaches_only_its_unit(world):
    coord = world.coordinator_a
    assert scoping.has(coord, "org.change_rooms", site_id=world.site_a.pk, unit_id=world.icu_a.pk)
    assert not scoping.has(coord, "org.change_rooms", site_id=world.site_a.pk, unit_id=world.ms_a.pk)
    # A unit grant does not count as holding the permission on the whole site.
    assert not scoping.has(coord, "org.view_site", site_id=world.site_a.pk)


def test_scoped_lists_follow_grants(world):
    from caredesk.org.models import Room, Site, Unit

    assert set(scoping.scoped(Unit.objects.all(), world.coordinator_a, "org.view_unit")) == {world.icu_a}
    assert set(scoping.scoped(Unit.objects.all(), world.director_a, "org.view_unit")) == {world.icu_a, world.ms_a}
    # The unit's site is visible to a unit-level grant holder, once.
    assert list(scoping.scoped(Site.objects.all(), world.coordinator_a, "org.view_site")) == [world.site_a]
    assert set(scoping.scoped(Room.objects.all(), world.director_b, "org.view_unit")) == {world.room_b}
    assert set(scoping.scoped(Unit.objects.all(), world.superuser, "org.view_unit")) == {
        world.icu_a,
        world.ms_a,
        world.ltc_b,
    }


def test_revoked_grants_and_inactive_users_reach_nothing(world):
    from caredesk.org.models import Unit

    grant = world.nurse_a.role_grants.get()
    grant.revoked_at = grant.created_at
    grant.save()
    nurse = User.objects.get(pk=world.nurse_a.pk)
    assert not scoping.scoped(Unit.objects.all(), nurse, "org.view_unit").exists()
    director = User.objects.get(pk=world.director_a.pk)
    director.is_active = False
    assert not scoping.scoped(Unit.objects.all(), director, "org.view_unit").exists()


def test_get_scoped_hides_rows_of_other_sites_as_not_found(world):
    from caredesk.org.models import Unit

    with pytest.raises(errors.NotFound):
        scoping.get_scoped(Unit.objects.all(), world.director_b, "org.view_unit", pk=world.icu_a.pk)


def test_unknown_permission_names_fail_loudly(world):
    with pytest.raises(KeyError):
        scoping.has(world.director_a, "org.fly_to_the_moon", site_id=world.site_a.pk)

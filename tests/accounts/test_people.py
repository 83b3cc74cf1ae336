"""People and role grants: who may create log-ins and grant roles, and where."""

from __future__ import annotations

import pytest

from caredesk.accounts import schemas, services
from caredesk.accounts.models import RoleGrant, User
from caredesk.core import errors, scoping

pytestmark = pytest.mark.django_db


def new_user(site_id, **grant):
    return schemas.UserCreate(
        username="new.nurse",
        first_name="New",
        last_name="Nurse",
        password="Lantern-quiet-river-42",
        grant=schemas.GrantCreate(**({"role": "clinician", "site_id": site_id, "discipline": "rn"} | grant)),
    )


@pytest.mark.parametrize("persona", ["director_a", "assistant_a", "hr_a", "admin_a"])
def test_managers_create_log_ins_on_their_site(world, persona):
    user = services.create_user(world.persona(persona), new_user(world.site_a.pk, unit_id=world.icu_a.pk))
    assert user.check_password("Lantern-quiet-river-42")
    grant = user.active_grants().get()
    assert (grant.role, grant.site_id, grant.unit_id, grant.discipline) == (
        "clinician",
        world.site_a.pk,
        world.icu_a.pk,
        "rn",
    )


@pytest.mark.parametrize("persona", ["coordinator_a", "nurse_a", "auditor_a", "finance_a", "compliance_a"])
def test_other_roles_cannot_create_log_ins(world, persona):
    with pytest.raises(errors.PermissionDenied):
        services.create_user(world.persona(persona), new_user(world.site_a.pk))
    assert not User.objects.filter(username="new.nurse").exists()


def test_nobody_creates_log_ins_on_another_site(world):
    with pytest.raises(errors.NotFound):
        services.create_user(world.director_b, new_user(world.site_a.pk))


def test_weak_passwords_are_refused_naming_the_field(world):
    data = new_user(world.site_a.pk)
    data.password = "password"
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_user(world.director_a, data)
    assert "password" in exc.value.fields
    assert not User.objects.filter(username="new.nurse").exists()


def test_clinicians_need_a_discipline_and_others_have_none(world):
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_user(world.director_a, new_user(world.site_a.pk, discipline=None))
    assert "discipline" in exc.value.fields
    with pytest.raises(errors.ValidationFailed):
        services.create_user(world.director_a, new_user(world.site_a.pk, role="hr", discipline="rn"))


def test_unit_must_belong_to_the_site(world):
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_user(world.director_a, new_user(world.site_a.pk, unit_id=world.ltc_b.pk))
    assert "unit_id" in exc.value.fields


def test_usernames_are_unique_ignoring_case(world):
    data = new_user(world.site_a.pk)
    data.username = "NURSE_A"
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_user(world.director_a, data)
    assert "username" in exc.value.fields


def test_grant_and_revoke_change_access_at_once(world):
    nurse = world.nurse_a
    assert not scoping.has(nurse, "org.change_rooms", site_id=world.site_a.pk, unit_id=world.icu_a.pk)
    grant = services.grant_role(
        world.director_a,
        nurse.pk,
        schemas.GrantCreate(role="coordinator", site_id=world.site_a.pk, unit_id=world.icu_a.pk),
    )
    nurse = User.objects.get(pk=nurse.pk)
    assert scoping.has(nurse, "org.change_rooms", site_id=world.site_a.pk, unit_id=world.icu_a.pk)
    services.revoke_grant(world.director_a, grant.pk)
    nurse = User.objects.get(pk=nurse.pk)
    assert not scoping.has(nurse, "org.change_rooms", site_id=world.site_a.pk, unit_id=world.icu_a.pk)
    assert RoleGrant.objects.filter(pk=grant.pk, revoked_at__isnull=False).exists()  # kept, not deleted


def test_nobody_grants_or_revokes_their_own_roles(world):
    with pytest.raises(errors.PermissionDenied):
        services.grant_role(world.hr_a, world.hr_a.pk, schemas.GrantCreate(role="director", site_id=world.site_a.pk))
    with pytest.raises(errors.PermissionDenied):
        services.revoke_grant(world.hr_a, world.hr_a.role_grants.get().pk)


def test_only_directors_and_administrators_grant_the_administrator_role(world):
    with pytest.raises(errors.PermissionDenied):
        services.grant_role(
            world.hr_a, world.nurse_a.pk, schemas.GrantCreate(role="administrator", site_id=world.site_a.pk)
        )
    services.grant_role(
        world.director_a, world.nurse_a.pk, schemas.GrantCreate(role="administrator", site_id=world.site_a.pk)
    )


def test_duplicate_grant_is_a_conflict(world):
    with pytest.raises(errors.Conflict):
        services.grant_role(
            world.director_a,
            world.nurse_a.pk,
            schemas.GrantCreate(role="clinician", site_id=world.site_a.pk, unit_id=world.icu_a.pk, discipline="rn"),
        )


def test_people_api_lists_only_people_within_reach(world, api):
    names = {u["username"] for u in api.get("/users?page_size=200", user=world.coordinator_a).json()["items"]}
    assert names == {"coordinator_a", "nurse_a"}
    names = {u["username"] for u in api.get("/users?page_size=200", user=world.director_b).json()["items"]}
    assert names == {"director_b", "coordinator_b", "nurse_b", "auditor_b"}


def test_me_tells_where_each_permission_is_held(world, api):
    me = api.get("/me", user=world.coordinator_a).json()
    assert me["permissions"]["org.change_rooms"] == [f"unit:{world.icu_a.pk}"]
    assert "org.change_site" not in me["permissions"]


def test_language_is_chosen_per_user(world, api):
    r = api.put("/me/language", {"language": "fr"}, user=world.nurse_a)
    assert r.status_code == 200 and r.json()["language"] == "fr"
    r = api.put("/me/language", {"language": "tlh"}, user=world.nurse_a)
    assert r.status_code == 422 and "language" in r.json()["error"]["fields"]

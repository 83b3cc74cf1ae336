"""Every census permission: who holds it by default, and who does not."""

from __future__ import annotations

import pytest

from caredesk.core import scoping

pytestmark = pytest.mark.django_db

UNIT_PERMISSIONS = ["census.view", "census.score_acuity", "census.manage_flags", "census.manage_contacts"]


@pytest.mark.parametrize("perm", UNIT_PERMISSIONS)
def test_care_team_permissions(world, perm):
    unit = {"site_id": world.site_a.pk, "unit_id": world.icu_a.pk}
    for allowed in ("director_a", "assistant_a", "coordinator_a", "nurse_a"):
        assert scoping.has(world.persona(allowed), perm, **unit), (allowed, perm)
    for refused in ("hr_a", "finance_a", "compliance_a", "auditor_a", "admin_a", "director_b", "nurse_b"):
        assert not scoping.has(world.persona(refused), perm, **unit), (refused, perm)
    # A unit-level grant does not reach another unit.
    assert not scoping.has(world.nurse_a, perm, site_id=world.site_a.pk, unit_id=world.ms_a.pk)


def test_admit_is_for_coordinators_and_leadership(world):
    unit = {"site_id": world.site_a.pk, "unit_id": world.icu_a.pk}
    for allowed in ("director_a", "assistant_a", "coordinator_a"):
        assert scoping.has(world.persona(allowed), "census.admit", **unit)
    for refused in ("nurse_a", "hr_a", "finance_a", "auditor_a", "director_b"):
        assert not scoping.has(world.persona(refused), "census.admit", **unit)


def test_manage_scales_is_for_leadership_of_the_site(world):
    for allowed in ("director_a", "assistant_a"):
        assert scoping.has(world.persona(allowed), "census.manage_scales", site_id=world.site_a.pk)
    for refused in ("coordinator_a", "nurse_a", "hr_a", "admin_a", "director_b"):
        assert not scoping.has(world.persona(refused), "census.manage_scales", site_id=world.site_a.pk)


def test_nav_entry_shows_for_the_care_team_only(world, client):
    client.force_login(world.nurse_a)
    assert 'href="/census/"' in client.get("/").content.decode()
    client.force_login(world.hr_a)
    assert 'href="/census/"' not in client.get("/").content.decode()

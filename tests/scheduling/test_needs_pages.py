"""Needs pages through the test client: the week grid, deriving, copying, skill mix."""

from __future__ import annotations

from datetime import date

import pytest

from caredesk.scheduling.models import SkillMixRule, StaffingNeed
from tests.scheduling.helpers_needs import CALIFORNIA, pack, patterns

pytestmark = pytest.mark.django_db

START = date(2026, 12, 7)


def test_grid_shows_derived_needs_with_their_basis(world, client):
    world.icu_a.ratio_pack = pack("ca", CALIFORNIA)
    world.icu_a.save()
    patterns(world.icu_a)
    client.force_login(world.coordinator_a)
    r = client.get(f"/scheduling/needs/derive/?unit={world.icu_a.pk}&start=2026-12-07")
    assert r.status_code == 200 and "22 CCR §70217(a)" in r.content.decode()
    r = client.post(
        f"/scheduling/needs/derive/?unit={world.icu_a.pk}",
        {
            "unit": world.icu_a.pk,
            "start": "2026-12-07",
            "weeks": "1",
            "expected_census": "9",
            "per_day": "2026-12-08 3",
        },
    )
    assert r.status_code == 302
    assert StaffingNeed.objects.get(date=date(2026, 12, 7), pattern__code="day").minimum == 5
    assert StaffingNeed.objects.get(date=date(2026, 12, 8), pattern__code="day").minimum == 2
    page = client.get(r["Location"]).content.decode()
    assert "Needs derived for 7 days" in page
    assert 'id="needs-table"' in page and "ceil(9 × 1 / 2) = 5" in page


def test_derive_form_errors(world, client):
    patterns(world.icu_a)
    client.force_login(world.coordinator_a)
    r = client.post(
        f"/scheduling/needs/derive/?unit={world.icu_a.pk}",
        {"unit": world.icu_a.pk, "start": "2026-12-07", "weeks": "1", "expected_census": "9"},
    )
    assert r.status_code == 200 and "no nurse-to-patient ratio" in r.content.decode()
    r = client.post(
        f"/scheduling/needs/derive/?unit={world.icu_a.pk}",
        {"unit": world.icu_a.pk, "start": "2026-12-07", "weeks": "1", "per_day": "tomorrow lots"},
    )
    assert r.status_code == 200 and "write a date and a number" in r.content.decode()


def test_save_the_week_grid_and_copy(world, client):
    day, _ = patterns(world.icu_a)
    client.force_login(world.coordinator_a)
    r = client.get(f"/scheduling/needs/?unit={world.icu_a.pk}&start=2026-12-09")
    assert r.status_code == 200
    key = f"{day.pk}|2026-12-07|"
    assert key in r.content.decode()  # the week starts on Monday
    r = client.post(
        "/scheduling/needs/",
        {"unit": world.icu_a.pk, "start": "2026-12-07", "key-0": key, "min-0": "3", "pref-0": "4"},
    )
    assert r.status_code == 302
    need = StaffingNeed.objects.get()
    assert (need.minimum, need.preferred, need.source) == (3, 4, "manual")
    # A stale grid (version 1 while the need is at 2) is refused with a message.
    StaffingNeed.objects.filter(pk=need.pk).update(version=2)
    r = client.post(
        "/scheduling/needs/",
        {"unit": world.icu_a.pk, "start": "2026-12-07", "key-0": key, "min-0": "5", "ver-0": "1"},
        follow=True,
    )
    assert "changed by someone else" in r.content.decode()
    r = client.post(
        "/scheduling/needs/copy-week/",
        {"unit": world.icu_a.pk, "start": "2026-12-07", "from_start": "2026-12-07", "weeks": "2"},
    )
    assert StaffingNeed.objects.count() == 3


def test_who_sees_what(world, client):
    patterns(world.icu_a)
    client.force_login(world.nurse_a)
    r = client.get(f"/scheduling/needs/?unit={world.icu_a.pk}")
    assert r.status_code == 200 and "Save the week" not in r.content.decode()
    assert client.post("/scheduling/needs/", {"unit": world.icu_a.pk}).status_code == 403
    assert client.get(f"/scheduling/needs/derive/?unit={world.icu_a.pk}").status_code in (403, 404)
    client.force_login(world.director_b)
    assert client.get(f"/scheduling/needs/?unit={world.icu_a.pk}").status_code == 404
    client.force_login(world.hr_a)
    assert client.get("/scheduling/needs/").status_code == 403


def test_skill_mix_page(world, client):
    day, _ = patterns(world.icu_a)
    client.force_login(world.coordinator_a)
    assert client.get(f"/scheduling/needs/skill-mix/?unit={world.icu_a.pk}").status_code == 200
    r = client.post(
        f"/scheduling/needs/skill-mix/?unit={world.icu_a.pk}",
        {"unit": world.icu_a.pk, "skill": "charge", "count": "1", "pattern": ""},
    )
    assert r.status_code == 302
    rule = SkillMixRule.objects.get()
    r = client.post(f"/scheduling/needs/skill-mix/{rule.pk}/toggle/", {"version": "1"})
    assert r.status_code == 302 and not SkillMixRule.objects.get().is_active
    r = client.post(f"/scheduling/needs/shift-types/{day.pk}/skills/", {"version": "1", "skills": "rn, ccrn"})
    day.refresh_from_db()
    assert day.required_skills == ["ccrn", "rn"]

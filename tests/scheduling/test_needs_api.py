"""Needs and skill-mix over the JSON API."""

from __future__ import annotations

from datetime import date

import pytest

from caredesk.scheduling.models import StaffingNeed
from tests.scheduling.helpers_needs import CALIFORNIA, pack, patterns

pytestmark = pytest.mark.django_db

START = date(2026, 12, 7)


def test_derive_list_set_and_conflict(world, api):
    world.icu_a.ratio_pack = pack("ca", CALIFORNIA)
    world.icu_a.save()
    day, _ = patterns(world.icu_a)
    r = api.post("/scheduling/skill-mix", {"unit_id": world.icu_a.pk, "skill": "charge"}, user=world.coordinator_a)
    assert r.status_code == 201, r.content
    r = api.post(
        "/scheduling/needs/derive",
        {"unit_id": world.icu_a.pk, "start": "2026-12-07", "days": 7, "expected_census": {"2026-12-07": 11}},
        user=world.coordinator_a,
    )
    assert r.status_code == 200, r.content
    assert r.json()["created"] == 28 and r.json()["census"]["2026-12-07"] == 11
    r = api.get(f"/scheduling/needs?unit_id={world.icu_a.pk}&from=2026-12-07&to=2026-12-07", user=world.nurse_a)
    assert r.status_code == 200
    rows = r.json()
    assert {(n["pattern_code"], n["skill"], n["minimum"]) for n in rows} == {
        ("day", "", 6),
        ("night", "", 6),
        ("day", "charge", 1),
        ("night", "charge", 1),
    }
    need = next(n for n in rows if n["pattern_code"] == "day" and n["skill"] == "")
    assert need["source"] == "derived" and need["basis"]["citation"] == "22 CCR §70217(a)"
    body = {"unit_id": world.icu_a.pk, "date": "2026-12-07", "pattern_id": day.pk, "minimum": 7, "version": 1}
    assert api.post("/scheduling/needs", body, user=world.coordinator_a).json()["version"] == 2
    r = api.post("/scheduling/needs", body, user=world.coordinator_a)
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"
    assert api.post("/scheduling/needs", body, user=world.nurse_a).status_code == 403
    assert api.post("/scheduling/needs", body, user=world.coordinator_b).status_code == 404


def test_field_errors_and_site_b(world, api):
    patterns(world.icu_a)
    r = api.post(
        "/scheduling/needs/derive",
        {"unit_id": world.icu_a.pk, "start": "2026-12-07", "days": 7, "expected_census": 5},
        user=world.coordinator_a,
    )
    assert r.status_code == 422 and "unit_id" in r.json()["error"]["fields"]  # no ratio
    r = api.get(f"/scheduling/needs?unit_id={world.icu_a.pk}&from=2026-12-07&to=2026-12-01", user=world.coordinator_a)
    assert r.status_code == 422
    assert (
        api.get(
            f"/scheduling/needs?unit_id={world.icu_a.pk}&from=2026-12-07&to=2026-12-08", user=world.director_b
        ).status_code
        == 404
    )


def test_week_copy_skill_mix_and_shift_skills(world, api):
    day, night = patterns(world.icu_a)
    cells = [{"date": "2026-12-07", "pattern_id": day.pk, "minimum": 3, "preferred": 4}]
    r = api.put(
        "/scheduling/needs/week",
        {"unit_id": world.icu_a.pk, "start": "2026-12-07", "cells": cells},
        user=world.coordinator_a,
    )
    assert r.status_code == 200 and r.json()["created"] == 1
    r = api.post(
        "/scheduling/needs/copy-week",
        {"unit_id": world.icu_a.pk, "from_start": "2026-12-07", "to_start": "2026-12-14", "weeks": 2},
        user=world.coordinator_a,
    )
    assert r.json()["created"] == 2
    need = StaffingNeed.objects.filter(date=date(2026, 12, 7)).get()
    assert api.delete(f"/scheduling/needs/{need.pk}?version=1", user=world.coordinator_a).status_code == 204
    r = api.post("/scheduling/skill-mix", {"unit_id": world.icu_a.pk, "skill": "charge"}, user=world.coordinator_a)
    rule_id = r.json()["id"]
    r = api.patch(f"/scheduling/skill-mix/{rule_id}", {"version": 1, "count": 2}, user=world.coordinator_a)
    assert r.json()["count"] == 2
    assert len(api.get(f"/scheduling/skill-mix?unit_id={world.icu_a.pk}", user=world.auditor_a).json()) == 1
    assert api.get("/scheduling/skill-mix", user=world.director_b).json() == []
    assert api.get(f"/scheduling/skill-mix/{rule_id}", user=world.director_b).status_code == 404
    r = api.put(
        f"/scheduling/shift-types/{night.pk}/skills", {"version": 1, "skills": ["rn"]}, user=world.coordinator_a
    )
    assert r.status_code == 200 and r.json()["required_skills"] == ["rn"]
    r = api.post("/scheduling/skill-mix", {"unit_id": world.icu_a.pk, "skill": "Bad Skill"}, user=world.coordinator_a)
    assert r.status_code == 422

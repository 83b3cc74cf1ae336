"""Needs set by hand (version conflicts), the week grid, copying a week,
skill-mix rules and the skills of a shift type."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from caredesk.core import errors
from caredesk.scheduling.models import SkillMixRule, StaffingNeed
from caredesk.scheduling.schemas import needs as schemas
from caredesk.scheduling.services import needs as services
from tests.scheduling.helpers_needs import patterns

pytestmark = pytest.mark.django_db

START = date(2026, 12, 7)


def _set(world, pattern, **kw):
    data = {"unit_id": world.icu_a.pk, "date": START, "pattern_id": pattern.pk, "minimum": 3, **kw}
    return services.set_need(world.coordinator_a, schemas.NeedSet(**data))


def test_set_need_then_edit_with_version(world):
    day, _ = patterns(world.icu_a)
    need = _set(world, day, preferred=4)
    assert (need.minimum, need.preferred, need.source, need.version) == (3, 4, "manual", 1)
    need = _set(world, day, minimum=5, preferred=None, version=1)
    assert (need.minimum, need.preferred, need.version) == (5, None, 2)


def test_two_coordinators_cannot_silently_overwrite(world):
    day, _ = patterns(world.icu_a)
    _set(world, day)
    _set(world, day, minimum=4, version=1)
    with pytest.raises(errors.Conflict) as exc:
        _set(world, day, minimum=6, version=1)  # started from version 1, now at 2
    assert exc.value.status == 409 and "version" in exc.value.fields
    with pytest.raises(errors.Conflict):
        _set(world, day, minimum=6)  # no version: it would overwrite a need it never saw
    assert StaffingNeed.objects.get().minimum == 4


def test_field_errors(world):
    day, _ = patterns(world.icu_a)
    _, other_night = patterns(world.ms_a)
    with pytest.raises(errors.ValidationFailed) as exc:
        _set(world, day, minimum=3, preferred=2)
    assert "preferred" in exc.value.fields
    with pytest.raises(errors.ValidationFailed) as exc:
        _set(world, other_night)
    assert "pattern_id" in exc.value.fields
    with pytest.raises(errors.ValidationFailed) as exc:
        _set(world, day, skill="Charge Nurse!")
    assert "skill" in exc.value.fields


def test_permissions(world):
    day, _ = patterns(world.icu_a)
    data = schemas.NeedSet(unit_id=world.icu_a.pk, date=START, pattern_id=day.pk, minimum=1)
    with pytest.raises(errors.PermissionDenied):
        services.set_need(world.nurse_a, data)
    with pytest.raises(errors.PermissionDenied):
        services.set_need(world.auditor_a, data)
    with pytest.raises(errors.NotFound):
        services.set_need(world.director_b, data)
    assert services.set_need(world.director_a, data).minimum == 1


def test_week_grid_creates_changes_and_removes(world):
    day, night = patterns(world.icu_a)
    existing = _set(world, night)
    cells = [
        schemas.NeedWeekCell(date=START + timedelta(days=i), pattern_id=day.pk, minimum=4, preferred=5)
        for i in range(7)
    ]
    cells.append(schemas.NeedWeekCell(date=START, pattern_id=night.pk, minimum=None, version=existing.version))
    cells.append(schemas.NeedWeekCell(date=START, pattern_id=day.pk, skill="charge", minimum=1))
    r = services.set_needs_for_week(
        world.coordinator_a, schemas.NeedWeekSet(unit_id=world.icu_a.pk, start=START, cells=cells)
    )
    assert (r.created, r.updated, r.removed) == (8, 0, 1)
    assert StaffingNeed.objects.filter(unit=world.icu_a, pattern=night).count() == 0
    with pytest.raises(errors.ValidationFailed) as exc:
        services.set_needs_for_week(
            world.coordinator_a,
            schemas.NeedWeekSet(
                unit_id=world.icu_a.pk,
                start=START,
                cells=[schemas.NeedWeekCell(date=START + timedelta(days=7), pattern_id=day.pk, minimum=1)],
            ),
        )
    assert "cells" in exc.value.fields
    stale = schemas.NeedWeekCell(date=START, pattern_id=day.pk, minimum=9, version=7)
    with pytest.raises(errors.Conflict):
        services.set_needs_for_week(
            world.coordinator_a, schemas.NeedWeekSet(unit_id=world.icu_a.pk, start=START, cells=[stale])
        )


def test_copy_week_forward(world):
    day, _ = patterns(world.icu_a)
    _set(world, day, minimum=3)
    _set(world, day, date=START + timedelta(days=2), minimum=2)
    r = services.copy_week(
        world.coordinator_a,
        schemas.NeedCopyWeek(unit_id=world.icu_a.pk, from_start=START, to_start=START + timedelta(days=7), weeks=3),
    )
    assert r.created == 6
    copied = StaffingNeed.objects.get(unit=world.icu_a, date=START + timedelta(days=16))
    assert copied.minimum == 2 and copied.basis["copied_from"] == (START + timedelta(days=2)).isoformat()
    r = services.copy_week(
        world.coordinator_a,
        schemas.NeedCopyWeek(unit_id=world.icu_a.pk, from_start=START, to_start=START + timedelta(days=7)),
    )
    assert (r.created, r.updated) == (0, 0)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.copy_week(
            world.coordinator_a,
            schemas.NeedCopyWeek(unit_id=world.icu_a.pk, from_start=START, to_start=START + timedelta(days=3)),
        )
    assert "to_start" in exc.value.fields


def test_skill_mix_crud(world):
    day, _ = patterns(world.icu_a)
    rule = services.create_skill_mix(
        world.coordinator_a, schemas.SkillMixCreate(unit_id=world.icu_a.pk, skill="charge")
    )
    assert (rule.skill, rule.count, rule.pattern_id) == ("charge", 1, None)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_skill_mix(world.coordinator_a, schemas.SkillMixCreate(unit_id=world.icu_a.pk, skill="charge"))
    assert "skill" in exc.value.fields
    rule = services.update_skill_mix(
        world.coordinator_a, rule.pk, schemas.SkillMixUpdate(version=1, pattern_id=day.pk, count=2)
    )
    assert (rule.pattern_id, rule.count, rule.version) == (day.pk, 2, 2)
    with pytest.raises(errors.Conflict):
        services.update_skill_mix(world.coordinator_a, rule.pk, schemas.SkillMixUpdate(version=1, is_active=False))
    rule = services.update_skill_mix(world.coordinator_a, rule.pk, schemas.SkillMixUpdate(version=2, is_active=False))
    assert not SkillMixRule.objects.get().is_active
    with pytest.raises(errors.PermissionDenied):
        services.create_skill_mix(world.nurse_a, schemas.SkillMixCreate(unit_id=world.icu_a.pk, skill="ccrn"))


def test_shift_skills(world):
    day, _ = patterns(world.icu_a)
    p = services.set_shift_skills(world.coordinator_a, day.pk, ["RN", " ccrn", "rn", ""], expected_version=1)
    assert p.required_skills == ["ccrn", "rn"] and p.version == 2
    with pytest.raises(errors.Conflict):
        services.set_shift_skills(world.coordinator_a, day.pk, [], expected_version=1)
    with pytest.raises(errors.PermissionDenied):
        services.set_shift_skills(world.nurse_a, day.pk, [], expected_version=2)
    with pytest.raises(errors.NotFound):
        services.set_shift_skills(world.coordinator_b, day.pk, [], expected_version=2)

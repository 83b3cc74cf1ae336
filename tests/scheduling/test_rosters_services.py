"""Roster writes: create, edit a cell (checked at once), version conflicts, pins."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from caredesk.core import errors
from caredesk.scheduling.models import Roster, RosterEntry
from caredesk.scheduling.services import rosters as services
from tests.scheduling import helpers_rosters as h

pytestmark = pytest.mark.django_db

D = h.MONDAY


@pytest.fixture
def setup(world: Any) -> Any:
    day, night = h.patterns(world.icu_a)
    people = h.small_unit(world, 3)
    r = services.create_roster(world.coordinator_a, world.icu_a.pk, D, 28)
    return {"world": world, "roster": r, "day": day, "night": night, "people": people}


def test_create_roster_rules(world: Any) -> None:
    h.patterns(world.icu_a)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_roster(world.coordinator_a, world.icu_a.pk, D + timedelta(days=1), 28)
    assert "Monday" in exc.value.message
    with pytest.raises(errors.ValidationFailed):
        services.create_roster(world.coordinator_a, world.icu_a.pk, D, 30)
    services.create_roster(world.coordinator_a, world.icu_a.pk, D, 42)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_roster(world.coordinator_a, world.icu_a.pk, D + timedelta(days=28), 28)
    assert "covering some of these days" in exc.value.message
    with pytest.raises(errors.PermissionDenied):
        services.create_roster(world.nurse_a, world.icu_a.pk, date(2027, 6, 7), 28)
    with pytest.raises(errors.NotFound):
        services.create_roster(world.coordinator_b, world.icu_a.pk, date(2027, 6, 7), 28)


def test_set_entry_saves_and_bumps_the_version(setup: Any) -> None:
    r, p, day, world = setup["roster"], setup["people"][1], setup["day"], setup["world"]
    entry, soft = services.set_entry(world.coordinator_a, r.pk, p.pk, D, day.pk, expected_version=r.version)
    assert entry is not None and entry.source == "manual" and soft == []
    r2 = Roster.objects.get(pk=r.pk)
    assert r2.version == r.version + 1 and r2.has_unpublished_changes
    entry, _ = services.set_entry(world.coordinator_a, r.pk, p.pk, D, None, expected_version=r2.version)
    assert entry is None and not RosterEntry.objects.filter(roster=r).exists()


def test_set_entry_refused_with_the_rule_message_and_nothing_saved(setup: Any) -> None:
    r, p, day, night, world = setup["roster"], setup["people"][1], setup["day"], setup["night"], setup["world"]
    h.entry(r, p, D, night)
    version = Roster.objects.get(pk=r.pk).version
    with pytest.raises(errors.ValidationFailed) as exc:
        services.set_entry(world.coordinator_a, r.pk, p.pk, D + timedelta(days=1), day.pk, expected_version=version)
    assert "would rest only 0 h" in exc.value.message
    assert exc.value.fields["pattern_id"]
    assert RosterEntry.objects.filter(roster=r).count() == 1
    assert Roster.objects.get(pk=r.pk).version == version


def test_soft_problem_needs_override(setup: Any) -> None:
    r, p, day, world = setup["roster"], setup["people"][1], setup["day"], setup["world"]
    h.time_off(p, D, D, status="noted", kind="shift_unwanted")
    with pytest.raises(errors.ValidationFailed) as exc:
        services.set_entry(world.coordinator_a, r.pk, p.pk, D, day.pk, expected_version=r.version)
    assert "asked not to work" in exc.value.message and "override" in exc.value.fields
    entry, soft = services.set_entry(
        world.coordinator_a, r.pk, p.pk, D, day.pk, expected_version=r.version, override=True
    )
    assert entry is not None and [s.rule for s in soft] == ["wish"]


def test_two_coordinators_cannot_overwrite_each_other(setup: Any) -> None:
    r, people, day, world = setup["roster"], setup["people"], setup["day"], setup["world"]
    opened = r.version  # both opened the roster at this version
    services.set_entry(world.coordinator_a, r.pk, people[1].pk, D, day.pk, expected_version=opened)
    with pytest.raises(errors.Conflict) as exc:
        services.set_entry(world.director_a, r.pk, people[2].pk, D, day.pk, expected_version=opened)
    assert exc.value.status == 409
    assert "someone changed this roster since you opened it" in exc.value.message.lower()
    assert not RosterEntry.objects.filter(staff=people[2]).exists()


def test_pin_and_unpin(setup: Any) -> None:
    r, p, day, world = setup["roster"], setup["people"][1], setup["day"], setup["world"]
    services.set_entry(world.coordinator_a, r.pk, p.pk, D, day.pk, expected_version=r.version)
    v = Roster.objects.get(pk=r.pk).version
    entry = services.pin(world.coordinator_a, r.pk, p.pk, D, True, expected_version=v)
    assert entry.pinned
    with pytest.raises(errors.Conflict):
        services.pin(world.coordinator_a, r.pk, p.pk, D, False, expected_version=v)
    entry = services.pin(world.coordinator_a, r.pk, p.pk, D, False, expected_version=v + 1)
    assert not entry.pinned
    with pytest.raises(errors.ValidationFailed):
        services.pin(world.coordinator_a, r.pk, p.pk, D + timedelta(days=1), True, expected_version=None)


def test_permissions(setup: Any) -> None:
    r, p, day, world = setup["roster"], setup["people"][1], setup["day"], setup["world"]
    with pytest.raises(errors.PermissionDenied):
        services.set_entry(world.nurse_a, r.pk, p.pk, D, day.pk, expected_version=None)
    with pytest.raises(errors.NotFound):
        services.set_entry(world.director_b, r.pk, p.pk, D, day.pk, expected_version=None)
    with pytest.raises(errors.PermissionDenied):
        services.set_entry(world.auditor_a, r.pk, p.pk, D, day.pk, expected_version=None)
    services.set_entry(world.director_a, r.pk, p.pk, D, day.pk, expected_version=None)

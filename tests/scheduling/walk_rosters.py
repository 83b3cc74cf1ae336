"""Site-A rosters for the cross-site walk (tests/test_cross_site.py; the lead
merges these into tests/scheduling/walk.py). Safe to call more than once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from caredesk.scheduling.models import Roster, RosterEntry, RosterRun
from caredesk.workforce.models import StaffMember
from tests.scheduling import helpers_rosters as h


def targets(world: Any) -> dict[str, Any]:
    day, _night = h.patterns(world.icu_a)
    roster = Roster.objects.filter(unit=world.icu_a, start_date=h.MONDAY).first()
    if roster is None:
        person = h.nurse(world.site_a, world.icu_a, "nurse_a_walk")
        roster = h.roster(world.icu_a, world.coordinator_a)
        h.entry(roster, person, h.MONDAY, day)
        RosterRun.objects.create(roster=roster, requested_by=world.coordinator_a, time_limit_s=30)
        h.roster(world.icu_a, world.coordinator_a, start=h.MONDAY + timedelta(days=28))
    run = RosterRun.objects.filter(roster=roster).first()
    other = Roster.objects.get(unit=world.icu_a, start_date=h.MONDAY + timedelta(days=28))
    person = StaffMember.objects.get(employee_number="R-nurse_a_walk")
    api = "/api/v1/scheduling/rosters"
    assert run is not None
    return {
        "roster_id": roster.pk,
        "run_id": run.pk,
        # values for the roster routes only (other apps use these names too)
        f"{api}:staff_id": person.pk,
        f"{api}:date": h.MONDAY.isoformat(),
        f"{api}:start_date": (h.MONDAY + timedelta(days=84)).isoformat(),
        f"{api}:expected_version": roster.version,
        f"{api}/{{roster_id}}/generate:roster_id": other.pk,
    }


def state(world: Any) -> list[Any]:
    site = world.site_a
    return [
        list(Roster.objects.filter(unit__site=site).values()),
        list(RosterEntry.objects.filter(roster__unit__site=site).values()),
        list(RosterRun.objects.filter(roster__unit__site=site).values()),
    ]

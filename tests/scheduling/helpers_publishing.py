"""Builders for publishing, swaps, open shifts and feeds tests: staff records of
the personas, shift patterns, a roster with entries, and a stand-in rule check."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pytest

from caredesk.assignment.models import ShiftPattern
from caredesk.scheduling.models import Roster, RosterEntry
from caredesk.scheduling.services import publishing as pub
from caredesk.workforce.models import StaffMember, WorkRules
from tests.conftest import make_user

# A Monday; site A (America/New_York) leaves daylight saving on Sunday 2026-11-01.
START = date(2026, 10, 26)
NOW = datetime(2026, 10, 20, 12, 0, tzinfo=__import__("zoneinfo").ZoneInfo("UTC"))


@dataclass(frozen=True)
class Problem:
    """The shape of scheduling.checks.RuleProblem."""

    rule: str
    staff_id: int
    date: date
    message: str
    hard: bool


@pytest.fixture
def at_now() -> Iterator[None]:
    """Pages and API calls run at NOW (a week before the roster starts)."""
    import time_machine

    with time_machine.travel(NOW, tick=False):
        yield


def rules() -> WorkRules:
    found, _ = WorkRules.objects.get_or_create(
        code="test-rules", defaults={"name": "Test rules", "source": "test", "min_rest_minutes": 600}
    )
    return found


def make_staff(user: Any, site: Any, unit: Any, discipline: str = "rn") -> StaffMember:
    return StaffMember.objects.create(
        user=user,
        site=site,
        home_unit=unit,
        employee_number=f"E-{user.pk}",
        discipline=discipline,
        job_title="Staff Nurse",
        fte=Decimal("1.00"),
        contracted_minutes_per_week=2400,
        work_rules=rules(),
        hourly_rate=Decimal("48.00"),
        hire_date=date(2020, 1, 6),
    )


def patterns(unit: Any) -> tuple[ShiftPattern, ShiftPattern]:
    day = ShiftPattern.objects.create(unit=unit, code="D", name="Day", start_time=time(7), length_minutes=720)
    night = ShiftPattern.objects.create(
        unit=unit, code="N", name="Night", start_time=time(19), length_minutes=720, is_night=True
    )
    return day, night


def make_roster(unit: Any, creator: Any, start: date = START, days: int = 14) -> Roster:
    return Roster.objects.create(unit=unit, start_date=start, days=days, created_by=creator)


def entry(roster: Roster, staff: StaffMember, day: date, pattern: ShiftPattern) -> RosterEntry:
    return RosterEntry.objects.create(roster=roster, staff=staff, date=day, pattern=pattern)


@dataclass
class Ward:
    """Site A's ICU with a roster: nurse_a and two more nurses, Day and Night shifts."""

    roster: Roster
    day: ShiftPattern
    night: ShiftPattern
    ann: StaffMember  # nurse_a's record
    bob: StaffMember
    cid: StaffMember
    bob_user: Any
    cid_user: Any


def ward(world: Any, *, start: date = START) -> Ward:
    day, night = patterns(world.icu_a)
    bob_user = make_user("bob_nurse", role="clinician", site=world.site_a, unit=world.icu_a, discipline="rn")
    cid_user = make_user("cid_nurse", role="clinician", site=world.site_a, unit=world.icu_a, discipline="rn")
    ann = make_staff(world.nurse_a, world.site_a, world.icu_a)
    bob = make_staff(bob_user, world.site_a, world.icu_a)
    cid = make_staff(cid_user, world.site_a, world.icu_a)
    roster = make_roster(world.icu_a, world.coordinator_a, start=start)
    return Ward(roster, day, night, ann, bob, cid, bob_user, cid_user)


def no_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pub, "check_roster", lambda roster: [])
    monkeypatch.setattr(pub, "check_moves", lambda roster, moves: [])


def problems_when(
    monkeypatch: pytest.MonkeyPatch, predicate: Callable[[int, date, int | None], Problem | None]
) -> None:
    """The rule check of changes reports what `predicate(staff_id, day, pattern_id)` returns for each cell moved."""
    monkeypatch.setattr(pub, "check_roster", lambda roster: [])

    def moves(roster: Any, moved: Any) -> list[Problem]:
        found = [predicate(staff_id, day, pattern_id) for staff_id, day, pattern_id in moved]
        return [p for p in found if p]

    monkeypatch.setattr(pub, "check_moves", moves)

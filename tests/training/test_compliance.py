"""Compliance as a function of the date: current through the expiry day,
expiring within 30 days, overdue the day after; unit figures and the
overdue list; who may see whose record."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from caredesk.core import clock
from caredesk.training import compliance, queries
from caredesk.training.models import Completion
from tests.conftest import make_user
from tests.training.helpers import make_program, make_staff

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")


def test_expiry_adds_calendar_months():
    assert compliance.expiry(date(2026, 1, 15), 12) == date(2027, 1, 15)
    assert compliance.expiry(date(2024, 2, 29), 24) == date(2026, 2, 28)
    assert compliance.expiry(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert compliance.expiry(date(2026, 1, 31), None) is None


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 5, 31), compliance.CURRENT),  # 31 days before
        (date(2026, 6, 1), compliance.EXPIRING),  # exactly 30 days before
        (date(2026, 7, 1), compliance.EXPIRING),  # the expiry day itself
        (date(2026, 7, 2), compliance.OVERDUE),  # the day after
    ],
)
def test_state_at_the_boundaries(today, expected):
    assert compliance.state(date(2026, 7, 1), today) == expected


def test_never_done_and_no_expiry():
    assert compliance.state(None, date(2026, 7, 1), completed=False) == compliance.NEVER
    assert compliance.state(None, date(2030, 7, 1)) == compliance.CURRENT


@pytest.fixture
def setup(world):
    program, _ = make_program(world.site_a, title="Alpha BLS renewal", disciplines=["rn"], recurrence=12)
    nurse = make_staff(world.nurse_a, world.site_a, world.icu_a)
    Completion.objects.create(
        staff=nurse,
        program=program,
        completed_on=date(2025, 7, 1),
        expires_on=date(2026, 7, 1),
        recorded_at=clock.now(),
    )
    return program, nurse


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 6, 1, 3, 59, tzinfo=ZoneInfo("UTC")), compliance.CURRENT),  # still May 31 in New York
        (datetime(2026, 6, 1, 4, 0, tzinfo=ZoneInfo("UTC")), compliance.EXPIRING),  # June 1, 00:00 in New York
        (datetime(2026, 7, 1, 23, 59, tzinfo=NY), compliance.EXPIRING),  # last minute of the expiry day
        (datetime(2026, 7, 2, 0, 0, tzinfo=NY), compliance.OVERDUE),  # the day after, site time
    ],
)
def test_person_state_follows_the_sites_calendar(setup, moment, expected):
    _program, nurse = setup
    with time_machine.travel(moment, tick=False):
        [item] = queries.person_items(nurse)
    assert item.state == expected


def test_a_renewal_makes_the_person_current_again(setup):
    program, nurse = setup
    Completion.objects.create(
        staff=nurse,
        program=program,
        completed_on=date(2026, 6, 20),
        expires_on=date(2027, 6, 20),
        recorded_at=clock.now(),
    )
    with time_machine.travel(datetime(2026, 8, 1, 12, tzinfo=NY), tick=False):
        [item] = queries.person_items(nurse)
    assert item.state == compliance.CURRENT and item.expires_on == date(2027, 6, 20)


def test_programs_apply_by_discipline_and_unit_type(world):
    make_program(world.site_a, title="Alpha ACLS", disciplines=["rn"], unit_kinds=["icu"])
    make_program(world.site_a, title="Alpha fire safety", disciplines=[])
    make_program(world.site_a, title="Alpha dementia care", disciplines=[], unit_kinds=["long_term_care"])
    make_program(world.site_a, title="Alpha chemo", mandatory=False)
    make_program(world.site_b, title="Bravo fire safety", disciplines=[])
    icu_nurse = make_staff(world.nurse_a, world.site_a, world.icu_a)
    ms_aide = make_staff(
        make_user("aide_a", role="clinician", site=world.site_a, unit=world.ms_a, discipline="na"),
        world.site_a,
        world.ms_a,
        discipline="na",
    )
    assert sorted(i.program.title for i in queries.person_items(icu_nurse)) == ["Alpha ACLS", "Alpha fire safety"]
    assert [i.program.title for i in queries.person_items(ms_aide)] == ["Alpha fire safety"]
    assert all(i.state == compliance.NEVER for i in queries.person_items(ms_aide))


def test_unit_figures_and_the_overdue_list(world):
    program, _ = make_program(world.site_a, title="Alpha BLS renewal", disciplines=["rn"], recurrence=24)
    people = []
    for n in range(12):
        user = make_user(f"icu_{n}", role="clinician", site=world.site_a, unit=world.icu_a, discipline="rn")
        people.append(make_staff(user, world.site_a, world.icu_a))
    for n, s in enumerate(people):
        if n == 0:
            continue  # never done
        completed = date(2024, 8, 1) if n == 1 else date(2025, 9, 1)  # n == 1 expired on 2026-08-01
        Completion.objects.create(
            staff=s,
            program=program,
            completed_on=completed,
            expires_on=compliance.expiry(completed, 24),
            recorded_at=clock.now(),
        )
    with time_machine.travel(datetime(2026, 9, 1, 12, tzinfo=NY), tick=False):
        m = queries.matrix(world.director_a)
    cell = m.cell(world.icu_a.pk, program.pk)
    assert cell is not None
    assert (cell.applicable, cell.current, cell.overdue, cell.never) == (12, 10, 1, 1)
    assert cell.percent_current == pytest.approx(83.3)
    assert {(s.pk, i.state) for s, i in m.overdue} == {(people[0].pk, "never"), (people[1].pk, "overdue")}
    sentence = queries.sentence(world.icu_a, program, cell, "RNs")
    assert sentence == "83 % of RNs on Alpha ICU are current on Alpha BLS renewal"


def test_compliance_is_scoped(world):
    program, _ = make_program(world.site_a, disciplines=["rn"])
    make_staff(world.nurse_a, world.site_a, world.icu_a)
    ms_nurse = make_staff(
        make_user("ms_nurse", role="clinician", site=world.site_a, unit=world.ms_a, discipline="rn"),
        world.site_a,
        world.ms_a,
    )
    assert {u.pk for u in queries.matrix(world.director_a).units} == {world.icu_a.pk, world.ms_a.pk}
    assert {u.pk for u in queries.matrix(world.coordinator_a).units} == {world.icu_a.pk}
    assert queries.matrix(world.director_b).units == []
    assert queries.matrix(world.nurse_a).units == []
    assert queries.may_see_person(world.nurse_a, ms_nurse) is False
    assert queries.may_see_person(world.coordinator_a, ms_nurse) is False
    assert queries.may_see_person(world.hr_a, ms_nurse) is True
    assert queries.may_see_person(world.compliance_a, ms_nurse) is True
    assert queries.may_see_person(world.finance_a, ms_nurse) is False
    assert queries.may_see_person(world.director_b, ms_nurse) is False
    assert program

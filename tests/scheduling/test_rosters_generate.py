"""Generating a roster: the engine's problem from the database, the background
task (run synchronously here), stop, and the summary."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from caredesk.core import errors
from caredesk.scheduling import checks, engine, solver, tasks
from caredesk.scheduling.models import RosterEntry, RosterRun, RunStatus
from caredesk.scheduling.services import rosters as services
from tests.scheduling import helpers_rosters as h

pytestmark = pytest.mark.django_db

D = h.MONDAY


@pytest.fixture
def unit(world: Any) -> Any:
    people = h.small_unit(world, 10)
    day, night = h.patterns(world.icu_a)
    h.needs(world.icu_a, D, 28, 1, 1, preferred=2)
    r = h.roster(world.icu_a, world.coordinator_a)
    return {"world": world, "people": people, "day": day, "night": night, "roster": r}


def test_build_problem_maps_rules_leave_pins_and_needs(unit: Any) -> None:
    r, people = unit["roster"], unit["people"]
    h.time_off(people[1], D + timedelta(days=2), D + timedelta(days=4))
    h.entry(r, people[2], D, unit["night"], pinned=True)
    problem, mapping = engine.build_problem(r)
    assert problem.num_days == 28 and len(problem.staff) == 10
    assert {s.id for s in problem.shifts} == {"day", "night"}
    first = next(s for s in problem.staff if mapping.staff[s.id] == people[1].pk)
    assert first.leave == frozenset({2, 3, 4})
    c = first.contract
    assert c.window_limits == ((7, 48 * 60),) and c.max_minutes is None
    assert c.min_rest_minutes == 660 and c.max_weekends == 2
    assert c.max_consecutive_days == 4 and c.contracted_minutes == 36 * 60 * 4
    assert solver.Pin(mapping.staff_key(people[2].pk), 0, "night") in problem.pins
    assert len(problem.demands) == 56
    assert all(d.minimum_weight == engine.MINIMUM_WEIGHT for d in problem.demands)
    assert {f.name for f in problem.fairness} == {"nights-rn", "weekends-rn"}


def test_generate_runs_and_keeps_pins_and_leave(unit: Any) -> None:
    r, people, world = unit["roster"], unit["people"], unit["world"]
    h.time_off(people[1], D + timedelta(days=2), D + timedelta(days=4))
    pinned = h.entry(r, people[2], D + timedelta(days=6), unit["night"], pinned=True)
    run = services.generate(world.coordinator_a, r.pk, time_limit_s=15)
    assert run.status == RunStatus.QUEUED
    with pytest.raises(errors.Conflict):
        services.generate(world.coordinator_a, r.pk, time_limit_s=5)
    run = tasks.run_generation(run.pk)
    assert run.status == RunStatus.DONE, run.error
    assert run.objective is not None and run.progress
    assert all(len(p) == 3 for p in run.progress)
    entries = RosterEntry.objects.filter(roster=r)
    assert entries.count() > 0
    assert RosterEntry.objects.filter(pk=pinned.pk, pinned=True, pattern=unit["night"]).exists()
    assert not entries.filter(staff=people[1], date__range=(D + timedelta(days=2), D + timedelta(days=4))).exists()
    assert [p for p in checks.check_roster(r) if p.hard] == []
    s = run.summary
    assert s["unmet_minimum"] == 0, [u["text"] for u in s["unmet"] if u["level"] == "minimum"]
    assert {row["staff_id"] for row in s["people"]} == {p.pk for p in people}
    assert Decimal(s["labour_cost"]) > 0
    r.refresh_from_db()
    assert r.version > 1 and r.has_unpublished_changes


def test_unmet_need_is_explained(unit: Any) -> None:
    r, world = unit["roster"], unit["world"]
    from caredesk.scheduling.models import StaffingNeed

    StaffingNeed.objects.filter(unit=world.icu_a, date=D, pattern=unit["day"]).update(minimum=11, preferred=11)
    StaffingNeed.objects.filter(unit=world.icu_a, date=D, pattern=unit["night"]).update(minimum=2, preferred=2)
    run = tasks.run_generation(services.generate(world.coordinator_a, r.pk, time_limit_s=5).pk)
    assert run.status == RunStatus.DONE
    unmet = [u for u in run.summary["unmet"] if u["date"] == D.isoformat()]
    day = [u for u in unmet if u["shift"] == "day"]
    assert day and day[0]["level"] == "minimum"
    assert "short of the minimum of 11" in day[0]["text"]
    # 10 people for 13 places: whichever shift is left short (the costs tie),
    # its explanation names the people working the other one
    assert any("working another shift that day" in u["text"] for u in unmet), [u["text"] for u in unmet]


def test_stop_before_start_keeps_roster_unchanged(unit: Any) -> None:
    r, world = unit["roster"], unit["world"]
    h.entry(r, unit["people"][0], D, unit["day"])
    run = services.generate(world.coordinator_a, r.pk, time_limit_s=5)
    RosterRun.objects.filter(pk=run.pk).update(stop_requested=True)
    run = tasks.run_generation(run.pk)
    assert run.status == RunStatus.STOPPED
    assert "unchanged" in run.error
    assert RosterEntry.objects.filter(roster=r).count() == 1


def test_stop_during_the_search_keeps_the_best_so_far(unit: Any, monkeypatch: Any) -> None:
    r, world = unit["roster"], unit["world"]
    run = services.generate(world.coordinator_a, r.pk, time_limit_s=60)
    calls = {"n": 0}
    original = tasks._Watcher.progress

    def progress(self: Any, p: Any) -> None:
        original(self, p)
        calls["n"] += 1
        if calls["n"] >= 3:  # the first rosters are empty (construction): stop a bit later
            self.stopped = True  # as if the stop button was read from the database

    monkeypatch.setattr(tasks._Watcher, "progress", progress)
    run = tasks.run_generation(run.pk)
    assert run.status == RunStatus.STOPPED, (run.error, run.summary)
    assert run.summary["seconds"] < 30
    assert RosterEntry.objects.filter(roster=r).exists()


def test_stop_run_service(unit: Any) -> None:
    r, world = unit["roster"], unit["world"]
    run = services.generate(world.coordinator_a, r.pk, time_limit_s=5)
    stopped = services.stop_run(world.coordinator_a, run.pk)
    assert stopped.stop_requested and stopped.status == RunStatus.STOPPED
    with pytest.raises(errors.NotFound):
        services.stop_run(world.coordinator_b, run.pk)
    with pytest.raises(errors.PermissionDenied):
        services.generate(world.nurse_a, r.pk, time_limit_s=5)


def test_summary_figures_by_hand(world: Any) -> None:
    """Two nurses, one week: A works Day Mon and Night Sat; B works nothing.
    Cost of A: 24 h at 40 + 12 night h at 5 + 12 weekend h at 3 = 960 + 60 + 36;
    contract 20 h/week -> 4 h overtime at 0.5 x 40 = 80: 1136."""
    _day, _night = h.patterns(world.icu_a)
    a = h.nurse(world.site_a, world.icu_a, "rn_a", contracted=20 * 60)
    b = h.nurse(world.site_a, world.icu_a, "rn_b")
    r = h.roster(world.icu_a, world.coordinator_a, days=7)
    h.needs(world.icu_a, D, 7, 0, 0)
    problem, mapping = engine.build_problem(r)
    cells: dict[str, list[str | None]] = {
        mapping.staff_key(a.pk): ["day", None, None, None, None, "night", None],
        mapping.staff_key(b.pk): [None] * 7,
    }
    s = engine.summarise(r, problem, mapping, cells)
    row = next(x for x in s["people"] if x["staff_id"] == a.pk)
    assert row["hours"] == 24 and row["nights"] == 1 and row["weekends"] == 1
    assert row["overtime_hours"] == 4
    assert Decimal(row["cost"]) == Decimal("1136.00")
    assert Decimal(s["labour_cost"]) == Decimal("1136.00")
    assert s["fairness"]["nights"] == {"min": 0, "max": 1}


def test_expiring_credential_blocks_shifts_after_expiry(unit: Any) -> None:
    r, people, world = unit["roster"], unit["people"], unit["world"]
    ctype = h.licence_rule("rn")
    for p in people:
        h.credential(
            p, ctype, issued=D - timedelta(days=400), expires=None if p != people[3] else D + timedelta(days=9)
        )
    problem, mapping = engine.build_problem(r)
    expiring = next(s for s in problem.staff if mapping.staff[s.id] == people[3].pk)
    assert expiring.has_skills(frozenset({"eligible:day"}), D + timedelta(days=9))
    assert not expiring.has_skills(frozenset({"eligible:day"}), D + timedelta(days=10))
    run = tasks.run_generation(services.generate(world.coordinator_a, r.pk, time_limit_s=5).pk)
    assert run.status == RunStatus.DONE
    assert not RosterEntry.objects.filter(roster=r, staff=people[3], date__gt=D + timedelta(days=9)).exists()


def test_a_dead_run_does_not_block_generation(unit: Any) -> None:
    r, world = unit["roster"], unit["world"]
    run = services.generate(world.coordinator_a, r.pk, time_limit_s=5)
    later = run.updated_at + timedelta(seconds=5 + services.STALE_AFTER_S + 1)
    again = services.generate(world.coordinator_a, r.pk, time_limit_s=5, now=later)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and again.status == RunStatus.QUEUED

"""Rosters over the JSON API: list, create, the grid (with the page's coverage
rows: per shift, and per skill a need or the skill mix asks for), generate (a
background run), its progress, stop, edit a cell (with the roster's version),
pin, and the rule check of a change before making it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from caredesk.core import errors, scoping
from caredesk.core.api_support import ERRORS
from caredesk.scheduling import checks
from caredesk.scheduling.models import Roster, RosterEntry, RosterRun
from caredesk.scheduling.queries import rosters as queries
from caredesk.scheduling.schemas import rosters as schemas
from caredesk.scheduling.services import rosters as services
from caredesk.scheduling.views.rosters import visible_summary

router = Router(tags=["scheduling"])


def roster_out(r: Roster) -> dict[str, Any]:
    return {
        "id": r.pk,
        "unit_id": r.unit_id,
        "unit": r.unit.name,
        "start_date": r.start_date,
        "days": r.days,
        "status": r.status,
        "published_version": r.published_version,
        "has_unpublished_changes": r.has_unpublished_changes,
        "version": r.version,
    }


def entry_out(e: RosterEntry) -> dict[str, Any]:
    return {
        "staff_id": e.staff_id,
        "date": e.date,
        "pattern_id": e.pattern_id,
        "shift": e.pattern.code,
        "pinned": e.pinned,
        "source": e.source,
    }


def coverage_out(rows: Iterable[queries.CoverageRow]) -> list[dict[str, Any]]:
    """The coverage rows of the grid (`queries.coverage_rows`), one item per shift, skill and day."""
    return [
        {
            "pattern_id": row.pattern.pk,
            "shift": row.pattern.code,
            "skill": row.skill,
            "label": row.label,
            "date": c.day,
            "assigned": c.assigned,
            "minimum": c.minimum,
            "preferred": c.preferred,
            "below_minimum": c.short,
            "missing": c.missing,
            "below_preferred": c.under_preferred,
        }
        for row in rows
        for c in row.cells
    ]


def coverage_fields(rows: Iterable[queries.CoverageRow]) -> dict[str, list[dict[str, Any]]]:
    """`coverage` (everyone on each shift) and `skill_coverage` (one row per required skill)."""
    rows = list(rows)
    return {
        "coverage": coverage_out(r for r in rows if not r.skill),
        "skill_coverage": coverage_out(r for r in rows if r.skill),
    }


def run_out(request: HttpRequest, run: RosterRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "roster_id": run.roster_id,
        "status": run.status,
        "time_limit_s": run.time_limit_s,
        "stop_requested": run.stop_requested,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "progress": run.progress or [],
        "solver_status": run.solver_status,
        "objective": run.objective,
        "bound": run.bound,
        "breakdown": run.breakdown or {},
        "summary": visible_summary(request.user, run, run.roster),
        "error": run.error,
    }


def _run(request: HttpRequest, run_id: int) -> RosterRun:
    run = scoping.get_scoped(
        RosterRun.objects.select_related("roster", "roster__unit"), request.user, "scheduling.view", pk=run_id
    )
    if not queries.may_manage(request.user, run.roster):
        raise errors.NotFound()
    return run


@router.get("/rosters", response={200: list[schemas.RosterRead], **ERRORS})
def list_rosters(request: HttpRequest, unit_id: int | None = None) -> list[dict[str, Any]]:
    return [roster_out(r) for r in queries.rosters(request.user, unit_id=unit_id)[:200]]


@router.post("/rosters", response={201: schemas.RosterRead, **ERRORS})
def create_roster(request: HttpRequest, data: schemas.RosterCreateIn) -> tuple[int, dict[str, Any]]:
    roster = services.create_roster(request.user, data.unit_id, data.start_date, data.days)
    return 201, roster_out(roster)


@router.get("/rosters/{roster_id}", response={200: schemas.RosterGridRead, **ERRORS})
def get_roster(request: HttpRequest, roster_id: int) -> dict[str, Any]:
    roster = queries.get_roster(request.user, roster_id)
    manage = queries.may_manage(request.user, roster)
    g = queries.grid(roster, with_problems=manage)
    return {
        **roster_out(roster),
        "people": [{"staff_id": r.staff.pk, "name": str(r.staff), "discipline": r.staff.discipline} for r in g.rows],
        "entries": [entry_out(c.entry) for r in g.rows for c in r.cells if c.entry],
        "problems": [p.as_dict() for p in g.problems] if manage else [],
        **coverage_fields(g.coverage_rows),
    }


@router.post("/rosters/{roster_id}/generate", response={202: schemas.RosterRunRead, **ERRORS})
def generate(request: HttpRequest, roster_id: int, data: schemas.RosterGenerateIn) -> tuple[int, dict[str, Any]]:
    run = services.generate(request.user, roster_id, time_limit_s=data.time_limit_s)
    return 202, run_out(request, run)


@router.get("/rosters/runs/{run_id}", response={200: schemas.RosterRunRead, **ERRORS})
def get_run(request: HttpRequest, run_id: int) -> dict[str, Any]:
    return run_out(request, _run(request, run_id))


@router.post("/rosters/runs/{run_id}/stop", response={200: schemas.RosterRunRead, **ERRORS})
def stop_run(request: HttpRequest, run_id: int) -> dict[str, Any]:
    run = services.stop_run(request.user, run_id)
    return run_out(request, run)


@router.put("/rosters/{roster_id}/entries", response={200: schemas.RosterEntryResult, **ERRORS})
def set_entry(request: HttpRequest, roster_id: int, data: schemas.RosterEntryIn) -> dict[str, Any]:
    entry, soft = services.set_entry(
        request.user,
        roster_id,
        data.staff_id,
        data.date,
        data.pattern_id,
        expected_version=data.expected_version,
        pinned=data.pinned,
        override=data.override,
    )
    roster = Roster.objects.get(pk=roster_id)
    if entry is not None:
        entry = RosterEntry.objects.select_related("pattern").get(pk=entry.pk)
    return {
        "entry": entry_out(entry) if entry is not None else None,
        "warnings": [p.as_dict() for p in soft],
        "roster_version": roster.version,
    }


@router.post("/rosters/{roster_id}/pin", response={200: schemas.RosterCellRead, **ERRORS})
def pin(request: HttpRequest, roster_id: int, data: schemas.RosterPinIn) -> dict[str, Any]:
    entry = services.pin(
        request.user, roster_id, data.staff_id, data.date, data.pinned, expected_version=data.expected_version
    )
    return entry_out(RosterEntry.objects.select_related("pattern").get(pk=entry.pk))


@router.post("/rosters/{roster_id}/check", response={200: list[schemas.RosterProblemRead], **ERRORS})
def check(request: HttpRequest, roster_id: int, data: schemas.RosterCheckIn) -> list[dict[str, Any]]:
    """What would break if this person worked this shift (or nothing) that day; nothing is saved."""
    roster = queries.get_roster(request.user, roster_id)
    if not queries.may_manage(request.user, roster):
        raise errors.PermissionDenied()
    from caredesk.workforce.models import StaffMember

    staff = StaffMember.objects.filter(pk=data.staff_id, site_id=roster.unit.site_id).first()
    if staff is None:
        raise errors.ValidationFailed.field("staff_id", _("no such person at this site"))
    return [p.as_dict() for p in checks.check_change(roster, staff, data.date, data.pattern_id)]

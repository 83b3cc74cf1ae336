"""Staffing needs over the JSON API: list a unit's needs, set them by hand (one,
a week, a week copied forward), derive them from census and ratio; skill-mix
rules; the skills a shift type requires."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from caredesk.assignment.models import ShiftPattern
from caredesk.core import errors, scoping
from caredesk.core.api_support import ERRORS
from caredesk.org.models import Unit
from caredesk.scheduling.models import SkillMixRule, StaffingNeed
from caredesk.scheduling.queries import needs as queries
from caredesk.scheduling.schemas import needs as schemas
from caredesk.scheduling.services import needs as services

router = Router(tags=["scheduling"])

MAX_RANGE_DAYS = 93


def need_out(n: StaffingNeed) -> dict[str, Any]:
    return {
        "id": n.pk,
        "unit_id": n.unit_id,
        "date": n.date,
        "pattern_id": n.pattern_id,
        "pattern_code": n.pattern.code,
        "skill": n.skill,
        "minimum": n.minimum,
        "preferred": n.preferred,
        "source": n.source,
        "basis": n.basis,
        "version": n.version,
    }


def rule_out(r: SkillMixRule) -> dict[str, Any]:
    return {
        "id": r.pk,
        "unit_id": r.unit_id,
        "pattern_id": r.pattern_id,
        "skill": r.skill,
        "count": r.count,
        "is_active": r.is_active,
        "version": r.version,
    }


class NeedFilter(Schema):
    unit_id: int
    from_: date = Field(alias="from")
    to: date


@router.get("/needs", response={200: list[schemas.NeedRead], **ERRORS}, summary="A unit's staffing needs over days")
def list_needs(request: HttpRequest, filters: Query[NeedFilter]) -> Any:
    if filters.to < filters.from_:
        raise errors.ValidationFailed.field("to", "the last day cannot be before the first")
    if (filters.to - filters.from_).days >= MAX_RANGE_DAYS:
        raise errors.ValidationFailed.field("to", f"at most {MAX_RANGE_DAYS} days at once")
    scoping.get_scoped(Unit.objects.all(), request.user, "scheduling.view", pk=filters.unit_id)
    found = queries.needs(request.user, unit_id=filters.unit_id, start=filters.from_, end=filters.to)
    return [need_out(n) for n in found]


@router.post("/needs", response={200: schemas.NeedRead, **ERRORS}, summary="Set one need by hand")
def set_need(request: HttpRequest, data: schemas.NeedSet) -> Any:
    return need_out(services.set_need(request.user, data))


@router.delete("/needs/{int:need_id}", response={204: None, **ERRORS}, summary="Remove a need")
def delete_need(request: HttpRequest, need_id: int, version: int) -> Any:
    services.delete_need(request.user, need_id, expected_version=version)
    return 204, None


class WeekOut(Schema):
    created: int
    updated: int
    removed: int


@router.put("/needs/week", response={200: WeekOut, **ERRORS}, summary="Save a week of the needs grid")
def set_week(request: HttpRequest, data: schemas.NeedWeekSet) -> Any:
    r = services.set_needs_for_week(request.user, data)
    return {"created": r.created, "updated": r.updated, "removed": r.removed}


@router.post("/needs/copy-week", response={200: WeekOut, **ERRORS}, summary="Repeat a week of needs forward")
def copy_week(request: HttpRequest, data: schemas.NeedCopyWeek) -> Any:
    r = services.copy_week(request.user, data)
    return {"created": r.created, "updated": r.updated, "removed": r.removed}


@router.post(
    "/needs/derive",
    response={200: schemas.NeedDeriveRead, **ERRORS},
    summary="Derive needs from the expected census and the unit's ratio",
)
def derive(request: HttpRequest, data: schemas.NeedDerive) -> Any:
    r = services.derive_needs(
        request.user,
        data.unit_id,
        data.start,
        data.days,
        data.expected_census,
        high_acuity=data.high_acuity,
        overwrite_manual=data.overwrite_manual,
    )
    return {
        "unit_id": r.unit.pk,
        "start": r.start,
        "days": r.days,
        "created": r.created,
        "updated": r.updated,
        "removed": r.removed,
        "kept_manual": r.kept_manual,
        "census": {d.isoformat(): c for d, c in r.census.items()},
        "ratio": r.ratio,
    }


class SkillMixFilter(Schema):
    unit_id: int | None = None


@router.get("/skill-mix", response={200: list[schemas.SkillMixRead], **ERRORS}, summary="Skill-mix rules")
def list_skill_mix(request: HttpRequest, filters: Query[SkillMixFilter]) -> Any:
    return [rule_out(r) for r in queries.skill_mix(request.user, unit_id=filters.unit_id)]


@router.post("/skill-mix", response={201: schemas.SkillMixRead, **ERRORS}, summary="Add a skill-mix rule")
def create_skill_mix(request: HttpRequest, data: schemas.SkillMixCreate) -> Any:
    return 201, rule_out(services.create_skill_mix(request.user, data))


@router.get("/skill-mix/{int:rule_id}", response={200: schemas.SkillMixRead, **ERRORS})
def get_skill_mix(request: HttpRequest, rule_id: int) -> Any:
    return rule_out(scoping.get_scoped(SkillMixRule.objects.all(), request.user, "scheduling.view", pk=rule_id))


@router.patch(
    "/skill-mix/{int:rule_id}", response={200: schemas.SkillMixRead, **ERRORS}, summary="Change a skill-mix rule"
)
def update_skill_mix(request: HttpRequest, rule_id: int, data: schemas.SkillMixUpdate) -> Any:
    return rule_out(services.update_skill_mix(request.user, rule_id, data))


@router.put(
    "/shift-types/{pattern_id}/skills",
    response={200: schemas.ShiftSkillsRead, **ERRORS},
    summary="Set the skills a shift type requires",
)
def set_shift_skills(request: HttpRequest, pattern_id: int, data: schemas.ShiftSkillsSet) -> Any:
    p: ShiftPattern = services.set_shift_skills(request.user, pattern_id, data.skills, expected_version=data.version)
    return {
        "id": p.pk,
        "unit_id": p.unit_id,
        "code": p.code,
        "name": p.name,
        "required_skills": list(p.required_skills or []),
        "version": p.version,
    }

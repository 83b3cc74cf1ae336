"""Reads of staffing needs and skill-mix rules, always scoped, and the week
grid of the needs page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from caredesk.assignment import ratios
from caredesk.assignment.models import ShiftPattern
from caredesk.core import scoping
from caredesk.org.models import Unit
from caredesk.scheduling.models import SkillMixRule, StaffingNeed


def units(user: Any, permission: str = "scheduling.view") -> QuerySet[Unit]:
    return scoping.scoped(Unit.objects.filter(is_active=True).select_related("site", "ratio_pack"), user, permission)


def needs(
    user: Any, *, unit_id: int | None = None, start: date | None = None, end: date | None = None
) -> QuerySet[StaffingNeed]:
    """Needs within reach (scheduling.view); `end` is inclusive."""
    qs = scoping.scoped(StaffingNeed.objects.select_related("pattern", "unit"), user, "scheduling.view")
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    if start is not None:
        qs = qs.filter(date__gte=start)
    if end is not None:
        qs = qs.filter(date__lte=end)
    return qs.order_by("date", "pattern__start_time", "skill")


def skill_mix(user: Any, *, unit_id: int | None = None, include_inactive: bool = True) -> QuerySet[SkillMixRule]:
    qs = scoping.scoped(SkillMixRule.objects.select_related("unit", "pattern"), user, "scheduling.view")
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("unit__name", "-is_active", "skill")


def patterns(unit: Unit) -> list[ShiftPattern]:
    return list(ShiftPattern.objects.filter(unit=unit, is_active=True).order_by("start_time"))


def week_start(day: date) -> date:
    """The Monday of the week of `day`."""
    return day - timedelta(days=day.weekday())


@dataclass
class GridCell:
    index: int
    date: date
    pattern: ShiftPattern
    skill: str
    need: StaffingNeed | None

    @property
    def key(self) -> str:
        return f"{self.pattern.pk}|{self.date.isoformat()}|{self.skill}"

    @property
    def tooltip(self) -> str:
        return basis_text(self.need) if self.need else ""


@dataclass
class GridRow:
    pattern: ShiftPattern
    skill: str
    cells: list[GridCell] = field(default_factory=list)


def basis_text(need: StaffingNeed) -> str:
    """One line saying where a need comes from (the tooltip on the grid)."""
    b = need.basis or {}
    kind = b.get("kind")
    if kind == "ratio":
        parts = [_("%(n)s patients expected") % {"n": b.get("expected_census")}]
        if b.get("rule"):
            parts.append(f"{b.get('pack')} {b.get('rule')} ({b.get('citation')})")
        if b.get("own_cap") is not None:
            parts.append(_("site cap %(n)s per nurse") % {"n": b.get("own_cap")})
        parts.append(str(b.get("formula", "")))
        if b.get("high_acuity"):
            parts.append(_("high acuity: preferred one above the minimum"))
        return " · ".join(p for p in parts if p)
    if kind == "skill_mix":
        return _("skill mix: at least %(n)s %(skill)s") % {"n": b.get("count"), "skill": b.get("skill")}
    if b.get("copied_from"):
        return _("copied from %(d)s") % {"d": b["copied_from"]}
    if b.get("note"):
        return str(b["note"])
    return _("set by hand")


def week_grid(
    unit: Unit, start: date, found: list[StaffingNeed], extra_skills: list[str] | None = None
) -> list[GridRow]:
    """Rows per shift and skill ("" first), 7 cells each."""
    pats = patterns(unit)
    by_key = {(n.pattern_id, n.date, n.skill): n for n in found}
    rules = list(SkillMixRule.objects.filter(unit=unit, is_active=True))
    rows: list[GridRow] = []
    index = 0
    for p in pats:
        skills = {""} | {n.skill for n in found if n.pattern_id == p.pk}
        skills |= {r.skill for r in rules if r.pattern_id in (None, p.pk)}
        skills |= set(extra_skills or [])
        for skill in sorted(skills):
            row = GridRow(pattern=p, skill=skill)
            for i in range(7):
                day = start + timedelta(days=i)
                row.cells.append(GridCell(index, day, p, skill, by_key.get((p.pk, day, skill))))
                index += 1
            rows.append(row)
    return rows


def ratio_summary(unit: Unit) -> list[dict[str, Any]]:
    """The unit's ratio by day and at night, for the derive form."""
    out = []
    for night in (False, True):
        r = ratios.unit_ratio(unit, is_night=night)
        out.append(
            {
                "is_night": night,
                "label": r.label,
                "citation": r.rule.pack.citation if r.rule else "",
                "rule": ratios.rule_text(r.rule) if r.rule else "",
                "has_ratio": r.rule is not None or r.own_cap is not None,
            }
        )
    return out

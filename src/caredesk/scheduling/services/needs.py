"""Writes of staffing needs: set by hand (one need, a week grid, a week copied
forward), derived from the expected census and the unit's nurse-to-patient
ratio (RULES.md §2), skill-mix rules, and the skills a shift type requires.

Derivation (`derive_needs`): for each day and shift, nurses needed =
ceil(expected patients × N / P) for the unit's ratio rule N:P of that shift
(day/night rule over an "at all times" one, from the unit's rule pack, see
`caredesk.assignment.ratios`), and at least ceil(patients / own cap) when the
site set its own stricter cap; the larger wins. The rule, its pack and its
citation are kept in `StaffingNeed.basis`. Each active skill-mix rule (e.g. one
"charge" per shift) gives a separate need with that skill. With `high_acuity`,
the preferred level of the nurse need is minimum + 1 (a patient classification
system adding staff above the ratio, 22 CCR §70053.2); otherwise it is empty.
Needs set by hand are kept unless `overwrite_manual`; derived needs of the
period that the new derivation no longer produces are removed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from caredesk.assignment import ratios
from caredesk.assignment.models import ShiftPattern
from caredesk.core import audit, clock, errors, scoping, writes
from caredesk.org.models import Unit
from caredesk.scheduling.models import NeedSource, SkillMixRule, StaffingNeed
from caredesk.scheduling.schemas import needs as schemas

MAX_DAYS = 84
MAX_CENSUS = 999
_SKILL = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


# --- helpers ------------------------------------------------------------------------------


def managed_unit(actor: Any, unit_id: int) -> Unit:
    """The unit if the actor may see it (else 404) and manage its schedule (else 403)."""
    unit = scoping.get_scoped(Unit.objects.select_related("site", "ratio_pack"), actor, "scheduling.view", pk=unit_id)
    scoping.require(actor, "scheduling.manage", site_id=unit.site_id, unit_id=unit.pk)
    return unit


def _pattern(unit: Unit, pattern_id: int | None, field: str = "pattern_id") -> ShiftPattern:
    pattern = ShiftPattern.objects.filter(pk=pattern_id, unit=unit).first() if pattern_id else None
    if pattern is None:
        raise errors.ValidationFailed.field(field, _("this shift is not a shift of the unit"))
    return pattern


def normalise_skill(value: str, field: str = "skill", *, allow_empty: bool = True) -> str:
    skill = (value or "").strip().lower()
    if not skill:
        if allow_empty:
            return ""
        raise errors.ValidationFailed.field(field, _("give a skill code, e.g. charge"))
    if len(skill) > 40 or not _SKILL.match(skill):
        raise errors.ValidationFailed.field(
            field, _("a skill code uses lower-case letters, digits, - and _ (e.g. charge, rn, ccrn)")
        )
    return skill


def _check_levels(minimum: int, preferred: int | None) -> None:
    if minimum < 0 or minimum > 99:
        raise errors.ValidationFailed.field("minimum", _("between 0 and 99"))
    if preferred is not None and preferred < minimum:
        raise errors.ValidationFailed.field("preferred", _("the preferred level cannot be below the minimum"))


def _save_need(actor: Any, need: StaffingNeed, data: dict[str, Any], version: int | None, action: str) -> StaffingNeed:
    if version is None:
        raise errors.Conflict(
            _(
                "This shift already has a need for this skill on that day (set by someone else meanwhile?). "
                "Reload the page and change it there."
            ),
            fields={"version": [_("the need exists at version %(v)s") % {"v": need.version}]},
        )
    return writes.save_changes(need, data, actor=actor, action=action, expected_version=version)


# --- set by hand ----------------------------------------------------------------------------


@transaction.atomic
def set_need(actor: Any, data: schemas.NeedSet, *, now: datetime | None = None) -> StaffingNeed:
    """Create or change one need by hand (an edit names the version it started from)."""
    unit = managed_unit(actor, data.unit_id)
    pattern = _pattern(unit, data.pattern_id)
    skill = normalise_skill(data.skill)
    _check_levels(data.minimum, data.preferred)
    existing = (
        StaffingNeed.objects.select_for_update().filter(unit=unit, date=data.date, pattern=pattern, skill=skill).first()
    )
    values = {
        "minimum": data.minimum,
        "preferred": data.preferred,
        "source": NeedSource.MANUAL,
        "basis": {"kind": "manual"},
    }
    if existing is not None:
        return _save_need(actor, existing, values, data.version, "scheduling.set_need")
    need = StaffingNeed(unit=unit, date=data.date, pattern=pattern, skill=skill, **values)
    return writes.save_new(need, actor=actor, action="scheduling.set_need")


@transaction.atomic
def delete_need(actor: Any, need_id: int, *, expected_version: int | None, now: datetime | None = None) -> None:
    need = scoping.get_scoped(
        StaffingNeed.objects.select_for_update().select_related("unit"), actor, "scheduling.view", pk=need_id
    )
    scoping.require(actor, "scheduling.manage", site_id=need.unit.site_id, unit_id=need.unit_id)
    writes.check_version(need, expected_version)
    audit.record(actor=actor, action="scheduling.delete_need", obj=need, before=audit.snapshot(need))
    need.delete()


@dataclass
class WeekResult:
    created: int = 0
    updated: int = 0
    removed: int = 0


@transaction.atomic
def set_needs_for_week(actor: Any, data: schemas.NeedWeekSet, *, now: datetime | None = None) -> WeekResult:
    """Save a week of the grid: each cell creates, changes (version checked) or,
    left empty, removes the need of that shift, day and skill."""
    unit = managed_unit(actor, data.unit_id)
    end = data.start + timedelta(days=7)
    patterns = {p.pk: p for p in ShiftPattern.objects.filter(unit=unit)}
    result = WeekResult()
    seen: set[tuple[date, int, str]] = set()
    for cell in data.cells:
        if not (data.start <= cell.date < end):
            raise errors.ValidationFailed.field("cells", _("%(d)s is not in this week") % {"d": cell.date})
        pattern = patterns.get(cell.pattern_id)
        if pattern is None:
            raise errors.ValidationFailed.field("cells", _("this shift is not a shift of the unit"))
        skill = normalise_skill(cell.skill, "cells")
        key = (cell.date, pattern.pk, skill)
        if key in seen:
            raise errors.ValidationFailed.field("cells", _("the same cell is given twice"))
        seen.add(key)
        existing = (
            StaffingNeed.objects.select_for_update()
            .filter(unit=unit, date=cell.date, pattern=pattern, skill=skill)
            .first()
        )
        if cell.minimum is None:
            if existing is not None:
                writes.check_version(existing, cell.version)
                audit.record(
                    actor=actor, action="scheduling.delete_need", obj=existing, before=audit.snapshot(existing)
                )
                existing.delete()
                result.removed += 1
            continue
        try:
            _check_levels(cell.minimum, cell.preferred)
        except errors.ValidationFailed as exc:
            raise errors.ValidationFailed.field(
                "cells", f"{pattern.name} {cell.date:%Y-%m-%d}: {next(iter(exc.fields.values()))[0]}"
            ) from None
        if existing is not None:
            if existing.minimum == cell.minimum and existing.preferred == cell.preferred:
                writes.check_version(existing, cell.version)
                continue  # unchanged: a derived need stays derived
            _save_need(
                actor,
                existing,
                {
                    "minimum": cell.minimum,
                    "preferred": cell.preferred,
                    "source": NeedSource.MANUAL,
                    "basis": {"kind": "manual"},
                },
                cell.version,
                "scheduling.set_need",
            )
            result.updated += 1
        else:
            writes.save_new(
                StaffingNeed(
                    unit=unit,
                    date=cell.date,
                    pattern=pattern,
                    skill=skill,
                    minimum=cell.minimum,
                    preferred=cell.preferred,
                    source=NeedSource.MANUAL,
                    basis={"kind": "manual"},
                ),
                actor=actor,
                action="scheduling.set_need",
            )
            result.created += 1
    return result


@transaction.atomic
def copy_week(actor: Any, data: schemas.NeedCopyWeek, *, now: datetime | None = None) -> WeekResult:
    """Repeat the needs of one week (7 days from `from_start`) in the following
    `weeks` weeks from `to_start`; needs already there are kept unless `overwrite`."""
    moment = now or clock.now()
    unit = managed_unit(actor, data.unit_id)
    if abs((data.to_start - data.from_start).days) < 7:
        raise errors.ValidationFailed.field("to_start", _("the target week overlaps the week copied"))
    source = list(
        StaffingNeed.objects.filter(
            unit=unit, date__gte=data.from_start, date__lt=data.from_start + timedelta(days=7)
        ).order_by("date", "pattern_id", "skill")
    )
    if not source:
        raise errors.ValidationFailed.field("from_start", _("this week has no needs to copy"))
    last = data.to_start + timedelta(days=7 * data.weeks)
    existing = {
        (n.date, n.pattern_id, n.skill): n
        for n in StaffingNeed.objects.select_for_update().filter(unit=unit, date__gte=data.to_start, date__lt=last)
    }
    result = WeekResult()
    new: list[StaffingNeed] = []
    changed: list[StaffingNeed] = []
    for w in range(data.weeks):
        for src in source:
            day = data.to_start + timedelta(days=7 * w + (src.date - data.from_start).days)
            basis = {**src.basis, "copied_from": src.date.isoformat()}
            found = existing.get((day, src.pattern_id, src.skill))
            if found is not None:
                if not data.overwrite:
                    continue
                found.minimum, found.preferred, found.source, found.basis = (
                    src.minimum,
                    src.preferred,
                    src.source,
                    basis,
                )
                found.version += 1
                found.updated_at = moment
                changed.append(found)
            else:
                new.append(
                    StaffingNeed(
                        unit=unit,
                        date=day,
                        pattern_id=src.pattern_id,
                        skill=src.skill,
                        minimum=src.minimum,
                        preferred=src.preferred,
                        source=src.source,
                        basis=basis,
                    )
                )
    StaffingNeed.objects.bulk_create(new)
    StaffingNeed.objects.bulk_update(changed, ["minimum", "preferred", "source", "basis", "version", "updated_at"])
    result.created, result.updated = len(new), len(changed)
    audit.record(
        actor=actor,
        action="scheduling.copy_needs",
        obj=unit,
        after={
            "from_start": data.from_start.isoformat(),
            "to_start": data.to_start.isoformat(),
            "weeks": data.weeks,
            "created": result.created,
            "updated": result.updated,
        },
    )
    return result


# --- derived from census and ratio ------------------------------------------------------------


def nurses_for(census: int, ratio: ratios.UnitRatio) -> tuple[int, dict[str, Any]]:
    """Nurses needed for `census` patients under a unit's ratio, and why.

    ceil(census × N / P) for the pack's rule N:P; ceil(census / cap) for the
    site's own cap; the larger. Raises ValueError when the unit has neither."""
    if ratio.rule is None and ratio.own_cap is None:
        raise ValueError("no ratio")
    basis: dict[str, Any] = {"kind": "ratio", "expected_census": census}
    counts: list[int] = []
    parts: list[str] = []
    rule = ratio.rule
    if rule is not None:
        by_rule = -(-census * rule.nurses // rule.patients)
        counts.append(by_rule)
        basis.update(
            pack=rule.pack.name,
            pack_code=rule.pack.code,
            citation=rule.pack.citation,
            rule=f"{rule.nurses}:{rule.patients}",
            rule_text=ratios.rule_text(rule),
            rule_shift=rule.shift,
            by_rule=by_rule,
        )
        parts.append(f"ceil({census} × {rule.nurses} / {rule.patients}) = {by_rule}")
    if ratio.own_cap is not None:
        by_cap = math.ceil(census / ratio.own_cap)
        counts.append(by_cap)
        basis.update(own_cap=ratio.own_cap, by_own_cap=by_cap)
        parts.append(f"ceil({census} / {ratio.own_cap}) = {by_cap}")
    n = max(counts)
    basis["formula"] = "; ".join(parts)
    basis["nurses"] = n
    basis["stricter"] = "own_cap" if rule is not None and ratio.own_cap is not None and n > basis["by_rule"] else ""
    return n, basis


def current_census(unit: Unit, now: datetime | None = None) -> int:
    from caredesk.census.queries import active_stays

    return active_stays(unit, now).count()


def _census_by_day(
    unit: Unit, start: date, days: int, expected: int | Mapping[Any, int] | None, now: datetime
) -> tuple[dict[date, int], dict[date, str]]:
    dates = [start + timedelta(days=i) for i in range(days)]
    current: int | None = None

    def now_census() -> int:
        nonlocal current
        if current is None:
            current = current_census(unit, now)
        return current

    def checked(value: Any) -> int:
        try:
            n = int(value)
        except (TypeError, ValueError):
            raise errors.ValidationFailed.field("expected_census", _("give a whole number of patients")) from None
        if n < 0 or n > MAX_CENSUS:
            raise errors.ValidationFailed.field(
                "expected_census", _("between 0 and %(max)s patients") % {"max": MAX_CENSUS}
            )
        return n

    census: dict[date, int] = {}
    origin: dict[date, str] = {}
    if isinstance(expected, Mapping):
        typed: dict[date, int] = {}
        for key, value in expected.items():
            try:
                day = key if isinstance(key, date) else date.fromisoformat(str(key))
            except ValueError:
                raise errors.ValidationFailed.field("expected_census", _("%(k)s is not a date") % {"k": key}) from None
            typed[day] = checked(value)
        for day in dates:
            if day in typed:
                census[day], origin[day] = typed[day], "typed"
            else:
                census[day], origin[day] = now_census(), "current"
    elif expected is None:
        for day in dates:
            census[day], origin[day] = now_census(), "current"
    else:
        n = checked(expected)
        for day in dates:
            census[day], origin[day] = n, "typed"
    return census, origin


@dataclass
class DeriveResult:
    unit: Unit
    start: date
    days: int
    created: int
    updated: int
    removed: int
    kept_manual: int
    census: dict[date, int]
    ratio: str


def _skill_needs(rules: Iterable[SkillMixRule], pattern: ShiftPattern) -> dict[str, SkillMixRule]:
    """The skill-mix rules that apply to a shift, one per skill (the largest count)."""
    out: dict[str, SkillMixRule] = {}
    for rule in rules:
        if rule.pattern_id is not None and rule.pattern_id != pattern.pk:
            continue
        if rule.skill not in out or rule.count > out[rule.skill].count:
            out[rule.skill] = rule
    return out


@transaction.atomic
def derive_needs(
    actor: Any,
    unit_id: int,
    start: date,
    days: int,
    expected_census: int | Mapping[Any, int] | None = None,
    *,
    high_acuity: bool = False,
    overwrite_manual: bool = False,
    now: datetime | None = None,
) -> DeriveResult:
    """Needs of every shift of `days` days from `start`, from the expected census
    (a number, a number per day, or the current census) and the unit's ratio;
    plus one need per skill-mix rule. See the module text for the arithmetic."""
    moment = now or clock.now()
    unit = managed_unit(actor, unit_id)
    if days < 1 or days > MAX_DAYS:
        raise errors.ValidationFailed.field("days", _("between 1 and %(max)s days") % {"max": MAX_DAYS})
    patterns = list(ShiftPattern.objects.filter(unit=unit, is_active=True).order_by("start_time"))
    if not patterns:
        raise errors.ValidationFailed.field("unit_id", _("this unit has no shift types yet"))
    unit_ratios = {night: ratios.unit_ratio(unit, is_night=night) for night in {p.is_night for p in patterns}}
    if all(r.rule is None and r.own_cap is None for r in unit_ratios.values()):
        raise errors.ValidationFailed.field(
            "unit_id",
            _(
                "%(unit)s has no nurse-to-patient ratio (no rule for its unit type in its rule pack, no own cap): "
                "set its needs by hand, or give the unit its own cap"
            )
            % {"unit": unit.name},
        )
    census, origin = _census_by_day(unit, start, days, expected_census, moment)
    rules = list(SkillMixRule.objects.filter(unit=unit, is_active=True).order_by("pk"))

    wanted: dict[tuple[date, int, str], tuple[int, int | None, dict[str, Any]]] = {}
    for day, patients in census.items():
        for pattern in patterns:
            ratio = unit_ratios[pattern.is_night]
            if ratio.rule is None and ratio.own_cap is None:
                continue  # e.g. a CCU night rule missing: that shift stays by hand
            n, basis = nurses_for(patients, ratio)
            basis.update(census_from=origin[day], high_acuity=high_acuity, shift=pattern.code)
            wanted[(day, pattern.pk, "")] = (n, n + 1 if high_acuity else None, basis)
            for skill, rule in _skill_needs(rules, pattern).items():
                wanted[(day, pattern.pk, skill)] = (
                    rule.count,
                    None,
                    {
                        "kind": "skill_mix",
                        "skill_mix_rule_id": rule.pk,
                        "skill": skill,
                        "count": rule.count,
                        "every_shift": rule.pattern_id is None,
                    },
                )

    end = start + timedelta(days=days)
    existing = {
        (n.date, n.pattern_id, n.skill): n
        for n in StaffingNeed.objects.select_for_update().filter(unit=unit, date__gte=start, date__lt=end)
    }
    new: list[StaffingNeed] = []
    changed: list[StaffingNeed] = []
    kept = 0
    for key, (minimum, preferred, basis) in wanted.items():
        found = existing.get(key)
        if found is None:
            new.append(
                StaffingNeed(
                    unit=unit,
                    date=key[0],
                    pattern_id=key[1],
                    skill=key[2],
                    minimum=minimum,
                    preferred=preferred,
                    source=NeedSource.DERIVED,
                    basis=basis,
                )
            )
            continue
        if found.source == NeedSource.MANUAL and not overwrite_manual:
            kept += 1
            continue
        if (found.minimum, found.preferred, found.source, found.basis) != (
            minimum,
            preferred,
            NeedSource.DERIVED,
            basis,
        ):
            found.minimum, found.preferred, found.source, found.basis = minimum, preferred, NeedSource.DERIVED, basis
            found.version += 1
            found.updated_at = moment
            changed.append(found)
    stale = [n.pk for key, n in existing.items() if key not in wanted and n.source == NeedSource.DERIVED]
    StaffingNeed.objects.filter(pk__in=stale).delete()
    StaffingNeed.objects.bulk_create(new)
    StaffingNeed.objects.bulk_update(changed, ["minimum", "preferred", "source", "basis", "version", "updated_at"])
    label = "; ".join(sorted({r.label for r in unit_ratios.values()}))
    audit.record(
        actor=actor,
        action="scheduling.derive_needs",
        obj=unit,
        after={
            "start": start.isoformat(),
            "days": days,
            "census": {d.isoformat(): c for d, c in census.items()},
            "ratio": label,
            "high_acuity": high_acuity,
            "created": len(new),
            "updated": len(changed),
            "removed": len(stale),
            "kept_manual": kept,
        },
        at=moment,
    )
    return DeriveResult(
        unit=unit,
        start=start,
        days=days,
        created=len(new),
        updated=len(changed),
        removed=len(stale),
        kept_manual=kept,
        census=census,
        ratio=label,
    )


# --- skill mix ------------------------------------------------------------------------------


@transaction.atomic
def create_skill_mix(actor: Any, data: schemas.SkillMixCreate, *, now: datetime | None = None) -> SkillMixRule:
    unit = managed_unit(actor, data.unit_id)
    pattern = _pattern(unit, data.pattern_id) if data.pattern_id is not None else None
    skill = normalise_skill(data.skill, allow_empty=False)
    dup = SkillMixRule.objects.filter(unit=unit, skill=skill, pattern=pattern, is_active=True).exists()
    if dup:
        raise errors.ValidationFailed.field("skill", _("an active rule for this skill and shift already exists"))
    rule = SkillMixRule(unit=unit, pattern=pattern, skill=skill, count=data.count)
    return writes.save_new(rule, actor=actor, action="scheduling.create_skill_mix")


@transaction.atomic
def update_skill_mix(
    actor: Any, rule_id: int, data: schemas.SkillMixUpdate, *, now: datetime | None = None
) -> SkillMixRule:
    rule = scoping.get_scoped(
        SkillMixRule.objects.select_for_update().select_related("unit"), actor, "scheduling.view", pk=rule_id
    )
    scoping.require(actor, "scheduling.manage", site_id=rule.unit.site_id, unit_id=rule.unit_id)
    changes: dict[str, Any] = {}
    if data.every_shift:
        changes["pattern"] = None
    elif data.pattern_id is not None:
        changes["pattern"] = _pattern(rule.unit, data.pattern_id)
    if data.skill is not None:
        changes["skill"] = normalise_skill(data.skill, allow_empty=False)
    if data.count is not None:
        changes["count"] = data.count
    if data.is_active is not None:
        changes["is_active"] = data.is_active
    return writes.save_changes(
        rule, changes, actor=actor, action="scheduling.update_skill_mix", expected_version=data.version
    )


# --- shift types: the skills they require ----------------------------------------------------


@transaction.atomic
def set_shift_skills(
    actor: Any, pattern_id: int, skills: Iterable[str], *, expected_version: int | None, now: datetime | None = None
) -> ShiftPattern:
    """What everyone on this shift type must have (e.g. "rn"). The assignment
    app's pattern service does not edit it; scheduling.manage on the unit may."""
    pattern = scoping.get_scoped(
        ShiftPattern.objects.select_for_update().select_related("unit"), actor, "scheduling.view", pk=pattern_id
    )
    scoping.require(actor, "scheduling.manage", site_id=pattern.unit.site_id, unit_id=pattern.unit_id)
    cleaned = sorted({normalise_skill(s, "skills") for s in skills if (s or "").strip()})
    if len(cleaned) > 10:
        raise errors.ValidationFailed.field("skills", _("at most 10 skills"))
    return writes.save_changes(
        pattern,
        {"required_skills": cleaned},
        actor=actor,
        action="scheduling.set_shift_skills",
        expected_version=expected_version,
    )

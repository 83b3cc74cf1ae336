"""Reads of therapy, always through the access scope of core: plans, sessions,
minutes delivered against prescribed per patient and ISO week (in the site's
zone, Monday first), the shortfall list and a therapist's day.

The week figures take a fixed number of queries however many patients: the
stays, their plans and the week's sessions are read once each and summed here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from caredesk.census.models import Stay
from caredesk.core import audit, clock, scoping
from caredesk.org.models import Unit
from caredesk.therapy import status as st
from caredesk.therapy.models import (
    IntensityRule,
    PlanStatus,
    SessionStatus,
    TherapyPlan,
    TherapySession,
)
from caredesk.workforce.models import StaffMember

THERAPY_DISCIPLINES = ("pt", "ot", "slp")


def visible_site_ids(user: Any, permission: str = "therapy.view") -> set[int] | None:
    """Sites where the user holds the permission on the site or a unit of it (None: all)."""
    r = scoping.reach(user, permission)
    if r.everywhere:
        return None
    ids = set(r.site_ids)
    if r.unit_ids:
        ids |= set(Unit.objects.filter(pk__in=r.unit_ids).values_list("site_id", flat=True))
    return ids


def intensity_rules(user: Any, *, site_id: int | None = None, active_only: bool = True) -> QuerySet[IntensityRule]:
    """Shared rules, and the own rules of the sites the user can see."""
    qs = IntensityRule.objects.all()
    if active_only:
        qs = qs.filter(is_active=True)
    sites = visible_site_ids(user)
    if sites is not None:
        if not sites and not scoping.has_anywhere(user, "therapy.view"):
            return qs.none()
        qs = qs.filter(Q(site__isnull=True) | Q(site_id__in=sites))
    if site_id is not None:
        qs = qs.filter(Q(site__isnull=True) | Q(site_id=site_id))
    return qs.order_by("name")


def plans(
    user: Any, *, stay_id: int | None = None, unit_id: int | None = None, status: str | None = None
) -> QuerySet[TherapyPlan]:
    qs = scoping.scoped(
        TherapyPlan.objects.select_related("stay__patient", "stay__unit", "therapist__user", "intensity_rule"),
        user,
        "therapy.view",
    )
    if stay_id is not None:
        qs = qs.filter(stay_id=stay_id)
    if unit_id is not None:
        qs = qs.filter(stay__unit_id=unit_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("stay__patient__family_name", "stay_id", "discipline", "-starts_on")


def sessions(
    user: Any,
    *,
    plan_id: int | None = None,
    stay_id: int | None = None,
    unit_id: int | None = None,
    therapist_id: int | None = None,
    status: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> QuerySet[TherapySession]:
    qs = scoping.scoped(
        TherapySession.objects.select_related(
            "plan__stay__patient", "plan__stay__unit__site", "plan__stay__bed", "therapist__user"
        ),
        user,
        "therapy.view",
    )
    if plan_id is not None:
        qs = qs.filter(plan_id=plan_id)
    if stay_id is not None:
        qs = qs.filter(plan__stay_id=stay_id)
    if unit_id is not None:
        qs = qs.filter(plan__stay__unit_id=unit_id)
    if therapist_id is not None:
        qs = qs.filter(therapist_id=therapist_id)
    if status:
        qs = qs.filter(status=status)
    if start is not None:
        qs = qs.filter(scheduled_start__gte=start)
    if end is not None:
        qs = qs.filter(scheduled_start__lt=end)
    return qs.order_by("scheduled_start", "pk")


def session_state(session: TherapySession, now: datetime | None = None) -> str:
    return st.session_state(session.status, session.scheduled_start, session.planned_minutes, now or clock.now())


# --- minutes per week -----------------------------------------------------------------


@dataclass
class DisciplineRow:
    discipline: str
    plan_id: int
    plan: TherapyPlan
    prescribed: int = 0
    delivered: int = 0
    remaining: int = 0
    missed: int = 0

    @property
    def gap(self) -> int:
        return max(0, self.prescribed - self.delivered - self.remaining)

    @property
    def delivered_gap(self) -> int:
        return max(0, self.prescribed - self.delivered)


@dataclass
class DayRow:
    day: date
    delivered: int = 0
    planned: int = 0
    remaining: int = 0
    missed: int = 0

    @property
    def is_short(self) -> bool:
        return self.delivered + self.remaining < self.planned


@dataclass
class StayWeek:
    stay: Stay
    week: st.Week
    disciplines: list[DisciplineRow] = field(default_factory=list)
    days: list[DayRow] = field(default_factory=list)
    rule: IntensityRule | None = None
    intensity_projected: st.IntensityResult | None = None
    intensity_so_far: st.IntensityResult | None = None

    @property
    def prescribed(self) -> int:
        return sum(d.prescribed for d in self.disciplines)

    @property
    def delivered(self) -> int:
        return sum(d.delivered for d in self.disciplines)

    @property
    def remaining(self) -> int:
        return sum(d.remaining for d in self.disciplines)

    @property
    def gap(self) -> int:
        return sum(d.gap for d in self.disciplines)

    @property
    def intensity_gap(self) -> int:
        return self.intensity_projected.gap_minutes if self.intensity_projected else 0

    @property
    def shortfall(self) -> bool:
        return self.gap > 0 or bool(self.intensity_projected and not self.intensity_projected.met)

    @property
    def bed_label(self) -> str:
        bed = self.stay.bed
        return f"{bed.room.name}{bed.label}" if bed is not None else ""

    def as_dict(self) -> dict[str, Any]:
        intensity = None
        if self.rule is not None and self.intensity_projected and self.intensity_so_far:
            intensity = {
                "rule_id": self.rule.pk,
                "rule": self.rule.name,
                "met": self.intensity_projected.met,
                "met_so_far": self.intensity_so_far.met,
                "days_meeting": self.intensity_so_far.days_meeting,
                "gap_minutes": self.intensity_projected.gap_minutes,
            }
        return {
            "stay_id": self.stay.pk,
            "patient": str(self.stay.patient),
            "unit_id": self.stay.unit_id,
            "bed": self.bed_label,
            "week": self.week.label,
            "monday": self.week.monday,
            "prescribed": self.prescribed,
            "delivered": self.delivered,
            "remaining": self.remaining,
            "gap": self.gap,
            "disciplines": [
                {
                    "discipline": d.discipline,
                    "plan_id": d.plan_id,
                    "prescribed": d.prescribed,
                    "delivered": d.delivered,
                    "remaining": d.remaining,
                    "missed": d.missed,
                    "gap": d.gap,
                }
                for d in self.disciplines
            ],
            "days": [{"day": d.day, "delivered": d.delivered, "planned": d.planned} for d in self.days],
            "intensity": intensity,
            "shortfall": self.shortfall,
        }


def _plan_end(plan: TherapyPlan, stay: Stay, zone: str) -> date | None:
    """The last day a plan counts: its end, or the day the patient left."""
    end = plan.ends_on
    if stay.discharged_at is not None:
        left = clock.to_zone(stay.discharged_at, zone).date()
        end = min(end, left) if end else left
    return end


def week_minutes(stays: Iterable[Stay], week: st.Week, now: datetime | None = None) -> list[StayWeek]:
    """Minutes delivered against prescribed for each stay in one week, per
    discipline and per day, with the intensity rule (two queries)."""
    moment = now or clock.now()
    stays = list(stays)
    by_stay = {s.pk: StayWeek(stay=s, week=week, days=[DayRow(d) for d in week.days]) for s in stays}
    if not stays:
        return []
    plan_rows = list(
        TherapyPlan.objects.filter(stay_id__in=by_stay, starts_on__lte=week.sunday)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=week.monday))
        .select_related("intensity_rule")
        .order_by("stay_id", "discipline", "starts_on", "pk")
    )
    rows: dict[int, DisciplineRow] = {}
    for plan in plan_rows:
        sw = by_stay[plan.stay_id]
        prescribed = st.prescribed_minutes(
            minutes_per_week=plan.minutes_per_week,
            minutes_per_day=plan.minutes_per_day,
            days_per_week=plan.days_per_week,
            starts_on=plan.starts_on,
            ends_on=_plan_end(plan, sw.stay, week.zone),
            week=week,
        )
        row = DisciplineRow(discipline=plan.discipline, plan_id=plan.pk, plan=plan, prescribed=prescribed)
        rows[plan.pk] = row
        sw.disciplines.append(row)
        if sw.rule is None and plan.intensity_rule is not None and plan.status == PlanStatus.ACTIVE:
            sw.rule = plan.intensity_rule
    session_rows = TherapySession.objects.filter(
        plan_id__in=rows, scheduled_start__gte=week.start, scheduled_start__lt=week.end
    ).values_list("plan_id", "plan__stay_id", "status", "scheduled_start", "planned_minutes", "delivered_minutes")
    for plan_id, stay_id, status, start, planned, delivered in session_rows:
        row = rows[plan_id]
        day = by_stay[stay_id].days[(week.local_day(start) - week.monday).days]
        if status == SessionStatus.CANCELLED:
            continue
        day.planned += planned
        if status == SessionStatus.DONE:
            row.delivered += delivered or 0
            day.delivered += delivered or 0
        elif status == SessionStatus.MISSED:
            row.missed += 1
            day.missed += planned
        elif st.still_possible(status, start, planned, moment):
            row.remaining += planned
            day.remaining += planned
    for sw in by_stay.values():
        rule = sw.rule
        if rule is None:
            continue
        kwargs = {
            "minutes_per_day": rule.minutes_per_day,
            "days_per_week": rule.days_per_week,
            "minutes_per_week": rule.minutes_per_week,
        }
        sw.intensity_so_far = st.intensity([d.delivered for d in sw.days], **kwargs)
        sw.intensity_projected = st.intensity([d.delivered + d.remaining for d in sw.days], **kwargs)
    return [by_stay[s.pk] for s in stays if by_stay[s.pk].disciplines]


def stays_in_week(unit: Unit, week: st.Week) -> QuerySet[Stay]:
    """Stays on the unit at some time during the week."""
    return (
        Stay.objects.filter(unit=unit, admitted_at__lt=week.end)
        .filter(Q(discharged_at__isnull=True) | Q(discharged_at__gte=week.start))
        .select_related("patient", "bed__room", "unit")
        .order_by("bed__room__name", "bed__label", "patient__family_name")
    )


def log_stay_view(user: Any, stay: Stay) -> None:
    """One audited view of a patient's therapy record."""
    if getattr(stay, "contains_patient_information", False):
        audit.log_patient_view(user, stay)
    else:
        with transaction.atomic():
            audit.record_view(actor=user, obj=stay)


def unit_for(user: Any, unit_id: int) -> Unit:
    return scoping.get_scoped(Unit.objects.select_related("site"), user, "therapy.view", pk=unit_id)


def stay_for(user: Any, stay_id: int) -> Stay:
    return scoping.get_scoped(
        Stay.objects.select_related("patient", "unit__site", "bed__room"), user, "therapy.view", pk=stay_id
    )


def parse_week(unit_or_zone: Unit | str, day: date | None, now: datetime | None = None) -> st.Week:
    zone = unit_or_zone if isinstance(unit_or_zone, str) else unit_or_zone.site.time_zone
    if day is None:
        return st.week_at(now or clock.now(), zone)
    return st.week_of(day, zone)


def unit_week(user: Any, unit: Unit, week: st.Week, now: datetime | None = None) -> list[StayWeek]:
    """Every patient of the unit with a plan in the week. `unit` must come from unit_for()."""
    scoping.require(user, "therapy.view", site_id=unit.site_id, unit_id=unit.pk)
    return week_minutes(stays_in_week(unit, week), week, now)


def shortfall(user: Any, unit: Unit, week: st.Week, now: datetime | None = None) -> list[StayWeek]:
    """Patients whose delivered plus still-scheduled minutes fall short of
    their prescription, or who will not meet their intensity rule; largest gap first."""
    rows = [r for r in unit_week(user, unit, week, now) if r.shortfall]
    return sorted(rows, key=lambda r: (-(r.gap + r.intensity_gap), str(r.stay.patient)))


def stay_weeks(stay: Stay, weeks: list[st.Week], now: datetime | None = None) -> list[StayWeek]:
    """The weekly totals of one stay for several weeks (newest first)."""
    out = []
    for week in weeks:
        out += week_minutes([stay], week, now)
    return out


def weeks_of_stay(stay: Stay, now: datetime | None = None, limit: int = 6) -> list[st.Week]:
    zone = stay.unit.site.time_zone
    moment = now or clock.now()
    current = st.week_at(moment, zone)
    first = st.week_at(stay.admitted_at, zone)
    weeks: list[st.Week] = []
    week = current
    while week.monday >= first.monday and len(weeks) < limit:
        weeks.append(week)
        week = week.previous
    return weeks


# --- a therapist's day ----------------------------------------------------------------


def own_staff(user: Any) -> StaffMember | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return StaffMember.objects.filter(user_id=user.pk).select_related("site", "home_unit").first()


def therapist_day(user: Any, staff: StaffMember, day: date) -> QuerySet[TherapySession]:
    """The sessions of one therapist on one local day of their site."""
    start, end = st.day_bounds(day, staff.site.time_zone)
    return sessions(user, therapist_id=staff.pk, start=start, end=end).exclude(status=SessionStatus.CANCELLED)


def therapists(site_id: int, discipline: str | None = None) -> QuerySet[StaffMember]:
    """Therapy staff of a site (PT, OT, SLP), their own unit first."""
    qs = StaffMember.objects.filter(site_id=site_id, discipline__in=THERAPY_DISCIPLINES, status="active")
    if discipline:
        qs = qs.filter(discipline=discipline)
    return qs.select_related("user", "home_unit").order_by("user__last_name", "user__first_name")

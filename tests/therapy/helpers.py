"""Builders for therapy tests (and for other apps' tests): a stay, a therapist,
the intensity rule, plans and sessions."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

from caredesk.census.models import Patient, Stay
from caredesk.core import clock
from caredesk.therapy import status as st
from caredesk.therapy.models import IntensityRule, SessionStatus, TherapyPlan, TherapySession
from caredesk.workforce.models import StaffMember, WorkRules

_numbers = count(1)


def make_stay(
    unit: Any,
    *,
    family: str = "Okafor",
    given: str = "Ada",
    admitted: datetime | None = None,
    bed: Any = None,
    mrn: str | None = None,
) -> Stay:
    number = mrn or f"TH{next(_numbers):05d}"
    patient = Patient.objects.create(
        site=unit.site,
        mrn=number,
        wristband_id=number,
        family_name=family,
        given_name=given,
        birth_date=date(1948, 3, 2),
    )
    return Stay.objects.create(
        patient=patient, unit=unit, bed=bed, admitted_at=admitted or clock.now() - timedelta(days=20)
    )


def rules() -> WorkRules:
    found, _ = WorkRules.objects.get_or_create(
        code="test-rules", defaults={"name": "Test rules", "source": "test", "min_rest_minutes": 600}
    )
    return found


def make_therapist(user: Any, site: Any, unit: Any, discipline: str = "pt", number: str | None = None) -> StaffMember:
    return StaffMember.objects.create(
        user=user,
        site=site,
        home_unit=unit,
        employee_number=number or f"T-{user.pk}",
        discipline=discipline,
        job_title="Therapist",
        fte=Decimal("1.00"),
        contracted_minutes_per_week=2400,
        work_rules=rules(),
        hourly_rate=Decimal("45.00"),
        hire_date=date(2019, 1, 7),
    )


def irf_rule() -> IntensityRule:
    found, _ = IntensityRule.objects.get_or_create(
        code="cms-irf-3h",
        defaults={
            "name": "IRF 3 hours a day, 5 days a week",
            "citation": "42 CFR 412.622(a)(3)(ii)",
            "minutes_per_day": 180,
            "days_per_week": 5,
        },
    )
    return found


def make_plan(
    stay: Stay,
    *,
    discipline: str = "pt",
    minutes_per_day: int | None = 90,
    days_per_week: int | None = 5,
    minutes_per_week: int | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    rule: IntensityRule | None = None,
    therapist: StaffMember | None = None,
) -> TherapyPlan:
    return TherapyPlan.objects.create(
        stay=stay,
        discipline=discipline,
        minutes_per_day=minutes_per_day,
        days_per_week=days_per_week,
        minutes_per_week=minutes_per_week,
        starts_on=starts_on or date(2020, 1, 1),
        ends_on=ends_on,
        intensity_rule=rule,
        therapist=therapist,
    )


def make_session(
    plan: TherapyPlan,
    start: datetime,
    *,
    minutes: int = 60,
    status: str = SessionStatus.SCHEDULED,
    delivered: int | None = None,
    reason: str = "",
) -> TherapySession:
    return TherapySession.objects.create(
        plan=plan,
        therapist=plan.therapist,
        scheduled_start=start,
        planned_minutes=minutes,
        status=status,
        delivered_minutes=delivered if status == SessionStatus.DONE else None,
        missed_reason=reason,
        next_check_at=st.overdue_at(start, minutes) if status == SessionStatus.SCHEDULED else None,
    )

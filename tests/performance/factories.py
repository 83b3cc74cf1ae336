"""Small builders for performance tests (staff records, a template, a review)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from caredesk.performance.models import Competency, EvaluationCycle, EvaluationTemplate, Rating, Review
from caredesk.workforce.models import StaffMember, WorkRules

RULES_CODE = "perf-test-rules"


def rules() -> WorkRules:
    obj, _ = WorkRules.objects.get_or_create(code=RULES_CODE, defaults={"name": "Perf test rules", "source": "test"})
    return obj


def staff(user: Any, site: Any, unit: Any, *, number: str, hired: date = date(2020, 3, 1), **extra: Any) -> StaffMember:
    existing = StaffMember.objects.filter(user=user).first()
    if existing is not None:
        return existing
    return StaffMember.objects.create(
        user=user,
        site=site,
        home_unit=unit,
        employee_number=number,
        discipline=extra.pop("discipline", "rn"),
        job_title=extra.pop("job_title", "Staff Nurse"),
        fte=Decimal("1.00"),
        contracted_minutes_per_week=2400,
        work_rules=rules(),
        hourly_rate=Decimal("48.00"),
        hire_date=hired,
        **extra,
    )


def template(site: Any, *, name: str = "Alpha General Hospital nursing review") -> EvaluationTemplate:
    t = EvaluationTemplate.objects.create(
        site=site, name=name, scale_labels=["Does not meet", "Partially meets", "Meets", "Often exceeds", "Exceeds"]
    )
    Competency.objects.create(template=t, position=0, name="Clinical practice", weight=Decimal("3"))
    Competency.objects.create(template=t, position=1, name="Communication", weight=Decimal("1"))
    return t


def cycle(t: EvaluationTemplate, *, name: str, due: date = date(2026, 12, 15), **extra: Any) -> EvaluationCycle:
    return EvaluationCycle.objects.create(
        site=t.site,
        template=t,
        name=name,
        kind=extra.pop("kind", "annual"),
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        due_on=due,
        **extra,
    )


def complete_draft(c: EvaluationCycle, person: StaffMember, reviewer: Any) -> Review:
    review = Review.objects.create(cycle=c, staff=person, reviewer=reviewer, comments="Solid year at Alpha ICU.")
    for comp, value in zip(c.template.competencies.all(), (4, 2), strict=True):
        Rating.objects.create(review=review, competency=comp, rating=value)
    return review

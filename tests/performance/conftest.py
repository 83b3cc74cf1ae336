from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from caredesk.performance import schemas, services
from tests.conftest import make_user
from tests.performance import factories


@dataclass
class Perf:
    template: Any
    cycle: Any
    nurse: Any  # nurse_a's staff record (ICU of site A)
    coordinator: Any  # coordinator_a's staff record (ICU of site A)
    other_nurse_user: Any  # another clinician of the ICU of site A
    other_nurse: Any
    review: Any  # nurse_a's review, reviewer coordinator_a
    coordinator_review: Any  # coordinator_a's review, reviewer: leadership


@pytest.fixture
def perf(world: Any) -> Perf:
    w = world
    nurse = factories.staff(w.nurse_a, w.site_a, w.icu_a, number="A-1")
    coordinator = factories.staff(w.coordinator_a, w.site_a, w.icu_a, number="A-2", job_title="Charge Nurse")
    other_user = make_user("nurse2_a", role="clinician", site=w.site_a, unit=w.icu_a, discipline="rn")
    other = factories.staff(other_user, w.site_a, w.icu_a, number="A-3")
    template = factories.template(w.site_a)
    cycle = services.start_cycle(
        w.hr_a,
        schemas.CycleStart(
            site_id=w.site_a.pk,
            template_id=template.pk,
            name="Alpha annual review 2026",
            kind="annual",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
            due_on=date(2026, 12, 15),
        ),
    )
    return Perf(
        template=template,
        cycle=cycle,
        nurse=nurse,
        coordinator=coordinator,
        other_nurse_user=other_user,
        other_nurse=other,
        review=cycle.reviews.get(staff=nurse),
        coordinator_review=cycle.reviews.get(staff=coordinator),
    )


def rate_all(review: Any, actor: Any, values: tuple[int, ...] = (4, 2), comments: str = "Good year.") -> Any:
    comps = list(review.cycle.template.competencies.all())
    review.refresh_from_db()
    return services.update_review(
        actor,
        review.pk,
        schemas.ReviewUpdate(
            version=review.version,
            comments=comments,
            ratings=[schemas.RatingIn(competency_id=c.pk, rating=v) for c, v in zip(comps, values, strict=True)],
            goals=[schemas.GoalIn(description="Precept a new graduate", target_date=date(2027, 6, 30))],
        ),
    )

"""Site-A records for the cross-site walk (tests/test_cross_site.py)."""

from __future__ import annotations

from typing import Any

from caredesk.performance.models import EvaluationCycle, EvaluationTemplate, Goal, Rating, Review
from tests.conftest import make_user
from tests.performance import factories


def targets(world: Any) -> dict[str, Any]:
    # A person of our own, so that no other app's walk collides on the one staff record per log-in.
    user = make_user("alpha_perf_nurse", role="clinician", site=world.site_a, unit=world.icu_a, discipline="rn")
    person = factories.staff(user, world.site_a, world.icu_a, number="PERF-WALK-1")
    template = factories.template(world.site_a)
    annual = factories.cycle(template, name="Alpha General Hospital annual review 2026")
    review = factories.complete_draft(annual, person, world.coordinator_a)  # every action but submit is refused
    closable = factories.cycle(template, name="Alpha General Hospital ad hoc review", kind="ad_hoc")
    return {
        "template_id": template.pk,
        "cycle_id": closable.pk,
        "review_id": review.pk,
        "staff_id": person.pk,
        "reviewer_id": world.coordinator_a.pk,
        # Body fields of POST /performance/cycles, so the control call is a valid one.
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "due_on": "2026-12-31",
    }


def state(world: Any) -> list[Any]:
    site = world.site_a
    return [
        list(EvaluationTemplate.objects.filter(site=site).values()),
        list(EvaluationCycle.objects.filter(site=site).values()),
        list(Review.objects.filter(cycle__site=site).values()),
        list(Rating.objects.filter(review__cycle__site=site).values()),
        list(Goal.objects.filter(review__cycle__site=site).values()),
    ]

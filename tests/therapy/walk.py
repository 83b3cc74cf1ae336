"""Site-A therapy records for the cross-site walk (tests/test_cross_site.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from caredesk.core import clock
from caredesk.therapy.models import IntensityRule, TherapyPlan, TherapySession
from tests.therapy.helpers import irf_rule, make_plan, make_session, make_stay


def targets(world: Any) -> dict[str, Any]:
    now = clock.now()
    stay = make_stay(world.icu_a, family="Alphawalk", mrn="ALPHA-TH-1")
    # An OT plan: the walk's POST /plans creates the PT one.
    plan = make_plan(stay, discipline="ot", rule=irf_rule(), starts_on=(now - timedelta(days=10)).date())
    past = make_session(plan, now - timedelta(hours=3), minutes=60)
    return {
        "stay_id": stay.pk,
        "plan_id": plan.pk,
        # Training's walk has a session_id of its own: these are therapy's only.
        "/api/v1/therapy/:session_id": past.pk,
        "/therapy/:session_id": past.pk,
        # Valid values for bodies the walk cannot invent.
        "starts_on": (now - timedelta(days=1)).date().isoformat(),
        "minutes_per_week": 900,
        "scheduled_start": (now + timedelta(days=1)).isoformat(),
    }


def state(world: Any) -> list[Any]:
    site = world.site_a
    return [
        list(TherapyPlan.objects.filter(stay__unit__site=site).values()),
        list(TherapySession.objects.filter(plan__stay__unit__site=site).values()),
        list(IntensityRule.objects.filter(site=site).values()),
    ]

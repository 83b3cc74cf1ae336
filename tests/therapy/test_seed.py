"""The therapy demo data: plans at the 3-hour rule for the REHAB patients,
sessions mostly done, some missed with reasons, one clear shortfall."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from caredesk.core import clock
from caredesk.core.seeding import SeedContext, SeedReport
from caredesk.org.models import Unit
from caredesk.therapy import queries, seed
from caredesk.therapy.models import IntensityRule, SessionStatus, TherapyPlan, TherapySession
from tests.conftest import make_user
from tests.therapy.helpers import make_stay, make_therapist

pytestmark = pytest.mark.django_db


def ctx_for(site) -> SeedContext:
    ctx = SeedContext(scale=1, seed=1, rng=random.Random(1), report=SeedReport())
    ctx.shared["new_pairs"] = [(0, site, None)]
    return ctx


def test_seed_rehab_patients(world):
    rehab = Unit.objects.create(site=world.site_a, name="Alpha Rehab", code="REHAB", kind="rehabilitation")
    for n in range(4):
        make_stay(rehab, family=f"Rehab{n}", admitted=clock.now() - timedelta(days=12))
    for n, discipline in enumerate(["pt", "ot", "slp"]):
        user = make_user(f"{discipline}_rehab", role="clinician", site=world.site_a, unit=rehab, discipline=discipline)
        make_therapist(user, world.site_a, rehab, discipline, number=f"R{n}")
    ctx = ctx_for(world.site_a)
    seed.run(ctx)
    rule = IntensityRule.objects.get(code="cms-irf-3h")
    assert rule.minutes_per_day == 180 and rule.days_per_week == 5 and "412.622" in rule.citation
    assert IntensityRule.objects.filter(code="cms-irf-15h-7d", minutes_per_week=900).exists()
    plans = TherapyPlan.objects.filter(stay__unit=rehab)
    assert {p.discipline for p in plans} == {"pt", "ot", "slp"}
    assert all(p.intensity_rule == rule and p.therapist is not None for p in plans)
    by_stay: dict[int, int] = {}
    for p in plans:
        by_stay[p.stay_id] = by_stay.get(p.stay_id, 0) + (p.minutes_per_day or 0)
    assert set(by_stay.values()) == {180}
    sessions = TherapySession.objects.filter(plan__stay__unit=rehab)
    done = sessions.filter(status=SessionStatus.DONE).count()
    missed = sessions.filter(status=SessionStatus.MISSED)
    assert done > missed.count() > 0
    assert all(m.missed_reason for m in missed)
    assert ctx.report.created["therapy plans"] == plans.count()
    week = queries.parse_week(rehab, None)
    rows = queries.shortfall(world.director_a, rehab, week)
    assert rows and rows[0].stay.patient.family_name == "Rehab0"
    # Idempotent: a second run adds nothing.
    seed.run(ctx_for(world.site_a))
    assert TherapyPlan.objects.filter(stay__unit=rehab).count() == plans.count()
    assert IntensityRule.objects.count() == 2


def test_seed_without_therapists_leaves_the_therapist_empty(world):
    rehab = Unit.objects.create(site=world.site_a, name="Alpha Rehab", code="REHAB", kind="rehabilitation")
    make_stay(rehab, family="Lonely")
    seed.run(ctx_for(world.site_a))
    assert TherapyPlan.objects.filter(therapist__isnull=True).count() == 2

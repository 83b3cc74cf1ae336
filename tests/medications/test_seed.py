"""Demo data: orders and seven days of doses with a realistic mix."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

import pytest

from caredesk.core import clock
from caredesk.core.seeding import SeedContext, SeedReport
from caredesk.medications import queries, seed
from caredesk.medications.models import Administration, MedicationOrder, ScheduledDose, TimeCriticalDrug
from caredesk.org.models import Unit
from tests.medications.helpers import make_stay

pytestmark = pytest.mark.django_db


def test_seed_gives_a_realistic_week(world):
    icu = Unit.objects.create(site=world.site_a, name="Intensive Care", code="ICU", kind="icu")
    now = clock.now()
    for i in range(8):
        make_stay(world.site_a, icu, family_name=f"Seed{i}", admitted_at=now - timedelta(days=10))
    ctx = SeedContext(scale=1, seed=1, rng=random.Random(1), report=SeedReport())
    ctx.shared["new_pairs"] = [(0, world.site_a, None)]
    seed.run(ctx)
    assert TimeCriticalDrug.objects.filter(site=world.site_a).count() == len(seed.timing.ISMP_TIME_CRITICAL)
    assert MedicationOrder.objects.filter(stay__unit=icu).count() >= 16
    outcomes = Counter(ScheduledDose.objects.filter(window_closes_at__lt=now).values_list("outcome", flat=True))
    total = sum(outcomes.values())
    assert outcomes["given_on_time"] / total > 0.7
    assert outcomes["given_late"] and outcomes["held"] + outcomes["refused"] and outcomes[""]
    assert ScheduledDose.objects.filter(scheduled_at__gt=now, outcome="").exists()
    assert Administration.objects.filter(dose__isnull=True).exists()  # PRN doses
    # The seeded outcome cache agrees with the status computed from the administrations.
    views = queries.doses_with_status(list(queries.dose_queryset().filter(outcome__gt="")[:200]), now)
    assert all(str(v.status) == v.dose.outcome for v in views)
    total_late, _ = queries.late_doses(world.director_a, since=now - timedelta(days=7), until=now, now=now)
    assert total_late > 0

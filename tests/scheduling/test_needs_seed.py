"""The demo seed of needs and requests, on a small hospital."""

from __future__ import annotations

import random

import pytest

from caredesk.core.seeding import SeedContext, SeedReport
from caredesk.org.models import Unit
from caredesk.scheduling.models import SkillMixRule, StaffingNeed, StaffRequest
from caredesk.scheduling.seeding import needs_requests
from tests.conftest import make_user
from tests.scheduling.helpers_needs import CALIFORNIA, make_nurse, pack, patterns

pytestmark = pytest.mark.django_db


def test_seed_derives_needs_and_makes_requests(world):
    ca = pack("ca", CALIFORNIA)
    icu = Unit.objects.create(site=world.site_a, name="Intensive Care", code="ICU", kind="icu", ratio_pack=ca)
    rehab = Unit.objects.create(site=world.site_a, name="Rehab", code="REHAB", kind="rehabilitation", ratio_pack=ca)
    for unit in (icu, rehab):
        patterns(unit)
        make_user(f"coord_{unit.code.lower()}", role="coordinator", site=world.site_a, unit=unit)
        for _ in range(12):
            make_nurse(world.site_a, unit)
    demo = make_user("nurse.icu", role="clinician", site=world.site_a, unit=icu, discipline="rn")
    make_nurse(world.site_a, icu, user=demo)
    ctx = SeedContext(scale=1, seed=1, rng=random.Random(1), report=SeedReport())
    ctx.shared["new_pairs"] = [(0, world.site_a, None)]
    needs_requests.run(ctx)
    assert SkillMixRule.objects.filter(unit=icu, skill="charge").exists()
    assert StaffingNeed.objects.filter(unit=icu, source="derived").count() == needs_requests.DAYS * 4
    assert StaffingNeed.objects.filter(unit=rehab, source="manual").count() == needs_requests.DAYS * 4
    assert StaffRequest.objects.filter(staff__user=demo, kind="time_off", status="pending").count() == 1
    assert StaffRequest.objects.filter(kind="time_off").count() == 8
    assert StaffRequest.objects.filter(kind="unavailable").exists()
    assert StaffRequest.objects.filter(status="approved").exclude(decided_by=None).exists()
    before = StaffRequest.objects.count()
    needs_requests.run(ctx)  # a second run adds nothing
    assert StaffRequest.objects.count() == before

"""The escalation seed: a policy per new site, alerts for the seeded missed doses, one draft."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
import time_machine

from caredesk.core.seeding import SeedContext, SeedReport
from caredesk.escalation import seed
from caredesk.escalation.models import CareAlert, EscalationPolicy, IncidentDraft
from tests.escalation.helpers import assign, make_shift, make_stay, on_shift
from tests.escalation.test_services import T0, _missed_dose

pytestmark = pytest.mark.django_db


def _ctx(world) -> SeedContext:
    ctx = SeedContext(scale=1, seed=1, rng=random.Random(1), report=SeedReport())
    ctx.shared["new_pairs"] = [(1, world.site_a, world.site_b)]
    return ctx


def test_seed_raises_the_alerts_of_missed_doses_and_drafts_one_report(world):
    stay = make_stay(world.icu_a)
    shift = make_shift(world.icu_a, T0 - timedelta(hours=3))
    on_shift(shift, world.nurse_a)
    assign(shift, stay, world.nurse_a)
    dose = _missed_dose(stay)
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        seed.run(_ctx(world))
        seed.run(_ctx(world))  # idempotent for alerts (raised once)
    assert EscalationPolicy.objects.filter(send_email=True).count() == 2
    alert = CareAlert.objects.get()
    assert alert.source_id == dose.pk and alert.kind == "dose_missed"
    assert alert.recipients.filter(user=world.nurse_a, level=1).exists()
    assert IncidentDraft.objects.filter(alert=alert, ncc_merp_category="C", is_omission=True).exists()


def test_seed_without_doses_creates_the_policies_only(world):
    seed.run(_ctx(world))
    assert EscalationPolicy.objects.count() == 2
    assert not CareAlert.objects.exists()

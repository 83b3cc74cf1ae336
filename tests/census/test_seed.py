"""The census demo data: realistic, about 85 % occupied, idempotent."""

from __future__ import annotations

import pytest
from django.db import transaction

from caredesk.census.models import AcuityScale, AcuityScore, FamilyContact, Patient, PatientFlag, Stay, StayMovement
from caredesk.core import seeding
from caredesk.org.models import Bed, Unit

pytestmark = pytest.mark.django_db


def _seed() -> seeding.SeedReport:
    """Only the steps the census builds on (org, accounts), then the census."""
    import random

    from caredesk.accounts import seed as accounts_seed
    from caredesk.census import seed as census_seed
    from caredesk.org import seed as org_seed

    ctx = seeding.SeedContext(scale=1, seed=1, rng=random.Random(1), report=seeding.SeedReport())
    with transaction.atomic():
        for step in (org_seed, accounts_seed, census_seed):
            step.run(ctx)
    return ctx.report


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        first = _seed()
        counts = {m.__name__: m.objects.count() for m in (Patient, Stay, StayMovement, AcuityScore, PatientFlag)}
        second = _seed()
        yield first, second, counts
        from django.core.management import call_command

        from caredesk.core import dbguard

        with dbguard.audit_purge_allowed():
            call_command("flush", verbosity=0, interactive=False)


def test_seed_fills_the_units_and_is_idempotent(seeded):
    first, second, counts = seeded
    assert first.created["patients"] > 50
    assert "patients" not in second.created
    assert {m.__name__: m.objects.count() for m in (Patient, Stay, StayMovement, AcuityScore, PatientFlag)} == counts
    assert AcuityScale.objects.filter(site__isnull=True).count() == 2
    for scale in AcuityScale.objects.filter(site__isnull=True):
        assert "70053.2" in scale.citation and "not a proprietary" in scale.citation


def test_seed_occupancy_flags_and_history(seeded):
    icu = Unit.objects.filter(code="ICU").order_by("pk").first()
    assert icu is not None
    beds = Bed.objects.filter(room__unit=icu).count()
    open_stays = Stay.objects.filter(unit=icu, discharged_at__isnull=True).count()
    assert 0.8 <= open_stays / beds <= 0.9
    assert Stay.objects.filter(discharged_at__isnull=False).exists()
    assert StayMovement.objects.filter(kind="transfer").exists()
    assert PatientFlag.objects.filter(kind="difficult").exclude(care_plan="").exists()
    assert PatientFlag.objects.filter(kind="isolation").exclude(isolation_type="").exists()
    assert PatientFlag.objects.filter(kind="one_to_one").exists()
    assert FamilyContact.objects.exists()
    assert Patient.objects.values("language").distinct().count() > 5
    # Every bed holds at most one open stay and every open stay has a score.
    assert not Stay.objects.filter(
        discharged_at__isnull=True, acuity_scores__isnull=True, unit__code__in=["ICU", "4W"]
    ).exists()

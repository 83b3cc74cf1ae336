"""`caredesk seed`: deterministic, realistic, idempotent, and scale extends scale."""

from __future__ import annotations

import pytest

from caredesk.accounts.models import RoleGrant, User
from caredesk.accounts.seed import DEMO_LOGINS
from caredesk.core import audit, seeding
from caredesk.org.models import Bed, Site, Unit

pytestmark = pytest.mark.django_db


def fingerprint() -> list:
    return [
        list(Site.objects.order_by("code").values_list("code", "name", "time_zone", "postal_code")),
        list(Unit.objects.order_by("site__code", "code").values_list("site__code", "code", "kind")),
        Bed.objects.count(),
        sorted(User.objects.values_list("username", "first_name", "last_name")),
        sorted(RoleGrant.objects.values_list("user__username", "role", "site__code", "unit__code", "discipline")),
    ]


def test_scale_one_is_a_community_hospital_and_a_nursing_home():
    report = seeding.seed(scale=1, seed=7)
    hospital, home = Site.objects.get(code="RCH"), Site.objects.get(code="MGNH")
    assert hospital.kind == "hospital" and home.kind == "nursing_home"
    inpatient = Bed.objects.filter(room__unit__site=hospital).exclude(room__unit__kind="ed").count()
    assert inpatient == 120
    assert Bed.objects.filter(room__unit__site=home).count() == 60
    assert {u.kind for u in Unit.objects.filter(site=hospital)} >= {
        "icu",
        "step_down",
        "telemetry",
        "med_surg",
        "rehabilitation",
        "ed",
    }
    assert Unit.objects.filter(site=hospital, kind="med_surg").count() == 2
    assert 170 <= User.objects.count() <= 220
    assert report.created["sites"] == 2
    assert audit.verify().ok


def test_demo_log_ins_work_with_the_printed_password():
    seeding.seed(scale=1)
    for username, _what in DEMO_LOGINS:
        assert User.objects.get(username=username).check_password(seeding.DEMO_PASSWORD), username
    assert "coord.icu" in seeding.demo_logins_table()


def test_seeding_twice_changes_nothing():
    seeding.seed(scale=1, seed=3)
    first = fingerprint()
    report = seeding.seed(scale=1, seed=3)
    assert report.created == {} and set(report.skipped_sites) == {"RCH", "MGNH"}
    assert fingerprint() == first


def test_same_seed_same_data():
    from django.db import transaction

    prints = []
    for _ in range(2):
        with transaction.atomic():
            seeding.seed(scale=1, seed=11)
            prints.append(fingerprint())
            transaction.set_rollback(True)  # start the second run from an empty database
    assert Site.objects.count() == 0
    assert prints[0] == prints[1]


def test_larger_scales_multiply_sites_and_extend_smaller_ones():
    seeding.seed(scale=1, seed=5)
    first = fingerprint()
    seeding.seed(scale=3, seed=5)
    assert Site.objects.count() == 6
    assert Site.objects.filter(time_zone="Europe/Paris").exists()
    assert User.objects.filter(username="director.3").exists()
    # What scale 1 made is untouched.
    assert all(code in {s[0] for s in fingerprint()[0]} for code, *_ in first[0])

"""derive_needs against hand arithmetic: California ICU 1:2 and med-surg 1:5,
the French ICU 2:5 decree, the site's stricter cap, skill mix, manual needs kept."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from caredesk.core import errors
from caredesk.core.models import AuditEvent
from caredesk.scheduling.models import SkillMixRule, StaffingNeed
from caredesk.scheduling.schemas.needs import NeedSet
from caredesk.scheduling.services import needs as services
from tests.assignment.helpers import make_stay
from tests.scheduling.helpers_needs import CALIFORNIA, FRANCE, pack, patterns

pytestmark = pytest.mark.django_db

START = date(2026, 12, 7)


def _minimums(unit, skill=""):
    return {(n.date, n.pattern.code): n.minimum for n in StaffingNeed.objects.filter(unit=unit, skill=skill)}


def test_california_icu_one_to_two(world):
    world.icu_a.ratio_pack = pack("ca", CALIFORNIA)
    world.icu_a.save()
    patterns(world.icu_a)
    result = services.derive_needs(world.coordinator_a, world.icu_a.pk, START, 7, 9)
    got = _minimums(world.icu_a)
    assert len(got) == 14 and set(got.values()) == {5}  # ceil(9 × 1 / 2) = 5
    assert result.created == 14 and result.census[START] == 9
    need = StaffingNeed.objects.get(unit=world.icu_a, date=START, pattern__code="day")
    assert need.source == "derived"
    assert need.basis["rule"] == "1:2" and need.basis["citation"] == "22 CCR §70217(a)"
    assert need.basis["formula"] == "ceil(9 × 1 / 2) = 5" and need.basis["expected_census"] == 9
    assert need.preferred is None
    assert AuditEvent.objects.filter(action="scheduling.derive_needs").count() == 1


def test_california_med_surg_one_to_five_per_day(world):
    world.ms_a.ratio_pack = pack("ca", CALIFORNIA)
    world.ms_a.save()
    patterns(world.ms_a)
    census = {START: 20, START + timedelta(days=1): 21, START + timedelta(days=2): 0}
    services.derive_needs(world.director_a, world.ms_a.pk, START, 3, census)
    got = _minimums(world.ms_a)
    assert got[(START, "day")] == 4  # 20 / 5
    assert got[(START + timedelta(days=1), "night")] == 5  # ceil(21 / 5)
    assert got[(START + timedelta(days=2), "day")] == 0


def test_french_icu_two_nurses_for_five_patients(world):
    world.icu_a.ratio_pack = pack("fr", FRANCE, citation="CSP D.6124-32")
    world.icu_a.save()
    patterns(world.icu_a)
    services.derive_needs(world.coordinator_a, world.icu_a.pk, START, 1, 12)
    got = _minimums(world.icu_a)
    assert got[(START, "day")] == 5  # ceil(12 × 2 / 5) = ceil(4.8)
    need = StaffingNeed.objects.get(unit=world.icu_a, date=START, pattern__code="day")
    assert need.basis["rule"] == "2:5" and need.basis["citation"] == "CSP D.6124-32"
    services.derive_needs(world.coordinator_a, world.icu_a.pk, START, 1, 10)
    assert _minimums(world.icu_a)[(START, "day")] == 4  # exactly 4


def test_site_stricter_cap_wins(world):
    world.icu_a.ratio_pack = pack("ca", CALIFORNIA)
    world.icu_a.max_patients_per_nurse = 1
    world.icu_a.save()
    patterns(world.icu_a)
    services.derive_needs(world.coordinator_a, world.icu_a.pk, START, 1, 7)
    need = StaffingNeed.objects.get(unit=world.icu_a, date=START, pattern__code="day")
    assert need.minimum == 7  # ceil(7 / 1) beats ceil(7 / 2) = 4
    assert need.basis["by_rule"] == 4 and need.basis["by_own_cap"] == 7 and need.basis["stricter"] == "own_cap"


def test_own_cap_alone_without_a_pack(world):
    world.ms_a.max_patients_per_nurse = 4
    world.ms_a.save()
    patterns(world.ms_a)
    services.derive_needs(world.director_a, world.ms_a.pk, START, 1, 10)
    assert _minimums(world.ms_a)[(START, "day")] == 3


def test_no_ratio_is_a_clear_error(world):
    patterns(world.ms_a)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.derive_needs(world.director_a, world.ms_a.pk, START, 1, 10)
    assert "unit_id" in exc.value.fields and "by hand" in exc.value.message


def test_skill_mix_gives_separate_needs_and_high_acuity_preferred(world):
    world.icu_a.ratio_pack = pack("ca", CALIFORNIA)
    world.icu_a.save()
    day, _night = patterns(world.icu_a)
    SkillMixRule.objects.create(unit=world.icu_a, skill="charge", count=1)
    SkillMixRule.objects.create(unit=world.icu_a, pattern=day, skill="ccrn", count=2)
    services.derive_needs(world.coordinator_a, world.icu_a.pk, START, 2, 8, high_acuity=True)
    assert set(_minimums(world.icu_a, "charge").values()) == {1} and len(_minimums(world.icu_a, "charge")) == 4
    ccrn = _minimums(world.icu_a, "ccrn")
    assert len(ccrn) == 2 and all(code == "day" for _, code in ccrn)
    nurse = StaffingNeed.objects.get(unit=world.icu_a, date=START, pattern=day, skill="")
    assert (nurse.minimum, nurse.preferred) == (4, 5)
    charge = StaffingNeed.objects.get(unit=world.icu_a, date=START, pattern=day, skill="charge")
    assert charge.basis["kind"] == "skill_mix" and charge.source == "derived"
    # Turning the rule off and deriving again removes its needs.
    SkillMixRule.objects.filter(skill="ccrn").update(is_active=False)
    r = services.derive_needs(world.coordinator_a, world.icu_a.pk, START, 2, 8, high_acuity=True)
    assert r.removed == 2 and not _minimums(world.icu_a, "ccrn")


def test_manual_needs_are_kept_unless_asked(world):
    world.icu_a.ratio_pack = pack("ca", CALIFORNIA)
    world.icu_a.save()
    day, _ = patterns(world.icu_a)
    services.set_need(world.coordinator_a, NeedSet(unit_id=world.icu_a.pk, date=START, pattern_id=day.pk, minimum=9))
    r = services.derive_needs(world.coordinator_a, world.icu_a.pk, START, 1, 4)
    assert r.kept_manual == 1 and _minimums(world.icu_a)[(START, "day")] == 9
    r = services.derive_needs(world.coordinator_a, world.icu_a.pk, START, 1, 4, overwrite_manual=True)
    assert _minimums(world.icu_a)[(START, "day")] == 2


def test_default_census_is_the_current_census(world):
    world.icu_a.ratio_pack = pack("ca", CALIFORNIA)
    world.icu_a.save()
    patterns(world.icu_a)
    for _ in range(3):
        make_stay(world.icu_a)
    r = services.derive_needs(world.coordinator_a, world.icu_a.pk, START, 1)
    assert r.census[START] == 3 and _minimums(world.icu_a)[(START, "day")] == 2
    need = StaffingNeed.objects.get(unit=world.icu_a, date=START, pattern__code="day")
    assert need.basis["census_from"] == "current"


def test_bad_census_and_permissions(world):
    world.icu_a.ratio_pack = pack("ca", CALIFORNIA)
    world.icu_a.save()
    patterns(world.icu_a)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.derive_needs(world.coordinator_a, world.icu_a.pk, START, 1, -1)
    assert "expected_census" in exc.value.fields
    with pytest.raises(errors.ValidationFailed):
        services.derive_needs(world.coordinator_a, world.icu_a.pk, START, 100, 5)
    with pytest.raises(errors.PermissionDenied):
        services.derive_needs(world.nurse_a, world.icu_a.pk, START, 1, 5)
    with pytest.raises(errors.NotFound):
        services.derive_needs(world.coordinator_b, world.icu_a.pk, START, 1, 5)
    with pytest.raises(errors.NotFound):  # the ICU coordinator does not reach 4 West
        services.derive_needs(world.coordinator_a, world.ms_a.pk, START, 1, 5)

"""Ratio caps per pack, shift-specific rules, and the stricter-only rule."""

from __future__ import annotations

import pytest

from caredesk.assignment import ratios, schemas, services
from caredesk.assignment.seed import seed_packs
from caredesk.core import errors
from caredesk.core.seeding import SeedContext, SeedReport
from caredesk.org.models import RatioPack, Unit, UnitKind
from tests.assignment.helpers import make_pack

pytestmark = pytest.mark.django_db


def _packs() -> dict[str, RatioPack]:
    import random

    return seed_packs(SeedContext(scale=1, seed=1, rng=random.Random(1), report=SeedReport()))


def test_seeded_packs_carry_citations_and_rules(world):
    packs = _packs()
    ca = packs["us-ca-22ccr70217"]
    assert "70217" in ca.citation
    assert {r.unit_kind: (r.nurses, r.patients) for r in ca.rules.all()}["med_surg"] == (1, 5)
    assert any("[K]" in r.note for r in ca.rules.all())
    assert packs["us-or-ors441765"].rules.get(unit_kind="med_surg").patients == 4
    assert _packs()["us-ca-22ccr70217"].pk == ca.pk  # idempotent


@pytest.mark.parametrize(
    ("code", "kind", "night", "n", "caps"),
    [
        ("us-ca-22ccr70217", "icu", False, 3, [2, 2, 2]),
        ("us-ca-22ccr70217", "med_surg", False, 2, [5, 5]),
        ("us-or-ors441765", "med_surg", True, 2, [4, 4]),
        ("fr-csp-d6124", "icu", False, 2, [3, 2]),
        ("fr-csp-d6124", "icu", False, 3, [3, 2, 2]),
        ("fr-csp-d6124", "ccu", False, 2, [4, 4]),
        ("fr-csp-d6124", "ccu", True, 2, [8, 8]),
    ],
)
def test_per_nurse_caps_never_exceed_the_pack_total(world, code, kind, night, n, caps):
    pack = _packs()[code]
    unit = Unit.objects.create(site=world.site_a, name="U", code=f"U-{kind}", kind=kind, ratio_pack=pack)
    ratio = ratios.unit_ratio(unit, is_night=night)
    assert ratio.caps(n) == caps
    assert ratio.rule is not None
    assert sum(caps) <= n * ratio.rule.patients // ratio.rule.nurses


def test_own_cap_tightens_the_pack(world):
    pack = make_pack()
    world.icu_a.ratio_pack = pack
    world.icu_a.save()
    services.set_unit_ratio(
        world.director_a, world.ms_a.pk, schemas.UnitRatioUpdate(ratio_pack_id=pack.pk, max_patients_per_nurse=4)
    )
    ms = Unit.objects.get(pk=world.ms_a.pk)
    assert ratios.unit_ratio(ms, is_night=False).caps(2) == [4, 4]
    assert ratios.unit_ratio(ms, is_night=False).per_nurse == 4


def test_own_cap_looser_than_the_pack_is_refused(world):
    pack = make_pack()
    with pytest.raises(errors.ValidationFailed) as exc:
        services.set_unit_ratio(
            world.director_a, world.ms_a.pk, schemas.UnitRatioUpdate(ratio_pack_id=pack.pk, max_patients_per_nurse=6)
        )
    assert "stricter" in exc.value.fields["max_patients_per_nurse"][0]
    assert Unit.objects.get(pk=world.ms_a.pk).ratio_pack_id is None


def test_changing_to_a_stricter_pack_rechecks_the_own_cap(world):
    services.set_unit_ratio(world.director_a, world.ms_a.pk, schemas.UnitRatioUpdate(max_patients_per_nurse=5))
    strict = make_pack("strict", [("med_surg", "any", 1, 4)])
    with pytest.raises(errors.ValidationFailed):
        services.set_unit_ratio(world.director_a, world.ms_a.pk, schemas.UnitRatioUpdate(ratio_pack_id=strict.pk))


def test_no_pack_means_no_cap(world):
    ratio = ratios.unit_ratio(world.icu_a, is_night=False)
    assert not ratio.has_pack and ratio.caps(3) == [None, None, None]


def test_setting_ratios_needs_leadership(world):
    pack = make_pack()
    with pytest.raises(errors.PermissionDenied):
        services.set_unit_ratio(world.coordinator_a, world.icu_a.pk, schemas.UnitRatioUpdate(ratio_pack_id=pack.pk))
    with pytest.raises(errors.NotFound):
        services.set_unit_ratio(world.director_b, world.icu_a.pk, schemas.UnitRatioUpdate(ratio_pack_id=pack.pk))


def test_site_pack_based_on_a_jurisdiction_may_only_be_stricter(world):
    base = make_pack()
    ok = services.create_ratio_pack(
        world.director_a,
        schemas.RatioPackCreate(
            site_id=world.site_a.pk,
            code="alpha-own",
            name="Alpha",
            based_on_id=base.pk,
            rules=[schemas.RatioRuleIn(unit_kind=UnitKind.MED_SURG, patients=4)],
        ),
    )
    assert ok.site_id == world.site_a.pk and ok.rules.count() == 1
    with pytest.raises(errors.ValidationFailed):
        services.create_ratio_pack(
            world.director_a,
            schemas.RatioPackCreate(
                site_id=world.site_a.pk,
                code="alpha-loose",
                name="Loose",
                based_on_id=base.pk,
                rules=[schemas.RatioRuleIn(unit_kind=UnitKind.MED_SURG, patients=6)],
            ),
        )
    with pytest.raises(errors.PermissionDenied):
        services.create_ratio_pack(
            world.coordinator_a, schemas.RatioPackCreate(site_id=world.site_a.pk, code="x", name="X")
        )

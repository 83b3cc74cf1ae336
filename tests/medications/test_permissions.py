"""Every permission of medications: one allowed and one refused answer."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from caredesk.core import errors, scoping
from caredesk.medications import queries, schemas, services
from tests.medications.helpers import dose_at

pytestmark = pytest.mark.django_db


def order_data(**kw: Any) -> schemas.OrderCreate:
    return schemas.OrderCreate.model_validate(kw)


def change_data(**kw: Any) -> schemas.OrderChange:
    return schemas.OrderChange.model_validate(kw)


def admin_data(**kw: Any) -> schemas.AdministrationCreate:
    return schemas.AdministrationCreate.model_validate(kw)


def test_view_allowed_for_unit_clinician_and_auditor_refused_for_hr_and_other_site(world, meds):
    assert queries.board(world.nurse_a, world.icu_a.pk, meds.now).patients == 2
    assert queries.board(world.auditor_a, world.icu_a.pk, meds.now).patients == 2
    for outsider in (world.hr_a, world.nurse_b, world.director_b):
        with pytest.raises(errors.NotFound):
            queries.board(outsider, world.icu_a.pk, meds.now)
    assert not scoping.has(world.nurse_a, "medications.view", site_id=world.site_a.pk, unit_id=world.ms_a.pk)


def _order_data(meds):
    return order_data(
        stay_id=meds.stay.pk,
        drug="Senna",
        dose=Decimal("8.6"),
        dose_unit="mg",
        route="po",
        frequency="daily",
        prescriber="Dr. A",
    )


def test_order_allowed_for_clinician_and_coordinator_refused_for_auditor(world, meds):
    assert services.create_order(world.nurse_a, _order_data(meds), now=meds.now).pk
    assert services.create_order(world.coordinator_a, _order_data(meds), now=meds.now).pk
    with pytest.raises(errors.PermissionDenied):
        services.create_order(world.auditor_a, _order_data(meds), now=meds.now)


def test_administer_allowed_for_nurse_refused_for_director_and_auditor(world, meds):
    d = dose_at(meds.order, meds.now)
    data = schemas.AdministrationCreate(wristband_id="WB-A1", drug="Metoprolol", dose=Decimal("25"), route="po")
    for refused in (world.director_a, world.auditor_a):
        with pytest.raises(errors.PermissionDenied):
            services.record_administration(refused, d.pk, data, now=meds.now)
    with pytest.raises(errors.NotFound):
        services.record_administration(world.nurse_b, d.pk, data, now=meds.now)
    assert services.record_administration(world.nurse_a, d.pk, data, now=meds.now)[1]


def test_manage_policy_allowed_for_leadership_refused_for_coordinator(world, meds):
    assert services.update_policy(
        world.assistant_a, world.site_a.pk, schemas.TimingPolicyUpdate(version=1, due_soon_minutes=30)
    )
    with pytest.raises(errors.PermissionDenied):
        services.update_policy(
            world.coordinator_a, world.site_a.pk, schemas.TimingPolicyUpdate(version=2, due_soon_minutes=20)
        )
    with pytest.raises(errors.NotFound):
        services.update_policy(
            world.director_b, world.site_a.pk, schemas.TimingPolicyUpdate(version=2, due_soon_minutes=20)
        )

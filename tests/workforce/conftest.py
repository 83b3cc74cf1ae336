"""Workforce fixtures: reference data and a staff record for nurse_a (ICU of site A)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from caredesk.workforce import schemas, services
from caredesk.workforce.models import CredentialKind, CredentialRequirement, CredentialType, WorkRules

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@dataclass
class Staffing:
    rules: Any
    nurse: Any  # nurse_a's staff record (ICU of site A)
    coordinator: Any  # coordinator_a's staff record (ICU of site A)
    ms_nurse: Any  # a nurse of 4 West (site A), outside coordinator_a's unit
    nurse_b: Any  # nurse_b's staff record (site B)
    licence: Any
    bls: Any


def make_staff(actor: Any, user: Any, site: Any, unit: Any, number: str, rules: Any, **extra: Any) -> Any:
    data = {
        "user_id": user.pk,
        "site_id": site.pk,
        "home_unit_id": unit.pk if unit else None,
        "employee_number": number,
        "discipline": "rn",
        "job_title": "Staff Nurse",
        "fte": Decimal("0.90"),
        "contracted_minutes_per_week": 36 * 60,
        "work_rules_id": rules.pk,
        "hourly_rate": Decimal("48.25"),
        "night_differential": Decimal("4.50"),
        "hire_date": date(2020, 1, 6),
    } | extra
    return services.create_staff(actor, schemas.StaffCreate(**data))


@pytest.fixture
def staffing(world: Any, settings: Any, tmp_path: Any) -> Staffing:
    from tests.conftest import make_user

    settings.MEDIA_ROOT = str(tmp_path / "media")
    rules = WorkRules.objects.create(code="test-40", name="Test 40h", source="29 USC 207(a)(1)")
    licence = CredentialType.objects.create(
        code="rn-licence", name="RN licence", kind=CredentialKind.LICENCE, requires_number=True
    )
    bls = CredentialType.objects.create(code="bls", name="BLS", kind=CredentialKind.CERTIFICATION)
    CredentialRequirement.objects.create(credential_type=licence, discipline="rn", source="state board")
    CredentialRequirement.objects.create(credential_type=bls, discipline="rn", source="hospital policy")
    nurse = make_staff(world.hr_a, world.nurse_a, world.site_a, world.icu_a, "A-100", rules)
    coordinator = make_staff(
        world.hr_a, world.coordinator_a, world.site_a, world.icu_a, "A-101", rules, job_title="Charge Nurse"
    )
    ms_user = make_user("msnurse_a", role="clinician", site=world.site_a, unit=world.ms_a, discipline="rn")
    ms_nurse = make_staff(world.hr_a, ms_user, world.site_a, world.ms_a, "A-200", rules)
    nurse_b = make_staff(world.director_b, world.nurse_b, world.site_b, world.ltc_b, "B-100", rules, discipline="lpn")
    return Staffing(rules, nurse, coordinator, ms_nurse, nurse_b, licence, bls)

"""Site-A records of the workforce for the cross-site walk (tests/test_cross_site.py).

Besides the path parameters, a few body fields get valid values here so that
the walk's control call (a superuser) succeeds with a generated body.
"""

from __future__ import annotations

import base64
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from caredesk.workforce import schemas, services
from caredesk.workforce.models import (
    Credential,
    CredentialKind,
    CredentialRequirement,
    CredentialType,
    EmploymentEvent,
    StaffMember,
    WorkRules,
)

PDF = b"%PDF-1.4\n% Alpha ICU walk\n%%EOF\n"
IMPORT_CSV = (
    "username,first_name,last_name,email,employee_number,discipline,job_title,home_unit_code,fte,"
    "contracted_hours_per_week,work_rules_code,hourly_rate,hire_date\n"
)
DOCUMENT_NAME = "credentials/walk/alpha-icu-walk.pdf"


def targets(world: Any) -> dict[str, Any]:
    rules = WorkRules.objects.create(
        code="alpha-icu-union", name="Alpha ICU union pack", site=world.site_a, source="Alpha ICU union contract"
    )
    bls, _ = CredentialType.objects.get_or_create(
        code="bls", defaults={"name": "Basic Life Support (BLS)", "kind": CredentialKind.CERTIFICATION}
    )
    requirement = CredentialRequirement.objects.create(
        credential_type=bls, site=world.site_a, source="Alpha General Hospital policy"
    )
    staff = services.create_staff(
        world.hr_a,
        schemas.StaffCreate(
            user_id=world.coordinator_a.pk,
            site_id=world.site_a.pk,
            home_unit_id=world.icu_a.pk,
            employee_number="ALPHA-1",
            discipline="rn",
            job_title="Alpha ICU charge nurse",
            fte=Decimal("1.00"),
            contracted_minutes_per_week=2400,
            work_rules_id=rules.pk,
            hourly_rate=Decimal("54.00"),
            hire_date=date(2020, 1, 6),
        ),
    )
    cred = services.add_credential(
        world.hr_a,
        schemas.CredentialCreate(
            staff_id=staff.pk,
            type_code="bls",
            issuer="Alpha ICU",
            issued_on=date(2025, 1, 1),
            expires_on=date(2027, 1, 1),
        ),
    )
    if not default_storage.exists(DOCUMENT_NAME):
        default_storage.save(DOCUMENT_NAME, ContentFile(PDF))
    Credential.objects.filter(pk=cred.pk).update(document=DOCUMENT_NAME)
    return {
        "staff_id": staff.pk,
        "credential_id": cred.pk,
        "work_rules_id": rules.pk,
        "requirement_id": requirement.pk,
        # Body fields, so that generated bodies are valid for the control call.
        "type_code": "bls",
        "issued_on": "2025-02-01",
        "hire_date": "2024-01-02",
        "fte": "1.00",
        "hourly_rate": "54.00",
        "document_name": "alpha.pdf",
        "document_base64": base64.b64encode(PDF).decode(),
        "file_name": "alpha.csv",
        "file_base64": base64.b64encode(IMPORT_CSV.encode()).decode(),
    }


def state(world: Any) -> list[Any]:
    return [
        list(StaffMember.objects.filter(site=world.site_a).values()),
        list(StaffMember.other_units.through.objects.filter(staffmember__site=world.site_a).values()),
        list(EmploymentEvent.objects.filter(staff__site=world.site_a).values()),
        list(Credential.objects.filter(staff__site=world.site_a).values()),
        list(WorkRules.objects.filter(site=world.site_a).values()),
        list(CredentialRequirement.objects.filter(site=world.site_a).values()),
    ]

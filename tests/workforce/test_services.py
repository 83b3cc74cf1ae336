"""Services added for the pages and the API: documents, work rules,
requirements, staff details; each refused case writes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from caredesk.core import errors
from caredesk.core.models import AuditEvent
from caredesk.workforce import queries, schemas, services
from caredesk.workforce.models import Credential, CredentialRequirement, WorkRules
from tests.conftest import make_user
from tests.workforce.conftest import PDF, PNG, make_staff

pytestmark = pytest.mark.django_db


def bls(world, staffing, **kw):
    return services.add_credential(
        world.hr_a,
        schemas.CredentialCreate(staff_id=staffing.nurse.pk, type_code="bls", issued_on=date(2025, 1, 1)),
        **kw,
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("scan.gif", b"GIF89a", "attach a PDF, PNG or JPEG file"),
        ("scan.pdf", PNG, "not a PDF"),
        ("scan.jpg", PDF, "not a JPG"),
        ("scan.pdf", b"", "empty"),
        ("scan", PDF, "attach a PDF"),
    ],
)
def test_documents_are_checked_by_content(world, staffing, name, content, message):
    before = Credential.objects.count()
    with pytest.raises(errors.ValidationFailed) as exc:
        bls(world, staffing, document=SimpleUploadedFile(name, content))
    assert "document" in exc.value.fields and message in exc.value.fields["document"][0]
    assert Credential.objects.count() == before


def test_attach_document_is_audited_and_guarded(world, staffing):
    cred = bls(world, staffing)
    services.attach_credential_document(world.coordinator_a, cred.pk, SimpleUploadedFile("c.jpeg", b"\xff\xd8\xff\xe0"))
    cred.refresh_from_db()
    assert cred.document.name.endswith(".jpg") and cred.version == 2
    assert AuditEvent.objects.filter(action="workforce.attach_credential_document", object_id=str(cred.pk)).exists()
    with pytest.raises(errors.NotFound):  # a nurse does not manage even her own credentials
        services.attach_credential_document(world.nurse_a, cred.pk, SimpleUploadedFile("c.pdf", PDF))
    with pytest.raises(errors.NotFound):
        services.attach_credential_document(world.director_b, cred.pk, SimpleUploadedFile("c.pdf", PDF))
    services.revoke_credential(world.hr_a, cred.pk, reason="lapsed")
    with pytest.raises(errors.ValidationFailed):
        services.attach_credential_document(world.hr_a, cred.pk, SimpleUploadedFile("c.pdf", PDF))


def test_create_staff_takes_the_discipline_of_the_clinician_role(world, staffing):
    person = make_user("pt_a", role="clinician", site=world.site_a, unit=world.ms_a, discipline="pt")
    staff = make_staff(world.hr_a, person, world.site_a, world.ms_a, "A-777", staffing.rules, discipline=None)
    assert staff.discipline == "pt"
    with pytest.raises(errors.ValidationFailed) as exc:
        make_staff(world.hr_a, world.assistant_a, world.site_a, None, "A-778", staffing.rules, discipline=None)
    assert "discipline" in exc.value.fields


def test_an_event_field_sent_with_its_current_value_is_no_change(world, staffing):
    with pytest.raises(errors.ValidationFailed) as exc:
        services.record_employment_event(
            world.hr_a,
            staffing.nurse.pk,
            schemas.EmploymentEventCreate(version=1, kind="fte_change", fte=staffing.nurse.fte),
        )
    assert "fte" in exc.value.fields
    event = services.record_employment_event(
        world.hr_a,
        staffing.nurse.pk,
        schemas.EmploymentEventCreate(version=1, kind="leave_start", fte=staffing.nurse.fte),
    )
    assert event.kind == "leave_start" and event.changes == {"status": ["active", "on_leave"]}


def test_work_rules_services(world, staffing):
    data = schemas.WorkRulesCreate(code="alpha", name="Alpha", source="contract", site_id=world.site_a.pk)
    pack = services.create_work_rules(world.director_a, data)
    assert pack.site == world.site_a
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_work_rules(world.director_a, data)
    assert "code" in exc.value.fields
    with pytest.raises(errors.NotFound):
        services.create_work_rules(world.director_b, data.model_copy(update={"code": "b"}))
    for persona in ("hr_a", "coordinator_a", "nurse_a"):
        with pytest.raises(errors.PermissionDenied):
            services.create_work_rules(world.persona(persona), data.model_copy(update={"code": persona}))
    with pytest.raises(errors.PermissionDenied):
        services.update_work_rules(world.director_a, staffing.rules.pk, schemas.WorkRulesUpdate(version=1, name="x"))
    with pytest.raises(errors.NotFound):
        services.update_work_rules(world.director_b, pack.pk, schemas.WorkRulesUpdate(version=1, name="x"))
    with pytest.raises(errors.Conflict):
        services.update_work_rules(world.director_a, pack.pk, schemas.WorkRulesUpdate(version=9, name="x"))
    services.update_work_rules(world.compliance_a, pack.pk, schemas.WorkRulesUpdate(version=1, max_consecutive_days=4))
    pack.refresh_from_db()
    assert pack.max_consecutive_days == 4 and pack.version == 2
    assert AuditEvent.objects.filter(action="workforce.update_work_rules").count() == 1
    # an inactive or foreign pack cannot be given to staff
    services.update_work_rules(world.director_a, pack.pk, schemas.WorkRulesUpdate(version=2, is_active=False))
    with pytest.raises(errors.ValidationFailed):
        services.update_staff(world.hr_a, staffing.nurse.pk, schemas.StaffUpdate(version=1, work_rules_id=pack.pk))


def test_requirement_services_and_what_may_work_answers(world, staffing):
    from datetime import datetime, timedelta

    from caredesk.workforce import qualification

    req = services.create_requirement(
        world.director_a,
        schemas.RequirementCreate(
            type_code="bls", site_id=world.site_a.pk, unit_kind="med_surg", task="Chemotherapy", source="Alpha policy"
        ),
    )
    assert req.task == "chemotherapy" and req.site == world.site_a
    with pytest.raises(errors.PermissionDenied):
        services.create_requirement(world.director_a, schemas.RequirementCreate(type_code="bls", source="x"))
    shared = services.create_requirement(
        world.superuser, schemas.RequirementCreate(type_code="bls", task="dialysis", source="x")
    )
    with pytest.raises(errors.PermissionDenied):
        services.update_requirement(world.director_a, shared.pk, schemas.RequirementUpdate(version=1, is_active=False))
    start = datetime(2026, 6, 1, 12, tzinfo=qualification.ZoneInfo("UTC"))
    verdict = qualification.may_work(
        staffing.ms_nurse, unit=world.ms_a, start=start, end=start + timedelta(hours=8), task="dialysis"
    )
    assert "bls" in verdict.missing_credentials
    services.update_requirement(world.superuser, shared.pk, schemas.RequirementUpdate(version=1, is_active=False))
    assert not CredentialRequirement.objects.get(pk=shared.pk).is_active
    assert shared.pk not in {r.pk for r in queries.requirements(world.director_a)}
    assert req.pk not in {r.pk for r in queries.requirements(world.director_b)}


def test_queries_scope_per_role(world, staffing):
    everyone = {staffing.nurse.pk, staffing.coordinator.pk, staffing.ms_nurse.pk}
    expected = {
        "director_a": everyone,
        "assistant_a": everyone,
        "hr_a": everyone,
        "finance_a": everyone,
        "compliance_a": everyone,
        "auditor_a": everyone,
        "admin_a": everyone,
        "coordinator_a": {staffing.nurse.pk, staffing.coordinator.pk},
        "nurse_a": {staffing.nurse.pk},
        "director_b": {staffing.nurse_b.pk},
        "nurse_b": {staffing.nurse_b.pk},
        "coordinator_b": {staffing.nurse_b.pk},
    }
    for persona, ids in expected.items():
        assert {s.pk for s in queries.staff(world.persona(persona))} == ids, persona
    pay = {p for p in expected if queries.may_see_pay(world.persona(p), staffing.nurse)}
    assert pay == {"director_a", "hr_a", "finance_a"}


def test_work_rules_visible_are_shared_or_of_the_users_sites(world, staffing):
    own = WorkRules.objects.create(code="a", name="A", source="x", site=world.site_a)
    other = WorkRules.objects.create(code="b", name="B", source="x", site=world.site_b)
    assert {r.pk for r in queries.work_rules(world.coordinator_a)} == {staffing.rules.pk, own.pk}
    assert {r.pk for r in queries.work_rules(world.director_b)} == {staffing.rules.pk, other.pk}
    assert not queries.work_rules(world.nurse_a).exists()

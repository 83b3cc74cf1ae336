"""The workforce over the JSON API: who sees what (pay only with view_pay),
writes through the services, and one error shape for every failure."""

from __future__ import annotations

import base64
from datetime import date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from caredesk.accounts.models import ApiToken
from caredesk.core import clock
from caredesk.workforce import schemas, services
from caredesk.workforce.models import Credential, EmploymentEvent, StaffMember, StaffStatus, WorkRules
from tests.conftest import bearer
from tests.workforce.conftest import PDF

pytestmark = pytest.mark.django_db


def assert_error(response, status, code, field=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    if field:
        assert field in body["error"]["fields"], body


def ids(response):
    return {item["id"] for item in response.json()["items"]}


# --- who sees what ----------------------------------------------------------------------


def test_coordinator_sees_her_units_staff_without_pay(world, api, staffing):
    r = api.get("/staff", user=world.coordinator_a)
    assert r.status_code == 200
    assert ids(r) == {staffing.nurse.pk, staffing.coordinator.pk}
    assert all("hourly_rate" not in item for item in r.json()["items"])
    r = api.get(f"/staff/{staffing.nurse.pk}", user=world.coordinator_a)
    assert r.status_code == 200 and "hourly_rate" not in r.json() and "48.25" not in r.content.decode()
    assert_error(api.get(f"/staff/{staffing.ms_nurse.pk}", user=world.coordinator_a), 404, "not_found")


@pytest.mark.parametrize("persona", ["hr_a", "director_a", "finance_a"])
def test_hr_director_and_finance_see_pay(world, api, staffing, persona):
    r = api.get(f"/staff/{staffing.ms_nurse.pk}", user=world.persona(persona))
    assert r.status_code == 200 and r.json()["hourly_rate"] == "48.25"
    r = api.get("/staff", user=world.persona(persona))
    assert {i["id"] for i in r.json()["items"]} == {staffing.nurse.pk, staffing.coordinator.pk, staffing.ms_nurse.pk}
    assert all(i["hourly_rate"] == "48.25" for i in r.json()["items"])


@pytest.mark.parametrize("persona", ["coordinator_a", "assistant_a", "compliance_a", "auditor_a", "nurse_a"])
def test_others_never_see_pay(world, api, staffing, persona):
    r = api.get(f"/staff/{staffing.nurse.pk}", user=world.persona(persona))
    assert r.status_code == 200
    assert not {"hourly_rate", "night_differential", "weekend_differential"} & set(r.json())


def test_a_clinician_sees_only_her_own_record(world, api, staffing):
    r = api.get("/staff", user=world.nurse_a)
    assert ids(r) == {staffing.nurse.pk}
    assert api.get(f"/staff/{staffing.nurse.pk}", user=world.nurse_a).status_code == 200
    assert_error(api.get(f"/staff/{staffing.coordinator.pk}", user=world.nurse_a), 404, "not_found")
    assert api.get(f"/staff/{staffing.nurse.pk}/events", user=world.nurse_a).status_code == 200
    assert_error(api.get(f"/staff/{staffing.coordinator.pk}/credentials", user=world.nurse_a), 404, "not_found")


def test_another_site_sees_nothing(world, api, staffing):
    assert ids(api.get("/staff", user=world.director_b)) == {staffing.nurse_b.pk}
    assert_error(api.get(f"/staff/{staffing.nurse.pk}", user=world.director_b), 404, "not_found")


def test_pay_changes_in_the_history_are_hidden_without_view_pay(world, api, staffing):
    services.record_employment_event(
        world.hr_a,
        staffing.nurse.pk,
        schemas.EmploymentEventCreate(version=staffing.nurse.version, kind="rate_change", hourly_rate="51.00"),
    )
    hr = api.get(f"/staff/{staffing.nurse.pk}/events", user=world.hr_a).json()["items"]
    coord = api.get(f"/staff/{staffing.nurse.pk}/events", user=world.coordinator_a).json()["items"]
    assert any("hourly_rate" in e["changes"] for e in hr)
    assert not any("hourly_rate" in e["changes"] for e in coord)
    assert "51.00" not in str(coord)


# --- staff writes -----------------------------------------------------------------------


def test_hr_creates_and_edits_a_staff_record(world, api, staffing):
    from tests.conftest import make_user

    person = make_user("newnurse_a", role="clinician", site=world.site_a, unit=world.ms_a, discipline="lpn")
    body = {
        "user_id": person.pk,
        "site_id": world.site_a.pk,
        "home_unit_id": world.ms_a.pk,
        "employee_number": "A-300",
        "job_title": "LPN",
        "fte": "0.80",
        "contracted_minutes_per_week": 1920,
        "work_rules_id": staffing.rules.pk,
        "hourly_rate": "31.00",
        "hire_date": "2026-01-05",
    }
    r = api.post("/staff", body, user=world.hr_a)
    assert r.status_code == 201, r.content
    created = r.json()
    assert created["discipline"] == "lpn"  # from the person's clinician role
    assert created["hourly_rate"] == "31.00"
    r = api.patch(f"/staff/{created['id']}", {"version": 1, "other_unit_ids": [world.icu_a.pk]}, user=world.hr_a)
    assert r.status_code == 200 and r.json()["other_unit_ids"] == [world.icu_a.pk]
    assert_error(
        api.patch(f"/staff/{created['id']}", {"version": 1, "employee_number": "X"}, user=world.hr_a), 409, "conflict"
    )


def test_coordinator_may_not_create_staff_and_nothing_is_written(world, api, staffing):
    before = StaffMember.objects.count()
    body = {
        "user_id": world.assistant_a.pk,
        "site_id": world.site_a.pk,
        "employee_number": "A-9",
        "discipline": "rn",
        "job_title": "x",
        "fte": "1",
        "contracted_minutes_per_week": 2400,
        "work_rules_id": staffing.rules.pk,
        "hourly_rate": "1",
        "hire_date": "2026-01-05",
    }
    assert_error(api.post("/staff", body, user=world.coordinator_a), 403, "permission_denied")
    assert_error(api.post("/staff", body | {"fte": "2.5"}, user=world.hr_a), 422, "validation_error", "fte")
    assert StaffMember.objects.count() == before


def test_a_site_pack_of_another_site_is_refused(world, api, staffing):
    other = WorkRules.objects.create(code="bravo", name="Bravo pack", source="x", site=world.site_b)
    r = api.patch(f"/staff/{staffing.nurse.pk}", {"version": 1, "work_rules_id": other.pk}, user=world.hr_a)
    assert_error(r, 422, "validation_error", "work_rules_id")


def test_termination_over_the_api_revokes_access(world, api, client, staffing):
    headers = bearer(world.nurse_a)
    body = {"version": staffing.nurse.version, "kind": "termination", "reason": "Resigned"}
    r = api.post(f"/staff/{staffing.nurse.pk}/events", body, user=world.hr_a)
    assert r.status_code == 201, r.content
    assert r.json()["applied_at"] is not None
    world.nurse_a.refresh_from_db()
    assert not world.nurse_a.is_active
    assert not ApiToken.objects.filter(user=world.nurse_a, revoked_at__isnull=True).exists()
    # the token the nurse made before no longer opens the API
    assert client.get("/api/v1/staff", headers=headers).status_code == 401


def test_events_refuse_a_hire_and_invalid_transitions(world, api, staffing):
    url = f"/staff/{staffing.nurse.pk}/events"
    assert_error(api.post(url, {"version": 1, "kind": "hire"}, user=world.hr_a), 422, "validation_error", "kind")
    assert_error(api.post(url, {"version": 1, "kind": "leave_end"}, user=world.hr_a), 422, "validation_error", "kind")
    assert_error(
        api.post(url, {"version": 1, "kind": "termination"}, user=world.hr_a), 422, "validation_error", "reason"
    )
    assert_error(
        api.post(url, {"version": 1, "kind": "leave_start"}, user=world.coordinator_a), 403, "permission_denied"
    )
    assert EmploymentEvent.objects.filter(staff=staffing.nurse).count() == 1  # the hire


# --- credentials --------------------------------------------------------------------------


def test_credentials_lifecycle(world, api, staffing):
    r = api.post(
        "/credentials",
        {"staff_id": staffing.nurse.pk, "type_code": "bls", "issued_on": "2025-01-01", "expires_on": "2099-01-01"},
        user=world.coordinator_a,
    )
    assert r.status_code == 201, r.content
    cred = r.json()
    assert cred["state"] == "valid" and cred["has_document"] is False
    r = api.patch(
        f"/credentials/{cred['id']}",
        {"version": 1, "expires_on": str(clock.now().date() + timedelta(days=10))},
        user=world.coordinator_a,
    )
    assert r.status_code == 200 and r.json()["state"] == "expiring"
    r = api.post(f"/credentials/{cred['id']}/revoke", {"reason": "Lapsed"}, user=world.coordinator_a)
    assert r.status_code == 200 and r.json()["state"] == "revoked"
    assert_error(
        api.patch(f"/credentials/{cred['id']}", {"version": 3, "issuer": "x"}, user=world.coordinator_a),
        422,
        "validation_error",
    )
    assert_error(
        api.post(
            "/credentials",
            {"staff_id": staffing.nurse.pk, "type_code": "rn-licence", "issued_on": "2025-01-01"},
            user=world.hr_a,
        ),
        422,
        "validation_error",
        "number",
    )
    assert_error(
        api.post(
            "/credentials",
            {"staff_id": staffing.ms_nurse.pk, "type_code": "bls", "issued_on": "2025-01-01"},
            user=world.coordinator_a,
        ),
        404,
        "not_found",
    )


def test_document_upload_json_and_multipart_and_download(world, api, client, staffing):
    cred = services.add_credential(
        world.hr_a, schemas.CredentialCreate(staff_id=staffing.nurse.pk, type_code="bls", issued_on=date(2025, 1, 1))
    )
    body = {"document_name": "bls.pdf", "document_base64": base64.b64encode(PDF).decode()}
    r = api.post(f"/credentials/{cred.pk}/document", body, user=world.coordinator_a)
    assert r.status_code == 200, r.content
    assert r.json()["has_document"] is True
    # the nurse downloads her own; a nurse of another unit cannot
    r = client.get(f"/api/v1/credentials/{cred.pk}/document", headers=bearer(world.nurse_a))
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert r["Content-Type"] == "application/pdf" and "attachment" in r["Content-Disposition"]
    assert client.get(f"/api/v1/credentials/{cred.pk}/document", headers=bearer(world.nurse_b)).status_code == 404
    # multipart, with a file whose content is not what its name says
    fake = SimpleUploadedFile("scan.png", b"GIF89a not a png", content_type="image/png")
    r = client.post(f"/api/v1/credentials/{cred.pk}/document", {"document": fake}, headers=bearer(world.hr_a))
    assert_error(r, 422, "validation_error", "document")
    good = SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")
    r = client.post(f"/api/v1/credentials/{cred.pk}/document", {"document": good}, headers=bearer(world.hr_a))
    assert r.status_code == 200, r.content


def test_credentials_due_report(world, api, staffing):
    today = clock.to_zone(clock.now(), world.site_a.time_zone).date()
    services.add_credential(
        world.hr_a,
        schemas.CredentialCreate(
            staff_id=staffing.nurse.pk,
            type_code="bls",
            issued_on=today - timedelta(days=700),
            expires_on=today + timedelta(days=20),
        ),
    )
    r = api.get("/credentials/due", user=world.coordinator_a)
    assert r.status_code == 200
    body = r.json()
    assert [d["staff_id"] for d in body["expiring"]] == [staffing.nurse.pk]
    # both ICU nurses lack an RN licence (a REQUIRED credential)
    assert {m["staff_id"] for m in body["missing"]} == {staffing.nurse.pk, staffing.coordinator.pk}
    assert_error(api.get("/credentials/due", user=world.nurse_a), 403, "permission_denied")


# --- may this person work? --------------------------------------------------------------------


def test_may_work_answers_with_reasons(world, api, staffing):
    url = f"/staff/{staffing.nurse.pk}/may-work"
    body = api.get(url, user=world.coordinator_a).json()
    assert body["ok"] is False and set(body["missing_credentials"]) == {"rn-licence", "bls"}
    for code, number in (("rn-licence", "RN1"), ("bls", "")):
        services.add_credential(
            world.hr_a,
            schemas.CredentialCreate(
                staff_id=staffing.nurse.pk, type_code=code, number=number, issued_on=date(2020, 1, 1)
            ),
        )
    start = datetime(2026, 6, 1, 7, tzinfo=clock.UTC).isoformat().replace("+00:00", "Z")
    r = api.get(f"{url}?unit_id={world.icu_a.pk}&start={start}", user=world.coordinator_a)
    assert r.json() == {"ok": True, "reasons": [], "missing_credentials": []}
    r = api.get(f"{url}?unit_id={world.ms_a.pk}", user=world.director_a)
    assert r.json()["ok"] is False and "oriented" in r.json()["reasons"][0]
    assert_error(
        api.get(f"{url}?start=2026-06-01T07:00:00Z&end=2026-06-01T06:00:00Z", user=world.director_a),
        422,
        "validation_error",
        "end",
    )
    assert_error(api.get(url, user=world.director_b), 404, "not_found")


# --- work rules and requirements ------------------------------------------------------------------


def test_site_rules_are_managed_by_the_site_and_shared_ones_by_administrators(world, api, staffing):
    body = {
        "code": "alpha-union",
        "name": "Alpha union",
        "source": "Contract art. 7",
        "site_id": world.site_a.pk,
        "min_rest_minutes": 720,
    }
    r = api.post("/work-rules", body, user=world.director_a)
    assert r.status_code == 201, r.content
    pack = r.json()
    assert_error(
        api.post("/work-rules", body | {"code": "x", "site_id": None}, user=world.director_a), 403, "permission_denied"
    )
    assert_error(api.post("/work-rules", body | {"code": "y"}, user=world.hr_a), 403, "permission_denied")
    assert api.post("/work-rules", body | {"code": "shared", "site_id": None}, user=world.superuser).status_code == 201
    # everyone who sees staff reads the site's and the shared packs; another site sees only the shared ones
    assert pack["id"] in ids(api.get("/work-rules", user=world.coordinator_a))
    assert pack["id"] not in ids(api.get("/work-rules", user=world.director_b))
    assert_error(api.get(f"/work-rules/{pack['id']}", user=world.director_b), 404, "not_found")
    assert_error(
        api.patch(f"/work-rules/{staffing.rules.pk}", {"version": 1, "name": "x"}, user=world.director_a),
        403,
        "permission_denied",
    )
    r = api.patch(f"/work-rules/{pack['id']}", {"version": 1, "is_active": False}, user=world.compliance_a)
    assert r.status_code == 200 and r.json()["is_active"] is False
    # a pack still in use stays active
    assert_error(
        api.patch(f"/work-rules/{staffing.rules.pk}", {"version": 1, "is_active": False}, user=world.superuser),
        422,
        "validation_error",
        "is_active",
    )


def test_requirements_are_data(world, api, staffing):
    body = {
        "type_code": "bls",
        "site_id": world.site_a.pk,
        "unit_kind": "med_surg",
        "task": "chemotherapy",
        "source": "Alpha policy 12",
    }
    r = api.post("/credentials/requirements", body, user=world.director_a)
    assert r.status_code == 201, r.content
    req = r.json()
    assert req["task"] == "chemotherapy" and req["type_code"] == "bls"
    assert_error(
        api.post("/credentials/requirements", body | {"type_code": "nope"}, user=world.director_a),
        422,
        "validation_error",
        "type_code",
    )
    assert_error(api.post("/credentials/requirements", body, user=world.coordinator_a), 403, "permission_denied")
    r = api.patch(f"/credentials/requirements/{req['id']}", {"version": 1, "is_active": False}, user=world.director_a)
    assert r.status_code == 200 and r.json()["is_active"] is False
    assert_error(api.get(f"/credentials/requirements/{req['id']}", user=world.director_b), 404, "not_found")
    assert api.get("/credentials/requirements?include_inactive=true", user=world.auditor_a).status_code == 200


def test_termination_scheduled_in_the_future_waits(world, api, staffing):
    later = (clock.now() + timedelta(days=3)).isoformat()
    r = api.post(
        f"/staff/{staffing.nurse.pk}/events",
        {"version": 1, "kind": "termination", "reason": "End of contract", "effective_at": later},
        user=world.hr_a,
    )
    assert r.status_code == 201 and r.json()["applied_at"] is None
    staffing.nurse.refresh_from_db()
    assert staffing.nurse.status == StaffStatus.ACTIVE
    world.nurse_a.refresh_from_db()
    assert world.nurse_a.is_active


def test_credential_list_scoped(world, api, staffing):
    mine = services.add_credential(
        world.hr_a, schemas.CredentialCreate(staff_id=staffing.nurse.pk, type_code="bls", issued_on=date(2025, 1, 1))
    )
    theirs = services.add_credential(
        world.hr_a, schemas.CredentialCreate(staff_id=staffing.ms_nurse.pk, type_code="bls", issued_on=date(2025, 1, 1))
    )
    assert ids(api.get("/credentials", user=world.nurse_a)) == {mine.pk}
    assert ids(api.get("/credentials", user=world.coordinator_a)) == {mine.pk}
    assert ids(api.get("/credentials", user=world.hr_a)) == {mine.pk, theirs.pk}
    assert ids(api.get("/credentials", user=world.director_b)) == set()
    assert Credential.objects.count() == 2


def test_credential_state_boundaries_in_the_sites_time(world, api, staffing):
    import time_machine

    def add(expires):
        return services.add_credential(
            world.hr_a,
            schemas.CredentialCreate(
                staff_id=staffing.nurse.pk, type_code="bls", issued_on=date(2025, 1, 1), expires_on=expires
            ),
        )

    # 03:00 UTC on 1 June is still 31 May in New York (the site's zone)
    with time_machine.travel(datetime(2026, 6, 1, 3, 0, tzinfo=clock.UTC), tick=False):
        today = date(2026, 5, 31)
        states = {
            "in 91 days": add(today + timedelta(days=91)),
            "in 90 days": add(today + timedelta(days=90)),
            "today": add(today),
            "yesterday": add(today - timedelta(days=1)),
        }
        got = {k: api.get(f"/credentials/{c.pk}", user=world.hr_a).json()["state"] for k, c in states.items()}
    assert got == {"in 91 days": "valid", "in 90 days": "expiring", "today": "expiring", "yesterday": "expired"}

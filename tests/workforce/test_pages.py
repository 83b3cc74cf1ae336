"""The workforce pages through the test client: who sees what (pay only for
view_pay holders), forms calling the services, documents behind a permission."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from caredesk.core import clock
from caredesk.workforce import schemas, services
from caredesk.workforce.models import Credential, CredentialRequirement, EmploymentEvent, StaffMember, WorkRules
from tests.workforce.conftest import PDF, PNG

pytestmark = pytest.mark.django_db


def page(client, user, url, **kw):
    client.force_login(user)
    return client.get(url, **kw)


def detail(staff):
    return reverse("workforce:staff_detail", args=[staff.pk])


# --- the profile: who sees it, and pay -----------------------------------------------------


def test_the_nurse_sees_her_own_record_but_not_others_nor_her_pay(world, client, staffing):
    r = page(client, world.nurse_a, detail(staffing.nurse))
    assert r.status_code == 200
    text = r.content.decode()
    assert "A-100" in text and "Test 40h" in text and "29 USC 207(a)(1)" in text
    assert "48.25" not in text and 'id="pay"' not in text
    assert page(client, world.nurse_a, detail(staffing.coordinator)).status_code == 404
    r = page(client, world.nurse_a, reverse("workforce:my_record"))
    assert r.status_code == 302 and r["Location"] == detail(staffing.nurse)
    # the staff list sends her to her own record
    r = page(client, world.nurse_a, reverse("workforce:staff_list"))
    assert r.status_code == 302 and r["Location"] == reverse("workforce:my_record")


def test_the_coordinator_sees_her_units_staff_and_credentials_but_not_pay(world, client, staffing):
    services.add_credential(
        world.hr_a,
        schemas.CredentialCreate(
            staff_id=staffing.nurse.pk, type_code="bls", issued_on=date(2025, 1, 1), expires_on=date(2099, 1, 1)
        ),
    )
    r = page(client, world.coordinator_a, detail(staffing.nurse))
    assert r.status_code == 200
    text = r.content.decode()
    assert "BLS" in text and "Valid" in text
    assert "48.25" not in text and "4.50" not in text and 'id="pay"' not in text
    assert page(client, world.coordinator_a, detail(staffing.ms_nurse)).status_code == 404
    r = page(client, world.coordinator_a, reverse("workforce:staff_list"))
    assert "A-100" in r.content.decode() and "A-200" not in r.content.decode()


@pytest.mark.parametrize("persona", ["hr_a", "director_a", "finance_a"])
def test_hr_director_and_finance_see_pay_on_the_profile(world, client, staffing, persona):
    r = page(client, world.persona(persona), detail(staffing.ms_nurse))
    assert r.status_code == 200 and 'id="pay"' in r.content.decode() and "48.25" in r.content.decode()


def test_another_site_cannot_open_the_profile(world, client, staffing):
    assert page(client, world.director_b, detail(staffing.nurse)).status_code == 404


def test_profile_shows_the_may_work_check_for_the_home_unit(world, client, staffing):
    r = page(client, world.coordinator_a, detail(staffing.nurse))
    assert 'id="may-work"' in r.content.decode() and "no valid RN licence on record" in r.content.decode()
    for code, number in (("rn-licence", "RN1"), ("bls", "")):
        services.add_credential(
            world.hr_a,
            schemas.CredentialCreate(
                staff_id=staffing.nurse.pk, type_code=code, number=number, issued_on=date(2020, 1, 1)
            ),
        )
    r = page(client, world.coordinator_a, detail(staffing.nurse))
    assert "qualified for this unit now" in r.content.decode()


def test_staff_list_filters(world, client, staffing):
    client.force_login(world.hr_a)
    url = reverse("workforce:staff_list")
    text = client.get(url, {"q": "msnurse"}).content.decode()
    assert "A-200" in text and "A-100" not in text
    text = client.get(url, {"unit": world.icu_a.pk}).content.decode()
    assert "A-100" in text and "A-200" not in text
    text = client.get(url, {"status": "on_leave"}).content.decode()
    assert "A-100" not in text
    text = client.get(url, {"discipline": "lpn"}).content.decode()
    assert "A-100" not in text


# --- forms -----------------------------------------------------------------------------------


def test_create_staff_page_lists_only_people_without_a_record_and_creates(world, client, staffing):
    client.force_login(world.hr_a)
    url = reverse("workforce:staff_create")
    text = client.get(url).content.decode()
    assert "assistant_a" in text and "(nurse_a)" not in text and "nurse_b" not in text
    r = client.post(
        url,
        {
            "site": world.site_a.pk,
            "user": world.assistant_a.pk,
            "employee_number": "A-500",
            "discipline": "rn",
            "job_title": "Assistant Director",
            "home_unit": world.ms_a.pk,
            "other_units": [world.icu_a.pk],
            "fte": "1.00",
            "contracted_hours_per_week": "40",
            "work_rules": staffing.rules.pk,
            "hourly_rate": "70",
            "night_differential": "0",
            "weekend_differential": "0",
            "hire_date": "2024-02-01",
        },
    )
    staff = StaffMember.objects.get(employee_number="A-500")
    assert r.status_code == 302 and r["Location"] == detail(staff)
    assert list(staff.other_units.all()) == [world.icu_a]
    # a duplicate number is refused on the field
    r = client.post(
        url,
        {
            "site": world.site_a.pk,
            "user": world.admin_a.pk,
            "employee_number": "A-500",
            "discipline": "rn",
            "job_title": "x",
            "fte": "1",
            "contracted_hours_per_week": "40",
            "work_rules": staffing.rules.pk,
            "hourly_rate": "1",
            "night_differential": "0",
            "weekend_differential": "0",
            "hire_date": "2024-02-01",
        },
    )
    assert r.status_code == 200 and "Another staff member of this site has this employee number" in r.content.decode()
    assert page(client, world.coordinator_a, url).status_code == 403


def test_edit_staff_page(world, client, staffing):
    client.force_login(world.hr_a)
    url = reverse("workforce:staff_edit", args=[staffing.nurse.pk])
    assert client.get(url).status_code == 200
    r = client.post(
        url,
        {"version": 1, "employee_number": "A-100b", "other_units": [world.ms_a.pk], "work_rules": staffing.rules.pk},
    )
    assert r.status_code == 302
    staffing.nurse.refresh_from_db()
    assert staffing.nurse.employee_number == "A-100b" and staffing.nurse.version == 2
    r = client.post(url, {"version": 1, "employee_number": "A-100c", "work_rules": staffing.rules.pk})
    assert r.status_code == 200 and "changed by someone else" in r.content.decode()
    assert page(client, world.coordinator_a, url).status_code == 403


def test_event_pages_promotion_and_termination(world, client, staffing):
    client.force_login(world.hr_a)
    url = reverse("workforce:event_create", args=[staffing.nurse.pk])
    text = client.get(url, {"kind": "termination"}).content.decode()
    assert "revokes their log-in and every API token" in text
    # without the confirmation nothing happens
    r = client.post(url, {"kind": "termination", "version": 1, "effective_at": "2026-01-01T08:00", "reason": "Moved"})
    assert r.status_code == 200 and not EmploymentEvent.objects.filter(kind="termination").exists()
    r = client.post(
        url,
        {
            "kind": "promotion",
            "version": 1,
            "effective_at": "2026-01-01T08:00",
            "job_title": "Senior Nurse",
            "hourly_rate": "52.00",
        },
    )
    assert r.status_code == 302
    staffing.nurse.refresh_from_db()
    assert staffing.nurse.job_title == "Senior Nurse"
    event = EmploymentEvent.objects.get(kind="promotion")
    # entered in the site's time (New York, EST in January)
    assert event.effective_at == clock.to_zone(event.effective_at, "UTC").replace(hour=13, minute=0)
    r = client.post(
        url,
        {
            "kind": "termination",
            "version": 2,
            "effective_at": "2026-01-02T08:00",
            "reason": "Moved away",
            "confirm": "on",
        },
    )
    assert r.status_code == 302
    world.nurse_a.refresh_from_db()
    assert not world.nurse_a.is_active
    # the coordinator sees the history without pay figures
    text = page(client, world.coordinator_a, detail(staffing.nurse)).content.decode()
    assert "Senior Nurse" in text and "52.00" not in text


def test_assistant_director_records_events_but_never_pay(world, client, staffing):
    client.force_login(world.assistant_a)
    url = reverse("workforce:event_create", args=[staffing.nurse.pk])
    text = client.get(url, {"kind": "promotion"}).content.decode()
    assert 'name="hourly_rate"' not in text
    assert "rate_change" not in client.get(url).content.decode()


def test_credential_pages_upload_download_renew_revoke(world, client, staffing):
    client.force_login(world.coordinator_a)
    url = reverse("workforce:credential_create", args=[staffing.nurse.pk])
    r = client.post(
        url,
        {
            "type_code": "bls",
            "issued_on": "2025-01-01",
            "expires_on": "2027-01-01",
            "document": SimpleUploadedFile("bls.png", PNG, content_type="image/png"),
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    cred = Credential.objects.get(staff=staffing.nurse)
    assert cred.document.name.endswith(".png") and "bls.png" not in cred.document.name
    download = reverse("workforce:credential_document", args=[cred.pk])
    r = client.get(download)
    assert r.status_code == 200 and b"".join(r.streaming_content) == PNG and r["Content-Type"] == "image/png"
    assert page(client, world.nurse_a, download).status_code == 200  # her own
    client.force_login(world.director_b)
    assert client.get(download).status_code == 404
    # a file that is not what it says, or too large, is refused on the field
    client.force_login(world.coordinator_a)
    r = client.post(
        url,
        {"type_code": "bls", "issued_on": "2025-01-01", "document": SimpleUploadedFile("x.pdf", b"MZ\x90 executable")},
    )
    assert r.status_code == 200 and "is not a PDF" in r.content.decode()
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (5 * 1024 * 1024))
    r = client.post(url, {"type_code": "bls", "issued_on": "2025-01-01", "document": big})
    assert r.status_code == 200 and "larger than 5 MB" in r.content.decode()
    assert Credential.objects.filter(staff=staffing.nurse).count() == 1
    # renew with a new expiry and a PDF
    renew = reverse("workforce:credential_renew", args=[cred.pk])
    r = client.post(
        renew,
        {
            "version": 1,
            "issued_on": "2026-01-01",
            "expires_on": "2028-01-01",
            "document": SimpleUploadedFile("new.pdf", PDF),
        },
    )
    assert r.status_code == 302
    cred.refresh_from_db()
    assert cred.expires_on == date(2028, 1, 1) and cred.document.name.endswith(".pdf")
    r = client.post(reverse("workforce:credential_revoke", args=[cred.pk]), {"reason": "Audit finding"})
    assert r.status_code == 302
    cred.refresh_from_db()
    assert cred.revoked_at is not None
    # a nurse cannot add credentials
    assert page(client, world.nurse_a, url).status_code == 403


def test_document_is_never_under_a_public_url(world, client, staffing):
    cred = services.add_credential(
        world.hr_a,
        schemas.CredentialCreate(staff_id=staffing.nurse.pk, type_code="bls", issued_on=date(2025, 1, 1)),
        document=SimpleUploadedFile("a.pdf", PDF),
    )
    client.force_login(world.hr_a)
    text = client.get(detail(staffing.nurse)).content.decode()
    assert cred.document.name not in text and "/media/" not in text
    assert client.get("/media/" + cred.document.name).status_code == 404


def test_credentials_due_page(world, client, staffing):
    today = clock.to_zone(clock.now(), world.site_a.time_zone).date()
    services.add_credential(
        world.hr_a,
        schemas.CredentialCreate(
            staff_id=staffing.nurse.pk,
            type_code="bls",
            issued_on=today - timedelta(days=800),
            expires_on=today - timedelta(days=3),
        ),
    )
    services.add_credential(
        world.hr_a,
        schemas.CredentialCreate(
            staff_id=staffing.ms_nurse.pk,
            type_code="bls",
            issued_on=today - timedelta(days=800),
            expires_on=today + timedelta(days=45),
        ),
    )
    r = page(client, world.hr_a, reverse("workforce:credentials_due"))
    text = r.content.decode()
    assert r.status_code == 200 and "Expired" in text and "Expiring within 90 days" in text
    assert text.index("Nurse A") < text.index("Msnurse A")  # sorted by date
    assert "no valid RN licence on record" in text
    text = page(client, world.coordinator_a, reverse("workforce:credentials_due")).content.decode()
    assert "Nurse A" in text and "Msnurse A" not in text
    assert page(client, world.nurse_a, reverse("workforce:credentials_due")).status_code == 403


def test_rules_pages(world, client, staffing):
    WorkRules.objects.create(code="alpha-own", name="Alpha own pack", source="Alpha contract", site=world.site_a)
    text = page(client, world.coordinator_a, reverse("workforce:rules_list")).content.decode()
    assert "Alpha own pack" in text and "Test 40h" in text and "state board" in text
    assert "Alpha own pack" not in page(client, world.director_b, reverse("workforce:rules_list")).content.decode()
    client.force_login(world.director_a)
    r = client.post(
        reverse("workforce:rules_create"),
        {
            "site": world.site_a.pk,
            "code": "alpha-12h",
            "name": "Alpha 12h",
            "source": "Union art. 4",
            "min_rest_minutes": 720,
            "min_consecutive_days_off": 2,
            "overtime_basis": "flsa_40",
        },
    )
    assert r.status_code == 302
    pack = WorkRules.objects.get(code="alpha-12h")
    assert pack.site == world.site_a
    r = client.post(
        reverse("workforce:rules_edit", args=[pack.pk]),
        {
            "version": 1,
            "name": "Alpha 12h",
            "source": "Union art. 4",
            "min_rest_minutes": 720,
            "min_consecutive_days_off": 2,
            "overtime_basis": "flsa_40",
        },
    )
    pack.refresh_from_db()
    assert r.status_code == 302 and not pack.is_active
    assert page(client, world.director_a, reverse("workforce:rules_edit", args=[staffing.rules.pk])).status_code == 403
    client.force_login(world.director_a)
    r = client.post(
        reverse("workforce:requirement_create"),
        {
            "type_code": "bls",
            "site": world.site_a.pk,
            "unit_kind": "icu",
            "source": "Alpha ICU policy",
        },
    )
    assert r.status_code == 302
    req = CredentialRequirement.objects.get(source="Alpha ICU policy")
    r = client.post(
        reverse("workforce:requirement_edit", args=[req.pk]),
        {"version": 1, "source": "Alpha ICU policy v2", "is_active": "on"},
    )
    req.refresh_from_db()
    assert r.status_code == 302 and req.source == "Alpha ICU policy v2"
    assert page(client, world.coordinator_a, reverse("workforce:rules_create")).status_code == 403


def test_import_page_dry_run_and_import(world, client, staffing):
    from tests.workforce.test_import import STAFF_HEADER, csv_bytes, staff_row

    client.force_login(world.hr_a)
    url = reverse("workforce:staff_import")
    text = client.get(url).content.decode()
    assert "employee_number" in text and "credential_code" in text
    bad = csv_bytes(STAFF_HEADER, [staff_row(1), staff_row(2, fte="x"), staff_row(3, hire_date="")])
    r = client.post(url, {"site": world.site_a.pk, "file": SimpleUploadedFile("s.csv", bad), "confirm": "on"})
    text = r.content.decode()
    assert "Nothing was imported" in text and "<strong>fte</strong>" in text and "<strong>hire_date</strong>" in text
    assert not StaffMember.objects.filter(employee_number="A-901").exists()
    good = csv_bytes(STAFF_HEADER, [staff_row(1)])
    r = client.post(url, {"site": world.site_a.pk, "file": SimpleUploadedFile("s.csv", good)})
    assert "Dry run" in r.content.decode() and not StaffMember.objects.filter(employee_number="A-901").exists()
    r = client.post(url, {"site": world.site_a.pk, "file": SimpleUploadedFile("s.csv", good), "confirm": "on"})
    assert StaffMember.objects.filter(employee_number="A-901").exists()
    assert page(client, world.coordinator_a, url).status_code == 403


def test_navigation(world, client, staffing):
    from caredesk.web.navigation import items_for, personal_items

    def labels(user):
        out = set()
        for item in items_for(user, "/"):
            out |= {str(c["label"]) for c in item.get("children", [item])}
        return out | {str(i["label"]) for i in personal_items(user)}

    assert {"Staff", "Credentials due", "My record"} <= labels(world.coordinator_a)
    assert "Staff" not in labels(world.nurse_a) and "My record" in labels(world.nurse_a)
    assert "Credentials due" not in labels(world.finance_a)

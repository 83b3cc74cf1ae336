"""Import of staff and credentials from real CSV and Excel files: a per-row
report naming the column, a dry run that writes nothing, and all or nothing."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from caredesk.accounts.models import RoleGrant, User
from caredesk.core.models import AuditEvent
from caredesk.workforce import imports
from caredesk.workforce.models import Credential, StaffMember
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

STAFF_HEADER = imports.STAFF_COLUMNS
CRED_HEADER = imports.CREDENTIAL_COLUMNS


def staff_row(n, **over):
    row = {
        "username": f"import{n}_a",
        "first_name": f"Ima{n}",
        "last_name": "Porter",
        "email": f"ima{n}@example.org",
        "employee_number": f"A-9{n:02d}",
        "discipline": "rn",
        "job_title": "Staff Nurse",
        "home_unit_code": "A-ICU",
        "fte": "0.9",
        "contracted_hours_per_week": "36",
        "work_rules_code": "test-40",
        "hourly_rate": "47.50",
        "hire_date": "2019-03-04",
    }
    row.update(over)
    return [row[c] for c in STAFF_HEADER]


def cred_row(n, **over):
    row = {
        "employee_number": f"A-9{n:02d}",
        "credential_code": "bls",
        "number": "",
        "issuer": "AHA",
        "issued_on": "2025-01-01",
        "expires_on": "2027-01-01",
    }
    row.update(over)
    return [row[c] for c in CRED_HEADER]


def csv_bytes(header, rows):
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def xlsx_bytes(staff_rows, cred_rows):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "staff"
    ws.append(STAFF_HEADER)
    for r in staff_rows:
        ws.append(r)
    wc = book.create_sheet("credentials")
    wc.append(CRED_HEADER)
    for r in cred_rows:
        wc.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def counts():
    return (User.objects.count(), StaffMember.objects.count(), Credential.objects.count(), AuditEvent.objects.count())


def test_csv_dry_run_reports_and_writes_nothing(world, staffing):
    before = counts()
    content = csv_bytes(STAFF_HEADER, [staff_row(1), staff_row(2)])
    report = imports.import_file(world.hr_a, world.site_a.pk, "staff.csv", content, dry_run=True)
    assert report.ok and not report.written and report.staff_rows == 2
    assert counts() == before


def test_csv_import_creates_log_ins_staff_records_and_hire_events(world, staffing):
    content = csv_bytes(STAFF_HEADER, [staff_row(1), staff_row(2, discipline="lpn", home_unit_code="a-4w")])
    report = imports.import_file(world.hr_a, world.site_a.pk, "staff.csv", content, dry_run=False)
    assert report.ok and report.written
    person = User.objects.get(username="import1_a")
    assert person.has_usable_password() and not person.check_password("")
    grant = RoleGrant.objects.get(user=person)
    assert (grant.role, grant.unit_id, grant.discipline) == ("clinician", world.icu_a.pk, "rn")
    staff = StaffMember.objects.get(user=person)
    assert staff.employee_number == "A-901" and staff.contracted_minutes_per_week == 36 * 60
    assert staff.events.get().kind == "hire"
    second = StaffMember.objects.get(user__username="import2_a")
    assert second.home_unit == world.ms_a and second.discipline == "lpn"
    # the random password is nowhere in the audit trail
    assert not AuditEvent.objects.filter(after__icontains="password").exists()


def test_a_file_with_two_bad_rows_writes_nothing_and_reports_both(world, staffing):
    before = counts()
    content = csv_bytes(
        STAFF_HEADER,
        [staff_row(1), staff_row(2, fte="lots"), staff_row(3), staff_row(4, home_unit_code="NOPE")],
    )
    report = imports.import_file(world.hr_a, world.site_a.pk, "staff.csv", content, dry_run=False)
    assert not report.ok and not report.written
    refused = {(r.row, p.column) for r in report.refused for p in r.problems}
    assert refused == {(3, "fte"), (5, "home_unit_code")}  # file rows (the header is row 1)
    assert counts() == before


def test_xlsx_with_staff_and_credentials_sheets(world, staffing):
    content = xlsx_bytes(
        [staff_row(1), staff_row(2)],
        [cred_row(1), cred_row(2, credential_code="rn-licence", number="RN-55"), cred_row(1, expires_on=None)],
    )
    report = imports.import_file(world.hr_a, world.site_a.pk, "people.xlsx", content, dry_run=False)
    assert report.ok and report.written, [(r.row, r.problems) for r in report.refused]
    assert report.staff_rows == 2 and report.credential_rows == 3
    assert Credential.objects.filter(staff__employee_number="A-901").count() == 2
    assert Credential.objects.get(number="RN-55").staff.employee_number == "A-902"


def test_xlsx_credentials_refused_name_their_column(world, staffing):
    before = counts()
    content = xlsx_bytes(
        [staff_row(1)],
        [
            cred_row(1, credential_code="unicorn"),
            cred_row(7),
            cred_row(1, credential_code="rn-licence"),
            cred_row(1, issued_on="2025-13-45"),
            cred_row(1, expires_on="2020-01-01"),
        ],
    )
    report = imports.import_file(world.hr_a, world.site_a.pk, "people.xlsx", content, dry_run=False)
    refused = {(r.sheet, r.row, p.column) for r in report.refused for p in r.problems}
    assert refused == {
        ("credentials", 2, "credential_code"),
        ("credentials", 3, "employee_number"),
        ("credentials", 4, "number"),
        ("credentials", 5, "issued_on"),
        ("credentials", 6, "expires_on"),
    }
    assert counts() == before


def test_missing_columns_and_wrong_files_are_refused(world, staffing):
    report = imports.import_file(world.hr_a, world.site_a.pk, "s.csv", b"username,first_name\nx,y\n")
    assert {p.column for p in report.problems} >= {"last_name", "employee_number", "hire_date"}
    report = imports.import_file(world.hr_a, world.site_a.pk, "s.txt", b"hello")
    assert report.problems and report.problems[0].column == "file"
    report = imports.import_file(world.hr_a, world.site_a.pk, "s.xlsx", b"not a zip")
    assert report.problems


def test_existing_log_ins_and_duplicates(world, staffing):
    content = csv_bytes(
        STAFF_HEADER,
        [
            staff_row(1, username="nurse_a"),
            staff_row(2, username="assistant_a"),
            staff_row(3, username="nurse_b"),
            staff_row(4, employee_number="A-100"),
        ],
    )
    report = imports.import_file(world.hr_a, world.site_a.pk, "s.csv", content, dry_run=True)
    refused = {(r.row, p.column) for r in report.refused for p in r.problems}
    # nurse_a already has a record; assistant_a (a role on the site, no record) is fine;
    # nurse_b belongs to another site; A-100 is nurse_a's number
    assert refused == {(2, "username"), (4, "username"), (5, "employee_number")}


def test_only_hr_and_leaders_may_import(world, staffing):
    from caredesk.core import errors

    content = csv_bytes(STAFF_HEADER, [staff_row(1)])
    for persona in ("coordinator_a", "nurse_a", "finance_a", "director_b"):
        with pytest.raises((errors.PermissionDenied, errors.NotFound)):
            imports.import_file(world.persona(persona), world.site_a.pk, "s.csv", content)


def test_api_import_multipart_dry_run_then_real(world, client, staffing):
    content = csv_bytes(STAFF_HEADER, [staff_row(1), staff_row(2, hire_date="yesterday")])
    upload = SimpleUploadedFile("staff.csv", content, content_type="text/csv")
    r = client.post(
        f"/api/v1/staff/import?site_id={world.site_a.pk}&dry_run=true", {"file": upload}, headers=bearer(world.hr_a)
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["ok"] is False and body["written"] is False and body["refused_rows"] == 1
    assert body["rows"][1]["problems"][0]["column"] == "hire_date"
    upload = SimpleUploadedFile("staff.csv", content, content_type="text/csv")
    r = client.post(
        f"/api/v1/staff/import?site_id={world.site_a.pk}&dry_run=false", {"file": upload}, headers=bearer(world.hr_a)
    )
    assert r.status_code == 422
    assert "staff row 3: hire_date" in r.json()["error"]["fields"]
    assert not User.objects.filter(username="import1_a").exists()
    good = csv_bytes(STAFF_HEADER, [staff_row(1)])
    r = client.post(
        f"/api/v1/staff/import?site_id={world.site_a.pk}&dry_run=false",
        {"file": SimpleUploadedFile("staff.csv", good)},
        headers=bearer(world.hr_a),
    )
    assert r.status_code == 200 and r.json()["written"] is True
    assert User.objects.filter(username="import1_a").exists()
    r = client.post(
        f"/api/v1/staff/import?site_id={world.site_a.pk}",
        {"file": SimpleUploadedFile("staff.csv", good)},
        headers=bearer(world.coordinator_a),
    )
    assert r.status_code == 403

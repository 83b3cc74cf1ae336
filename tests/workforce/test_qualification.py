"""The one qualification check, credential expiry warnings (time-driven state)
and terminations that revoke access at their effective time."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from caredesk.accounts import schemas as account_schemas
from caredesk.accounts import services as account_services
from caredesk.core import errors
from caredesk.core.models import AuditEvent, Notification
from caredesk.workforce import qualification, schemas, services, tasks
from caredesk.workforce.models import (
    Credential,
    CredentialKind,
    CredentialRequirement,
    CredentialType,
    StaffMember,
    StaffStatus,
    WorkRules,
)

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")


@pytest.fixture
def setup(world):
    rules = WorkRules.objects.create(code="test-40", name="Test 40h", source="29 USC 207(a)(1)", min_rest_minutes=600)
    licence = CredentialType.objects.create(
        code="rn-licence", name="RN licence", kind=CredentialKind.LICENCE, requires_number=True
    )
    bls = CredentialType.objects.create(code="bls", name="BLS", kind=CredentialKind.CERTIFICATION)
    acls = CredentialType.objects.create(code="acls", name="ACLS", kind=CredentialKind.CERTIFICATION)
    chemo = CredentialType.objects.create(
        code="chemotherapy", name="Chemotherapy competency", kind=CredentialKind.COMPETENCY
    )
    CredentialRequirement.objects.create(credential_type=licence, discipline="rn", source="state board")
    CredentialRequirement.objects.create(credential_type=bls, discipline="rn", source="hospital policy")
    CredentialRequirement.objects.create(
        credential_type=acls, discipline="rn", unit_kind="icu", source="critical care competency"
    )
    CredentialRequirement.objects.create(
        credential_type=chemo, discipline="rn", task="chemotherapy", source="ONS standard"
    )
    staff = services.create_staff(
        world.hr_a,
        schemas.StaffCreate(
            user_id=world.nurse_a.pk,
            site_id=world.site_a.pk,
            home_unit_id=world.icu_a.pk,
            employee_number="A-100",
            discipline="rn",
            job_title="Staff Nurse",
            fte=Decimal("0.9"),
            contracted_minutes_per_week=36 * 60,
            work_rules_id=rules.pk,
            hourly_rate=Decimal("48.00"),
            hire_date=date(2020, 1, 6),
        ),
    )
    for code, expires in (("rn-licence", date(2027, 6, 30)), ("bls", date(2026, 12, 31)), ("acls", date(2027, 3, 31))):
        services.add_credential(
            world.hr_a,
            schemas.CredentialCreate(
                staff_id=staff.pk,
                type_code=code,
                number="RN123" if code == "rn-licence" else "",
                issued_on=date(2025, 1, 1),
                expires_on=expires,
            ),
            now=datetime(2026, 1, 1, tzinfo=NY),
        )
    return staff


def shift(day: date, start_hour: int, hours: int) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day, start_hour, tzinfo=NY)
    return start, start + timedelta(hours=hours)


def test_qualified_nurse_may_work_her_unit(world, setup):
    start, end = shift(date(2026, 12, 1), 7, 12)
    verdict = qualification.may_work(setup, unit=world.icu_a, start=start, end=end)
    assert verdict.ok and verdict.reasons == ()


def test_a_night_shift_that_ends_after_expiry_is_refused(world, setup):
    # BLS is valid through 31 Dec (site time); a night shift starting that evening ends on 1 Jan.
    day_shift = shift(date(2026, 12, 31), 7, 12)
    night_shift = shift(date(2026, 12, 31), 19, 12)
    assert qualification.may_work(setup, unit=world.icu_a, start=day_shift[0], end=day_shift[1]).ok
    verdict = qualification.may_work(setup, unit=world.icu_a, start=night_shift[0], end=night_shift[1])
    assert not verdict.ok and verdict.missing_credentials == ("bls",)
    assert "BLS expires on 2026-12-31" in verdict.reasons[0]


def test_unit_type_and_task_requirements(world, setup):
    Credential.objects.filter(type__code="acls").update(revoked_at=datetime(2026, 2, 1, tzinfo=NY))
    start, end = shift(date(2026, 12, 1), 7, 12)
    verdict = qualification.may_work(setup, unit=world.icu_a, start=start, end=end)
    assert verdict.missing_credentials == ("acls",) and "no valid ACLS" in verdict.reasons[0]
    setup.other_units.add(world.ms_a)
    assert qualification.may_work(setup, unit=world.ms_a, start=start, end=end).ok  # med-surg needs no ACLS
    verdict = qualification.may_work(setup, unit=world.ms_a, start=start, end=end, task="chemotherapy")
    assert verdict.missing_credentials == ("chemotherapy",)


def test_units_not_oriented_to_and_other_sites_are_refused(world, setup):
    start, end = shift(date(2026, 12, 1), 7, 12)
    assert "not oriented" in qualification.may_work(setup, unit=world.ms_a, start=start, end=end).reasons[0]
    assert "another site" in " ".join(qualification.may_work(setup, unit=world.ltc_b, start=start, end=end).reasons)


def test_leave_and_termination_block_work(world, setup):
    start, end = shift(date(2026, 12, 1), 7, 12)
    StaffMember.objects.filter(pk=setup.pk).update(status=StaffStatus.ON_LEAVE)
    setup.refresh_from_db()
    assert qualification.may_work(setup, unit=world.icu_a, start=start, end=end).reasons == ("on leave",)


def test_may_work_many_agrees_with_may_work(world, setup):
    start, end = shift(date(2026, 12, 31), 19, 12)
    many = qualification.may_work_many([setup], unit=world.icu_a, start=start, end=end)
    assert many[setup.pk] == qualification.may_work(setup, unit=world.icu_a, start=start, end=end)


# --- expiry warnings -----------------------------------------------------------------


def test_warning_moments_are_local_midnights():
    moments = qualification.warning_moments(date(2026, 12, 31), "America/New_York")
    assert [(m.astimezone(NY).date(), d) for m, d in moments] == [
        (date(2026, 10, 2), 90),
        (date(2026, 11, 1), 60),
        (date(2026, 12, 1), 30),
    ]
    # 2 Oct is daylight time (UTC-4), 1 Dec standard time (UTC-5): each is local midnight.
    assert moments[0][0].hour == 4 and moments[2][0].hour == 5


def test_each_warning_is_raised_once_at_its_boundary(world, setup):
    bls = Credential.objects.get(type__code="bls")
    ninety = datetime(2026, 10, 2, tzinfo=NY)
    assert bls.next_warning_at == ninety
    assert tasks.raise_credential_warnings(now=ninety - timedelta(seconds=1)) == 0
    assert tasks.raise_credential_warnings(now=ninety) == 1
    assert tasks.raise_credential_warnings(now=ninety + timedelta(minutes=15)) == 0  # claimed: not again
    notes = Notification.objects.filter(kind="credential.expiring")
    assert set(notes.values_list("recipient__username", flat=True)) == {"nurse_a", "coordinator_a"}
    assert "90 days" in notes.first().title
    bls.refresh_from_db()
    assert bls.next_warning_at == datetime(2026, 11, 1, tzinfo=NY)
    # Across the end of daylight saving (1 Nov 2026) the 60-day warning is still at local midnight.
    assert tasks.raise_credential_warnings(now=datetime(2026, 11, 1, tzinfo=NY)) == 1
    assert tasks.raise_credential_warnings(now=datetime(2026, 12, 1, tzinfo=NY)) == 1
    bls.refresh_from_db()
    assert bls.next_warning_at is None
    assert Notification.objects.filter(kind="credential.expiring", recipient=world.nurse_a).count() == 3


def test_a_credential_recorded_late_gets_the_latest_due_warning_at_once(world, setup):
    cred = services.add_credential(
        world.coordinator_a,
        schemas.CredentialCreate(
            staff_id=setup.pk, type_code="chemotherapy", issued_on=date(2024, 12, 1), expires_on=date(2026, 12, 15)
        ),
        now=datetime(2026, 10, 30, 9, tzinfo=NY),  # 46 days before expiry
    )
    assert cred.next_warning_at == datetime(2026, 10, 30, 9, tzinfo=NY)
    tasks.raise_credential_warnings(now=datetime(2026, 10, 30, 9, 5, tzinfo=NY))
    note = Notification.objects.get(
        recipient=world.nurse_a, kind="credential.expiring", dedupe_key__startswith=f"credential:{cred.pk}:"
    )
    assert "60 days" in note.title


def test_renewal_rearms_the_warnings(world, setup):
    bls = Credential.objects.get(type__code="bls")
    tasks.raise_credential_warnings(now=datetime(2026, 12, 2, tzinfo=NY))
    renewed = services.update_credential(
        world.hr_a,
        bls.pk,
        schemas.CredentialUpdate(version=bls.version, issued_on=date(2026, 12, 2), expires_on=date(2028, 12, 31)),
        now=datetime(2026, 12, 2, 10, tzinfo=NY),
    )
    assert renewed.next_warning_at == datetime(2028, 10, 2, tzinfo=NY)


def test_nurses_cannot_record_their_own_credentials(world, setup):
    with pytest.raises(errors.PermissionDenied):
        services.add_credential(
            world.nurse_a,
            schemas.CredentialCreate(staff_id=setup.pk, type_code="chemotherapy", issued_on=date(2026, 1, 1)),
        )


# --- employment events -------------------------------------------------------------------


def test_termination_revokes_log_in_and_tokens_at_its_effective_time(world, setup, client):
    _token, secret = account_services.create_api_token(world.nurse_a, account_schemas.TokenCreate(name="phone"))
    effective = datetime(2026, 12, 15, 17, tzinfo=NY)
    event = services.record_employment_event(
        world.hr_a,
        setup.pk,
        schemas.EmploymentEventCreate(
            version=setup.version, kind="termination", effective_at=effective, reason="Resigned"
        ),
        now=datetime(2026, 12, 1, tzinfo=NY),
    )
    assert event.applied_at is None
    headers = {"Authorization": f"Bearer {secret}"}
    with time_machine.travel(effective - timedelta(minutes=1)):
        assert services.apply_due_terminations() == 0
        assert client.get("/api/v1/me", headers=headers).status_code == 200
    with time_machine.travel(effective):
        assert services.apply_due_terminations() == 1
        assert services.apply_due_terminations() == 0  # once
        assert client.get("/api/v1/me", headers=headers).status_code == 401
    setup.refresh_from_db()
    world.nurse_a.refresh_from_db()
    assert setup.status == StaffStatus.TERMINATED and setup.end_date == date(2026, 12, 15)
    assert not world.nurse_a.is_active
    assert AuditEvent.objects.filter(action="workforce.revoke_access", object_id=str(setup.pk)).exists()


def test_termination_needs_a_reason_and_is_final(world, setup):
    with pytest.raises(errors.ValidationFailed) as exc:
        services.record_employment_event(
            world.hr_a,
            setup.pk,
            schemas.EmploymentEventCreate(
                version=setup.version, kind="termination", effective_at=datetime(2026, 1, 1, tzinfo=NY)
            ),
        )
    assert "reason" in exc.value.fields
    services.record_employment_event(
        world.hr_a,
        setup.pk,
        schemas.EmploymentEventCreate(
            version=setup.version,
            kind="termination",
            effective_at=datetime(2026, 1, 1, tzinfo=NY),
            reason="End of contract",
        ),
        now=datetime(2026, 1, 2, tzinfo=NY),
    )
    setup.refresh_from_db()
    with pytest.raises(errors.ValidationFailed):
        services.record_employment_event(
            world.hr_a,
            setup.pk,
            schemas.EmploymentEventCreate(
                version=setup.version, kind="leave_start", effective_at=datetime(2026, 2, 1, tzinfo=NY)
            ),
        )


def test_events_change_only_their_own_fields(world, setup):
    with pytest.raises(errors.ValidationFailed) as exc:
        services.record_employment_event(
            world.hr_a,
            setup.pk,
            schemas.EmploymentEventCreate(
                version=setup.version,
                kind="transfer",
                effective_at=datetime(2026, 3, 1, tzinfo=NY),
                hourly_rate=Decimal("90"),
            ),
        )
    assert "hourly_rate" in exc.value.fields
    event = services.record_employment_event(
        world.hr_a,
        setup.pk,
        schemas.EmploymentEventCreate(
            version=setup.version,
            kind="promotion",
            effective_at=datetime(2026, 3, 1, tzinfo=NY),
            job_title="Charge Nurse",
            hourly_rate=Decimal("52.00"),
        ),
    )
    setup.refresh_from_db()
    assert setup.job_title == "Charge Nurse" and setup.hourly_rate == Decimal("52.00")
    assert event.changes["job_title"] == ["Staff Nurse", "Charge Nurse"]


def test_coordinators_cannot_record_employment_events(world, setup):
    with pytest.raises(errors.PermissionDenied):
        services.record_employment_event(
            world.coordinator_a,
            setup.pk,
            schemas.EmploymentEventCreate(
                version=setup.version, kind="leave_start", effective_at=datetime(2026, 3, 1, tzinfo=NY)
            ),
        )

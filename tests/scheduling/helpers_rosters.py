"""Builders for roster tests: a unit's Day and Night shifts, nurses with work
rules and credentials, needs, a roster."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

from caredesk.accounts.models import User
from caredesk.assignment.models import ShiftPattern
from caredesk.scheduling.models import Roster, RosterEntry, StaffingNeed, StaffRequest
from caredesk.workforce.models import (
    Credential,
    CredentialKind,
    CredentialRequirement,
    CredentialType,
    StaffMember,
    WorkRules,
)

MONDAY = date(2027, 3, 1)  # a Monday; US DST starts on Sunday 2027-03-14


def rules(code: str = "rost-test", **extra: Any) -> WorkRules:
    defaults = {
        "name": "Roster test rules",
        "source": "test",
        "max_minutes_per_day": 12 * 60,
        "max_minutes_per_week": 48 * 60,
        "min_rest_minutes": 11 * 60,
        "max_consecutive_days": 4,
        "min_consecutive_days_off": 1,
        "max_weekends_per_4_weeks": 2,
        **extra,
    }
    found, _ = WorkRules.objects.get_or_create(code=code, defaults=defaults)
    return found


def patterns(unit: Any) -> tuple[ShiftPattern, ShiftPattern]:
    day = ShiftPattern.objects.filter(unit=unit, code="day").first() or ShiftPattern.objects.create(
        unit=unit, code="day", name="Day", start_time=time(7), length_minutes=720
    )
    night = ShiftPattern.objects.filter(unit=unit, code="night").first() or ShiftPattern.objects.create(
        unit=unit, code="night", name="Night", start_time=time(19), length_minutes=720, is_night=True
    )
    return day, night


def nurse(
    site: Any,
    unit: Any,
    name: str,
    *,
    discipline: str = "rn",
    work_rules: WorkRules | None = None,
    user: Any = None,
    rate: str = "40.00",
    contracted: int = 36 * 60,
) -> StaffMember:
    user = user or User.objects.create_user(
        username=name, password="x-Password-1", first_name=name.title(), last_name="Test"
    )
    return StaffMember.objects.create(
        user=user,
        site=site,
        home_unit=unit,
        employee_number=f"R-{name}",
        discipline=discipline,
        job_title="Staff Nurse",
        fte=Decimal("1.00"),
        contracted_minutes_per_week=contracted,
        work_rules=work_rules or rules(),
        hourly_rate=Decimal(rate),
        night_differential=Decimal("5.00"),
        weekend_differential=Decimal("3.00"),
        hire_date=date(2020, 1, 6),
    )


def licence_rule(discipline: str = "rn") -> CredentialType:
    ctype, _ = CredentialType.objects.get_or_create(
        code=f"{discipline}-licence",
        defaults={"name": f"{discipline.upper()} licence", "kind": CredentialKind.LICENCE, "requires_number": True},
    )
    CredentialRequirement.objects.get_or_create(
        credential_type=ctype, discipline=discipline, defaults={"source": "state board"}
    )
    return ctype


def credential(staff: StaffMember, ctype: CredentialType, *, issued: date, expires: date | None) -> Credential:
    return Credential.objects.create(staff=staff, type=ctype, number="N1", issued_on=issued, expires_on=expires)


def roster(unit: Any, creator: Any, *, start: date = MONDAY, days: int = 28) -> Roster:
    return Roster.objects.create(unit=unit, start_date=start, days=days, created_by=creator)


def entry(r: Roster, staff: StaffMember, day: date, pattern: ShiftPattern, **extra: Any) -> RosterEntry:
    return RosterEntry.objects.create(roster=r, staff=staff, date=day, pattern=pattern, **extra)


def needs(unit: Any, start: date, days: int, day_min: int, night_min: int, preferred: int | None = None) -> None:
    d, n = patterns(unit)
    rows = []
    for k in range(days):
        for p, m in ((d, day_min), (n, night_min)):
            rows.append(
                StaffingNeed(
                    unit=unit,
                    date=start + timedelta(days=k),
                    pattern=p,
                    minimum=m,
                    preferred=None if preferred is None else max(preferred, m),
                )
            )
    StaffingNeed.objects.bulk_create(rows)


def time_off(
    staff: StaffMember, first: date, last: date, *, status: str = "approved", kind: str = "time_off"
) -> StaffRequest:
    return StaffRequest.objects.create(staff=staff, kind=kind, start_date=first, end_date=last, status=status)


def small_unit(world: Any, n: int = 6) -> list[StaffMember]:
    """`n` RNs on Alpha ICU (the first is nurse_a's record)."""
    patterns(world.icu_a)
    people = [nurse(world.site_a, world.icu_a, "nurse_a_rec", user=world.nurse_a)]
    people += [nurse(world.site_a, world.icu_a, f"rn{k}") for k in range(1, n)]
    return people

"""The one answer to "may this person do this work at this time?".

The roster, the patient assignment and every clinical task ask here, so they
can never disagree. A verdict lists every reason, in plain words, so the
coordinator sees why and what to fix.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from caredesk.org.models import Unit
from caredesk.workforce.models import Credential, CredentialRequirement, StaffMember, StaffStatus

# Expiry warnings, in days before the expiry date (issue 3; a setting would
# only be needed if a site asked for others).
WARNING_DAYS = (90, 60, 30)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reasons: tuple[str, ...] = ()
    missing_credentials: tuple[str, ...] = ()  # credential type codes lacking or expired

    def __bool__(self) -> bool:
        return self.ok


@dataclass
class _Facts:
    """What the check needs about one person, loaded in a few queries for many people."""

    credentials: dict[int, list[Credential]] = field(default_factory=lambda: defaultdict(list))
    other_units: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))


def _local_dates(unit: Unit, start: datetime, end: datetime) -> tuple[date, date]:
    zone = ZoneInfo(unit.site.time_zone)
    last_moment = end - timedelta(microseconds=1)  # a shift ending at midnight ends on the day before
    return start.astimezone(zone).date(), last_moment.astimezone(zone).date()


def _requirements(unit: Unit, task: str | None) -> QuerySet[CredentialRequirement]:
    """Active requirements of this unit and task (every discipline)."""
    return (
        CredentialRequirement.objects.filter(is_active=True)
        .select_related("credential_type")
        .filter(Q(unit_kind="") | Q(unit_kind=unit.kind))
        .filter(Q(site__isnull=True) | Q(site_id=unit.site_id))
        .filter(Q(task="") | Q(task=task or ""))
    )


def requirements_for(staff: StaffMember, unit: Unit, task: str | None) -> list[CredentialRequirement]:
    """Active requirements whose every filled criterion matches this work."""
    return list(_requirements(unit, task).filter(Q(discipline="") | Q(discipline=staff.discipline)))


def _check(
    staff: StaffMember,
    unit: Unit,
    start: datetime,
    end: datetime,
    task: str | None,
    facts: _Facts,
    requirements: list[CredentialRequirement],
) -> Verdict:
    if end <= start:
        raise ValueError("work must end after it starts")
    reasons: list[str] = []
    missing: list[str] = []
    first_day, last_day = _local_dates(unit, start, end)
    if staff.status == StaffStatus.TERMINATED or (staff.end_date and staff.end_date < last_day):
        reasons.append(_("employment ended on %(date)s") % {"date": staff.end_date or "?"})
    elif staff.status == StaffStatus.ON_LEAVE:
        reasons.append(_("on leave"))
    if staff.hire_date > first_day:
        reasons.append(_("starts work on %(date)s") % {"date": staff.hire_date})
    if unit.site_id != staff.site_id:
        reasons.append(_("belongs to another site"))
    elif unit.pk != staff.home_unit_id and unit.pk not in facts.other_units[staff.pk]:
        reasons.append(_("is not oriented to work on %(unit)s") % {"unit": unit.name})
    held = facts.credentials[staff.pk]
    for req in requirements:
        if req.discipline and req.discipline != staff.discipline:
            continue
        code = req.credential_type.code
        mine = [c for c in held if c.type_id == req.credential_type_id and c.revoked_at is None]
        valid = [c for c in mine if c.issued_on <= first_day and (c.expires_on is None or c.expires_on >= last_day)]
        if valid:
            continue
        missing.append(code)
        expired = [c for c in mine if c.expires_on is not None and c.expires_on < last_day]
        if expired:
            latest = max(expired, key=lambda c: c.expires_on or date.min)
            reasons.append(
                _("%(credential)s expires on %(date)s, before this work ends (required: %(source)s)")
                % {"credential": req.credential_type.name, "date": latest.expires_on, "source": req.source}
            )
        else:
            reasons.append(
                _("no valid %(credential)s on record (required: %(source)s)")
                % {"credential": req.credential_type.name, "source": req.source}
            )
    return Verdict(ok=not reasons, reasons=tuple(reasons), missing_credentials=tuple(missing))


def _facts(staff_ids: Iterable[int]) -> _Facts:
    ids = list(staff_ids)
    facts = _Facts()
    for cred in Credential.objects.filter(staff_id__in=ids, revoked_at__isnull=True):
        facts.credentials[cred.staff_id].append(cred)
    through = StaffMember.other_units.through
    for staff_id, unit_id in through.objects.filter(staffmember_id__in=ids).values_list("staffmember_id", "unit_id"):
        facts.other_units[staff_id].add(unit_id)
    return facts


def may_work(staff: StaffMember, *, unit: Unit, start: datetime, end: datetime, task: str | None = None) -> Verdict:
    """May `staff` work on `unit` from `start` to `end` (aware datetimes), doing `task`?"""
    return _check(staff, unit, start, end, task, _facts([staff.pk]), requirements_for(staff, unit, task))


def may_work_many(
    staff: Iterable[StaffMember], *, unit: Unit, start: datetime, end: datetime, task: str | None = None
) -> dict[int, Verdict]:
    """The same answer for many people at once (a roster asks thousands of times)."""
    people = list(staff)
    ask = judge(people, unit=unit, task=task)
    return {p.pk: ask(p, start, end) for p in people}


def judge(
    staff: Iterable[StaffMember], *, unit: Unit, task: str | None = None
) -> Callable[[StaffMember, datetime, datetime], Verdict]:
    """`may_work` for many questions (any times) about these people on this unit,
    with what it needs loaded once: a fixed number of queries however many are asked."""
    facts = _facts(p.pk for p in staff)
    reqs = list(_requirements(unit, task))  # each person's discipline is matched in _check

    def ask(person: StaffMember, start: datetime, end: datetime) -> Verdict:
        return _check(person, unit, start, end, task, facts, reqs)

    return ask


# --- expiry warnings (time-driven state) ------------------------------------------------


def warning_moments(expires_on: date, zone: str) -> list[tuple[datetime, int]]:
    """When each expiry warning is due (start of that local day, in UTC), earliest first."""
    tz = ZoneInfo(zone)
    out = []
    for days in sorted(WARNING_DAYS, reverse=True):
        local = datetime.combine(expires_on - timedelta(days=days), datetime.min.time(), tzinfo=tz)
        out.append((local.astimezone(ZoneInfo("UTC")), days))
    return out


def due_warning(expires_on: date | None, zone: str, now: datetime) -> tuple[int | None, datetime | None]:
    """(days of the warning due now, or None; when the next one falls due, or None).

    A pure function of `now`: a credential recorded 45 days before expiry is
    due its 60-day warning at once, and its 30-day warning later.
    """
    if expires_on is None:
        return None, None
    moments = warning_moments(expires_on, zone)
    passed = [(m, d) for m, d in moments if m <= now]
    upcoming = [m for m, _d in moments if m > now]
    expiry_end = datetime.combine(expires_on + timedelta(days=1), datetime.min.time(), tzinfo=ZoneInfo(zone))
    due = passed[-1][1] if passed and now < expiry_end else None
    return due, (upcoming[0] if upcoming else None)


def initial_next_warning_at(expires_on: date | None, zone: str, now: datetime) -> datetime | None:
    """What to store in Credential.next_warning_at when a credential is recorded or renewed."""
    due, upcoming = due_warning(expires_on, zone, now)
    return now if due is not None else upcoming

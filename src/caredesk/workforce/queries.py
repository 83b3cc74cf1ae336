"""Reads of the workforce, always through the access scope of core.

Everyone sees their own staff record (and its history and credentials);
workforce.view_staff reaches the records of a site or unit; pay is shown only
where the viewer holds workforce.view_pay on the record's site.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from caredesk.core import clock, errors, scoping
from caredesk.org.models import Unit
from caredesk.workforce import qualification
from caredesk.workforce.models import (
    Credential,
    CredentialRequirement,
    EmploymentEvent,
    StaffMember,
    StaffStatus,
    WorkRules,
)
from caredesk.workforce.services import credential_state

DUE_WITHIN_DAYS = 90


def _user_pk(user: Any) -> int | None:
    return getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None


def staff(
    user: Any,
    *,
    site_id: int | None = None,
    unit_id: int | None = None,
    discipline: str | None = None,
    status: str | None = None,
    search: str | None = None,
) -> QuerySet[StaffMember]:
    """Staff records within reach (plus the user's own), with filters."""
    base = StaffMember.objects.select_related("user", "site", "home_unit", "work_rules")
    qs = scoping.scoped(base, user, "workforce.view_staff")
    own = _user_pk(user)
    if own is not None:
        qs = qs | base.filter(user_id=own)
    if site_id is not None:
        qs = qs.filter(site_id=site_id)
    if unit_id is not None:
        qs = qs.filter(Q(home_unit_id=unit_id) | Q(other_units=unit_id)).distinct()
    if discipline:
        qs = qs.filter(discipline=discipline)
    if status:
        qs = qs.filter(status=status)
    if search:
        for word in search.split()[:4]:
            qs = qs.filter(
                Q(user__first_name__icontains=word)
                | Q(user__last_name__icontains=word)
                | Q(user__username__icontains=word)
                | Q(employee_number__icontains=word)
                | Q(job_title__icontains=word)
            )
    return qs.prefetch_related("other_units")


def staff_member(user: Any, staff_id: int) -> StaffMember:
    """One record the user may see (their own, or within reach), else NotFound."""
    qs = StaffMember.objects.select_related("user", "site", "home_unit", "work_rules", "work_rules__site")
    own = _user_pk(user)
    found = qs.filter(pk=staff_id, user_id=own).first() if own is not None else None
    return found or scoping.get_scoped(qs, user, "workforce.view_staff", pk=staff_id)


def own_record(user: Any) -> StaffMember | None:
    own = _user_pk(user)
    return StaffMember.objects.filter(user_id=own).first() if own is not None else None


def may_see_pay(user: Any, record: StaffMember) -> bool:
    return scoping.has(user, "workforce.view_pay", site_id=record.site_id)


PAY_FIELDS = ("hourly_rate", "night_differential", "weekend_differential")


def redacted_changes(changes: dict[str, Any], may_see_pay: bool) -> dict[str, Any]:
    """An event's changes, without the pay figures unless the viewer may see pay."""
    if may_see_pay:
        return changes
    return {k: v for k, v in changes.items() if k not in PAY_FIELDS}


def events(user: Any, staff_id: int) -> QuerySet[EmploymentEvent]:
    record = staff_member(user, staff_id)
    return EmploymentEvent.objects.filter(staff=record).select_related("recorded_by")


def credentials(user: Any, *, staff_id: int | None = None, include_revoked: bool = True) -> QuerySet[Credential]:
    base = Credential.objects.select_related("type", "staff__site", "staff__user", "staff__home_unit")
    if staff_id is not None:
        record = staff_member(user, staff_id)
        qs = base.filter(staff=record)
    else:
        qs = scoping.scoped(base, user, "workforce.view_staff")
        own = _user_pk(user)
        if own is not None:
            qs = qs | base.filter(staff__user_id=own)
    if not include_revoked:
        qs = qs.filter(revoked_at__isnull=True)
    return qs.order_by("revoked_at", "expires_on", "type__name")


def credential(user: Any, credential_id: int) -> Credential:
    qs = Credential.objects.select_related("type", "staff__site", "staff__user")
    own = _user_pk(user)
    found = qs.filter(pk=credential_id, staff__user_id=own).first() if own is not None else None
    return found or scoping.get_scoped(qs, user, "workforce.view_staff", pk=credential_id)


def local_today(record: StaffMember, now: datetime | None = None) -> date:
    return clock.to_zone(now or clock.now(), record.site.time_zone).date()


# --- work-rule packs and requirements (shared, or a site's own) -------------------------


def reached_site_ids(user: Any, permission: str) -> set[int] | None:
    """Sites where `user` holds `permission` on the site or one of its units; None: all."""
    r = scoping.reach(user, permission)
    if r.everywhere:
        return None
    ids = set(r.site_ids)
    if r.unit_ids:
        ids |= set(Unit.objects.filter(pk__in=r.unit_ids).values_list("site_id", flat=True))
    return ids


def _shared_or_reached(user: Any) -> Q:
    sites = reached_site_ids(user, "workforce.view_staff")
    if sites is None:
        return Q()
    if not sites:
        return Q(pk__in=[])
    return Q(site__isnull=True) | Q(site_id__in=sites)


def work_rules(user: Any, *, include_inactive: bool = False, site_id: int | None = None) -> QuerySet[WorkRules]:
    qs = WorkRules.objects.select_related("site").filter(_shared_or_reached(user))
    if site_id is not None:
        qs = qs.filter(Q(site__isnull=True) | Q(site_id=site_id))
    return qs if include_inactive else qs.filter(is_active=True)


def applicable_work_rules(site_id: int) -> QuerySet[WorkRules]:
    """Packs a staff member of this site may be given (no permission implied)."""
    return WorkRules.objects.filter(Q(site__isnull=True) | Q(site_id=site_id), is_active=True)


def requirements(user: Any, *, include_inactive: bool = False) -> QuerySet[CredentialRequirement]:
    qs = CredentialRequirement.objects.select_related("credential_type", "site").filter(_shared_or_reached(user))
    return qs if include_inactive else qs.filter(is_active=True)


def get_or_404(qs: QuerySet[Any], pk: int) -> Any:
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise errors.NotFound() from None


# --- what is due ------------------------------------------------------------------------


@dataclass(frozen=True)
class DueCredential:
    credential: Credential
    state: str
    days_left: int


@dataclass(frozen=True)
class MissingRequirement:
    staff: StaffMember
    credential_codes: tuple[str, ...]
    reasons: tuple[str, ...]


def credentials_due(
    user: Any, *, site_id: int | None = None, unit_id: int | None = None, now: datetime | None = None
) -> list[DueCredential]:
    """Credentials of active staff in reach, expired or expiring within 90 days, soonest first."""
    moment = now or clock.now()
    qs = (
        scoping.scoped(
            Credential.objects.select_related("type", "staff__site", "staff__user", "staff__home_unit"),
            user,
            "workforce.view_staff",
        )
        .filter(
            revoked_at__isnull=True,
            expires_on__isnull=False,
            expires_on__lte=(moment + timedelta(days=DUE_WITHIN_DAYS + 1)).date(),
        )
        .exclude(staff__status=StaffStatus.TERMINATED)
    )
    if site_id is not None:
        qs = qs.filter(staff__site_id=site_id)
    if unit_id is not None:
        qs = qs.filter(staff__home_unit_id=unit_id)
    # A credential already renewed (a later one of the same type valid beyond it) is not due.
    later = {
        (c.staff_id, c.type_id): c.expires_on
        for c in Credential.objects.filter(staff_id__in=qs.values("staff_id"), revoked_at__isnull=True)
        .order_by("expires_on")
        .only("staff_id", "type_id", "expires_on")
        if c.expires_on is not None
    }
    never = set(
        Credential.objects.filter(
            staff_id__in=qs.values("staff_id"), revoked_at__isnull=True, expires_on__isnull=True
        ).values_list("staff_id", "type_id")
    )
    out = []
    for cred in qs.order_by("expires_on", "staff__user__last_name"):
        key = (cred.staff_id, cred.type_id)
        if key in never or (later.get(key) and later[key] > cred.expires_on):  # type: ignore[operator]
            continue
        today = local_today(cred.staff, moment)
        state = credential_state(cred, today)
        if state not in ("expired", "expiring"):
            continue
        out.append(DueCredential(cred, state, (cred.expires_on - today).days))  # type: ignore[operator]
    return out


def missing_requirements(
    user: Any, *, site_id: int | None = None, unit_id: int | None = None, now: datetime | None = None
) -> list[MissingRequirement]:
    """Active staff lacking a credential required for work on their home unit now."""
    moment = now or clock.now()
    qs = scoping.scoped(
        StaffMember.objects.select_related("user", "site", "home_unit__site"), user, "workforce.view_staff"
    ).filter(status=StaffStatus.ACTIVE, home_unit__isnull=False)
    if site_id is not None:
        qs = qs.filter(site_id=site_id)
    if unit_id is not None:
        qs = qs.filter(home_unit_id=unit_id)
    out: list[MissingRequirement] = []
    by_unit: dict[int, list[StaffMember]] = {}
    for person in qs:
        if person.hire_date > local_today(person, moment):
            continue
        by_unit.setdefault(person.home_unit_id, []).append(person)  # type: ignore[arg-type]
    for people in by_unit.values():
        unit = people[0].home_unit
        assert unit is not None
        verdicts = qualification.may_work_many(people, unit=unit, start=moment, end=moment + timedelta(minutes=1))
        for person in people:
            verdict = verdicts[person.pk]
            if verdict.missing_credentials:
                out.append(MissingRequirement(person, verdict.missing_credentials, verdict.reasons))
    return sorted(out, key=lambda m: (m.staff.user.last_name, m.staff.user.first_name))


def home_unit_verdict(record: StaffMember, *, now: datetime | None = None) -> qualification.Verdict | None:
    """May this person work on their home unit from now for the next 12 hours?"""
    if record.home_unit is None:
        return None
    moment = now or clock.now()
    return qualification.may_work(record, unit=record.home_unit, start=moment, end=moment + timedelta(hours=12))

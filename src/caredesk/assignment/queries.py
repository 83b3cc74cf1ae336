"""Reads of assignment. Other apps depend on `current_shift`, `nurse_for`,
`nurses_for` and `charge_for` (system reads: no permission check, the caller
has already checked its own); the page and API reads go through scoping."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet

from caredesk.accounts.models import RoleGrant, User
from caredesk.assignment import problem as problem_mod
from caredesk.assignment import solver
from caredesk.assignment.models import CareShift, PatientAssignment, ShiftPattern, ShiftStaff
from caredesk.core import scoping
from caredesk.core.roles import Role
from caredesk.org.models import RatioPack, Site, Unit
from caredesk.workforce.models import StaffMember

# --- the shift running now, and who has whom ---------------------------------------------


def _running(at: datetime) -> Q:
    """Shifts running at `at`: the start is inclusive, the end exclusive."""
    return Q(starts_at__lte=at, ends_at__gt=at)


def current_shift(unit: Unit | int, at: datetime) -> CareShift | None:
    """The unit's care shift running at `at` (the latest started one if two overlap)."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    return CareShift.objects.filter(_running(at), unit_id=unit_id).order_by("-starts_at", "-pk").first()


def nurse_for(stay: Any, at: datetime) -> StaffMember | None:
    """The nurse assigned to the stay's patient on the shift running at `at` on the stay's unit."""
    found = (
        PatientAssignment.objects.filter(
            stay_id=stay.pk, shift__unit_id=stay.unit_id, shift__starts_at__lte=at, shift__ends_at__gt=at
        )
        .select_related("staff", "staff__user")
        .order_by("-shift__starts_at", "-shift_id")
        .first()
    )
    return found.staff if found is not None else None


def nurses_for(stays: Iterable[Any], at: datetime) -> dict[int, StaffMember]:
    """`nurse_for` for many stays in one query: stay id -> nurse (stays without one are left out)."""
    wanted = {s.pk: s.unit_id for s in stays}
    if not wanted:
        return {}
    rows = (
        PatientAssignment.objects.filter(stay_id__in=list(wanted), shift__starts_at__lte=at, shift__ends_at__gt=at)
        .select_related("staff", "staff__user", "shift")
        .order_by("shift__starts_at", "shift_id")
    )
    out: dict[int, StaffMember] = {}
    for a in rows:  # later shifts overwrite earlier ones
        if a.shift.unit_id == wanted[a.stay_id]:
            out[a.stay_id] = a.staff
    return out


def charge_for(unit: Unit, at: datetime) -> list[User]:
    """The charge nurse(s) of the shift running at `at`; if none, the users holding
    the coordinator role on the unit or its site."""
    shift = current_shift(unit, at)
    if shift is not None:
        users = [
            row.staff.user
            for row in ShiftStaff.objects.filter(shift=shift, is_charge=True)
            .select_related("staff__user")
            .order_by("pk")
            if row.staff.user.is_active
        ]
        if users:
            return users
    user_ids = (
        RoleGrant.objects.filter(role=Role.COORDINATOR, revoked_at__isnull=True, site_id=unit.site_id)
        .filter(Q(unit__isnull=True) | Q(unit_id=unit.pk))
        .values_list("user_id", flat=True)
    )
    return list(User.objects.filter(pk__in=user_ids, is_active=True).order_by("last_name", "first_name", "pk"))


def history(stay: Any, *, limit: int = 20) -> QuerySet[PatientAssignment]:
    """The stay's assignments, newest shift first (what continuity is computed from)."""
    return (
        PatientAssignment.objects.filter(stay_id=stay.pk)
        .select_related("shift", "shift__unit", "staff", "staff__user")
        .order_by("-shift__starts_at")[:limit]
    )


def previous_nurses(shift: CareShift, stay_ids: list[int]) -> dict[int, int]:
    """stay id -> staff id of the nurse who had the patient on the unit's previous shift."""
    return problem_mod.previous_nurses(shift, stay_ids)


# --- workload --------------------------------------------------------------------------


@dataclass
class PatientCard:
    assignment: PatientAssignment | None
    stay: Any
    acuity: int
    scored: bool
    flags: list[str]
    previous_staff_id: int | None
    warnings: list[str] = field(default_factory=list)


@dataclass
class NurseLoad:
    row: ShiftStaff
    cap: int | None
    patients: list[PatientCard] = field(default_factory=list)
    points: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.patients)

    @property
    def over_cap(self) -> bool:
        return self.cap is not None and self.count > self.cap

    @property
    def percent(self) -> int:
        """Patients as a share of the cap, for the workload bar (0-100)."""
        if not self.cap:
            return 100 if self.count else 0
        return min(100, round(100 * self.count / self.cap))


@dataclass
class Board:
    shift: CareShift
    built: problem_mod.Built
    nurses: list[NurseLoad]
    others: list[ShiftStaff]  # on shift but not licensed nurses (no patients)
    unassigned: list[PatientCard]
    elsewhere: list[PatientAssignment]  # assignments of patients no longer on the unit, or of people off shift
    warnings: list[str]


def workload(shift: CareShift) -> Board:
    """Per nurse on the shift: their patients, acuity points, cap and warnings
    (every rule the current assignment breaks: cap, 1:1, skill, pin)."""
    built = problem_mod.build(shift)
    assignments = list(
        PatientAssignment.objects.filter(shift=shift).select_related("staff", "staff__user", "assigned_by")
    )
    by_stay = {a.stay_id: a for a in assignments}
    current = {a.stay_id: a.staff_id for a in assignments if a.stay_id in built.stays and a.staff_id in built.staff}
    violations = solver.check_assignment(built.problem, current)
    loads = {sid: NurseLoad(row=row, cap=built.caps.get(sid)) for sid, row in built.staff.items()}
    cards: dict[int, PatientCard] = {}
    for stay_id, stay in built.stays.items():
        cards[stay_id] = PatientCard(
            assignment=by_stay.get(stay_id),
            stay=stay,
            acuity=built.acuity[stay_id],
            scored=stay_id in built.scored,
            flags=built.flags.get(stay_id, []),
            previous_staff_id=built.previous.get(stay_id),
        )
    unassigned: list[PatientCard] = []
    for stay_id, card in cards.items():
        staff_id = current.get(stay_id)
        if staff_id is None:
            unassigned.append(card)
            continue
        load = loads[staff_id]
        load.patients.append(card)
        load.points += card.acuity
    warnings: list[str] = []
    for v in violations:
        if v.kind == "unassigned":
            continue
        if v.patient_id in cards:
            cards[v.patient_id].warnings.append(v.text)
        if v.nurse_id in loads and v.kind in ("cap", "one_to_one"):
            loads[v.nurse_id].warnings.append(v.text)
        warnings.append(v.text)
    elsewhere = [a for a in assignments if a.stay_id not in built.stays or a.staff_id not in built.staff]
    others = list(
        ShiftStaff.objects.filter(shift=shift)
        .exclude(staff_id__in=list(built.staff))
        .select_related("staff", "staff__user")
    )
    nurse_order = list(built.staff)
    return Board(
        shift=shift,
        built=built,
        nurses=[loads[sid] for sid in nurse_order],
        others=others,
        unassigned=unassigned,
        elsewhere=elsewhere,
        warnings=list(dict.fromkeys(warnings)),
    )


# --- lists for pages and the API ---------------------------------------------------------


def units(user: Any, permission: str = "assignment.view") -> QuerySet[Unit]:
    return scoping.scoped(Unit.objects.filter(is_active=True).select_related("site", "ratio_pack"), user, permission)


def patterns(user: Any, *, unit_id: int | None = None) -> QuerySet[ShiftPattern]:
    qs = scoping.scoped(ShiftPattern.objects.select_related("unit", "unit__site"), user, "assignment.view")
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return qs.order_by("unit__name", "start_time", "pk")


def shifts(
    user: Any, *, unit_id: int | None = None, on: date | None = None, start: date | None = None, end: date | None = None
) -> QuerySet[CareShift]:
    qs = scoping.scoped(CareShift.objects.select_related("unit", "unit__site", "pattern"), user, "assignment.view")
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    if on is not None:
        qs = qs.filter(date=on)
    if start is not None:
        qs = qs.filter(date__gte=start)
    if end is not None:
        qs = qs.filter(date__lte=end)
    return qs.order_by("unit__name", "starts_at", "pk")


def shift_staff(shift: CareShift) -> QuerySet[ShiftStaff]:
    return (
        ShiftStaff.objects.filter(shift=shift)
        .select_related("staff", "staff__user")
        .order_by("-is_charge", "staff__user__last_name", "pk")
    )


def candidates(shift: CareShift) -> QuerySet[StaffMember]:
    """People of the site who may be added to the shift (home unit or oriented to it), not on it yet."""
    return (
        StaffMember.objects.filter(site_id=shift.unit.site_id, status="active")
        .filter(Q(home_unit_id=shift.unit_id) | Q(other_units=shift.unit_id))
        .exclude(pk__in=ShiftStaff.objects.filter(shift=shift).values("staff_id"))
        .select_related("user")
        .distinct()
        .order_by("user__last_name", "user__first_name")
    )


def _site_ids_in_reach(user: Any, permission: str) -> set[int] | None:
    r = scoping.reach(user, permission)
    if r.everywhere:
        return None
    ids = set(r.site_ids)
    if r.unit_ids:
        ids |= set(Unit.objects.filter(pk__in=r.unit_ids).values_list("site_id", flat=True))
    return ids


def ratio_packs(user: Any) -> QuerySet[RatioPack]:
    """Shared jurisdiction packs, and the own packs of the sites the user sees."""
    qs = RatioPack.objects.prefetch_related("rules").select_related("site")
    if not scoping.has_anywhere(user, "assignment.view") and not scoping.has_anywhere(user, "assignment.manage_ratios"):
        return qs.none()
    sites = _site_ids_in_reach(user, "assignment.view")
    if sites is None:
        return qs
    sites |= _site_ids_in_reach(user, "assignment.manage_ratios") or set()
    return qs.filter(Q(site__isnull=True) | Q(site_id__in=sites))


def packs_for_site(site: Site) -> QuerySet[RatioPack]:
    """Packs a unit of `site` may follow: active shared ones and the site's own."""
    return (
        RatioPack.objects.filter(is_active=True)
        .filter(Q(site__isnull=True) | Q(site=site))
        .order_by("jurisdiction", "name")
    )

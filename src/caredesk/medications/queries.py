"""Reads of medications, always through the access scope of core.

The board runs a fixed number of queries whatever the number of patients:
the unit, its stays, their doses in the board's time range (with their order),
the administrations of those doses, the site's policy, and the nurses assigned
on the current shift.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import pgettext_lazy

from caredesk.census.models import Stay
from caredesk.core import clock, errors, scoping
from caredesk.medications import status as st
from caredesk.medications import timing
from caredesk.medications.models import (
    Administration,
    AdministrationStatus,
    MedicationOrder,
    OrderStatus,
    ScheduledDose,
)
from caredesk.org.models import Unit

# The board looks this far back (late and missed doses of the last day) and shows
# doses given in the last two hours as "recently given".
BOARD_LOOKBACK = timedelta(hours=24)
RECENTLY_GIVEN = timedelta(hours=2)
BOARD_GROUPS = ("missed", "late", "due", "due_soon", "recent")
# The outcomes of the doses the late-dose view lists.
EXCEPTION_OUTCOMES = ["", "given_early", "given_late"]


def facts(admins: list[Administration]) -> list[st.AdminFacts]:
    return [
        st.AdminFacts(
            id=a.pk, status=a.status, given_at=a.given_at, not_done_reason=a.not_done_reason, corrects_id=a.corrects_id
        )
        for a in admins
    ]


# What people read for each state (status.py stays free of Django).
STATUS_LABELS = {
    st.DoseStatus.UPCOMING: pgettext_lazy("dose status", "upcoming"),
    st.DoseStatus.DUE_SOON: pgettext_lazy("dose status", "due soon"),
    st.DoseStatus.DUE: pgettext_lazy("dose status", "due"),
    st.DoseStatus.LATE: pgettext_lazy("dose status", "late"),
    st.DoseStatus.MISSED: pgettext_lazy("dose status", "missed"),
    st.DoseStatus.GIVEN_ON_TIME: pgettext_lazy("dose status", "given on time"),
    st.DoseStatus.GIVEN_EARLY: pgettext_lazy("dose status", "given early"),
    st.DoseStatus.GIVEN_LATE: pgettext_lazy("dose status", "given late"),
    st.DoseStatus.HELD: pgettext_lazy("dose status", "held"),
    st.DoseStatus.REFUSED: pgettext_lazy("dose status", "refused"),
    st.DoseStatus.CANCELLED: pgettext_lazy("dose status", "cancelled"),
}


@dataclass
class DoseView:
    """A dose with its status at `now` and what the board and the API show of it."""

    dose: ScheduledDose
    status: st.DoseStatus
    administration: Administration | None
    zone: str
    nurse: str | None = None

    @property
    def order(self) -> MedicationOrder:
        return self.dose.order

    @property
    def window(self) -> st.Window:
        return st.window(self.dose.scheduled_at, self.dose.window_minutes)

    @property
    def local_time(self) -> datetime:
        return clock.to_zone(self.dose.scheduled_at, self.zone)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def view_of(dose: ScheduledDose, admins: list[Administration], now: datetime, policy: st.Policy, zone: str) -> DoseView:
    order = dose.order
    ends = order.ends_at if order.status == OrderStatus.ACTIVE else (order.stopped_at or order.ends_at)
    status = st.dose_status(
        scheduled_at=dose.scheduled_at,
        window_minutes=dose.window_minutes,
        now=now,
        administrations=facts(admins),
        next_dose_at=dose.next_dose_at,
        order_ends_at=ends,
        is_cancelled=dose.is_cancelled,
        due_soon_minutes=policy.due_soon_minutes,
    )
    eff = st.effective(facts(admins))
    admin = next((a for a in admins if eff is not None and a.pk == eff.id), None)
    return DoseView(dose=dose, status=status, administration=admin, zone=zone)


def _admins_by_dose(dose_ids: list[int]) -> dict[int, list[Administration]]:
    out: dict[int, list[Administration]] = defaultdict(list)
    if dose_ids:
        for a in Administration.objects.filter(dose_id__in=dose_ids):
            out[a.dose_id].append(a)  # type: ignore[index]
    return out


def doses_with_status(doses: list[ScheduledDose], now: datetime) -> list[DoseView]:
    """Status of each dose: one query for the administrations, one for the policies."""
    if not doses:
        return []
    by_dose = _admins_by_dose([d.pk for d in doses])
    sites = {d.stay.unit.site_id for d in doses}
    policies = timing.policies_for(sites)
    return [
        view_of(d, by_dose.get(d.pk, []), now, policies[d.stay.unit.site_id], d.stay.unit.site.time_zone) for d in doses
    ]


def dose_queryset() -> QuerySet[ScheduledDose]:
    return ScheduledDose.objects.select_related("order", "stay__patient", "stay__bed__room", "stay__unit__site")


# --- the medication-pass board ------------------------------------------------------


@dataclass
class Board:
    unit: Unit | None
    at: datetime
    groups: dict[str, list[DoseView]] = field(default_factory=dict)
    patients: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.groups.items()}

    def items(self) -> list[DoseView]:
        return [v for k in BOARD_GROUPS for v in self.groups.get(k, [])]


def _patients_of(staff_id: int, now: datetime) -> dict[int, Any]:
    """stay id → the nurse, for the stays assigned to `staff_id` on the shifts running at `now`. One query."""
    from caredesk.assignment.models import PatientAssignment

    qs = PatientAssignment.objects.filter(
        staff_id=staff_id, shift__starts_at__lte=now, shift__ends_at__gt=now
    ).select_related("staff__user")
    return {a.stay_id: a.staff for a in qs}


def _board(stay_ids: list[int], unit: Unit | None, now: datetime, nurses: dict[int, Any]) -> Board:
    board = Board(unit=unit, at=now, groups={k: [] for k in BOARD_GROUPS}, patients=len(stay_ids))
    if not stay_ids:
        return board
    doses = list(
        dose_queryset()
        .filter(
            stay_id__in=stay_ids,
            is_cancelled=False,
            scheduled_at__gte=now - BOARD_LOOKBACK,
            scheduled_at__lte=now + timedelta(hours=4),
        )
        .order_by("scheduled_at", "pk")
    )
    for view in doses_with_status(doses, now):
        view.nurse = str(nurses[view.dose.stay_id]) if view.dose.stay_id in nurses else None
        s = view.status
        if s in (st.DoseStatus.MISSED, st.DoseStatus.LATE, st.DoseStatus.DUE, st.DoseStatus.DUE_SOON):
            board.groups[str(s)].append(view)
        elif (
            s in st.DOCUMENTED_STATES
            and view.administration is not None
            and view.administration.recorded_at >= now - RECENTLY_GIVEN
        ):
            board.groups["recent"].append(view)
    return board


def board(user: Any, unit_id: int, now: datetime | None = None, nurse: Any = None) -> Board:
    """The unit's medication pass: missed, late, due, due soon, recently given.
    With `nurse` (a StaffMember): only that nurse's patients on the current shift."""
    moment = now or clock.now()
    unit = scoping.get_scoped(Unit.objects.select_related("site"), user, "medications.view", pk=unit_id)
    from caredesk.assignment import queries as assignment_queries

    stays = list(
        Stay.objects.filter(unit=unit, admitted_at__lte=moment)
        .filter(Q(discharged_at__isnull=True) | Q(discharged_at__gt=moment))
        .only("pk", "unit_id")
    )
    nurses = assignment_queries.nurses_for(stays, moment)
    stay_ids = [s.pk for s in stays]
    if nurse is not None:
        stay_ids = [s for s in stay_ids if s in nurses and nurses[s].pk == nurse.pk]
    return _board(stay_ids, unit, moment, nurses)


def my_board(user: Any, now: datetime | None = None) -> Board:
    """The patients assigned to the user (as a nurse) on the shift running now."""
    from caredesk.workforce.models import StaffMember

    moment = now or clock.now()
    pk: int = getattr(user, "pk", None) or 0
    staff = StaffMember.objects.filter(user_id=pk).first()
    if staff is None:
        return Board(unit=None, at=moment, groups={k: [] for k in BOARD_GROUPS})
    nurses = _patients_of(staff.pk, moment)
    visible = scoping.scoped(Stay.objects.filter(pk__in=list(nurses)), user, "medications.view")
    stay_ids = list(visible.values_list("pk", flat=True))
    return _board(stay_ids, None, moment, nurses)


# --- late and missed doses ----------------------------------------------------------


def exceptions_queryset(
    user: Any,
    *,
    since: datetime,
    until: datetime,
    now: datetime,
    unit_id: int | None = None,
    site_id: int | None = None,
    kind: str | None = None,
) -> QuerySet[ScheduledDose]:
    """Doses scheduled in [since, until) that are late or missed now, or were given
    early or late (wrong-time): the coordinator's and director's view."""
    # Served by the index on (scheduled_at, outcome, is_cancelled).
    qs = scoping.scoped(dose_queryset(), user, "medications.view").filter(
        scheduled_at__gte=since,
        scheduled_at__lt=until,
        is_cancelled=False,
        outcome__in=EXCEPTION_OUTCOMES,
    )
    open_closed = Q(outcome="") & Q(window_closes_at__lt=now)
    wrong_time = Q(outcome__in=["given_early", "given_late"])
    if kind == "wrong_time":
        qs = qs.filter(wrong_time)
    elif kind in ("late", "missed"):
        missed_q = Q(next_dose_at__lte=now) | Q(order__stopped_at__lte=now) | Q(order__ends_at__lte=now)
        qs = qs.filter(open_closed)
        qs = qs.filter(missed_q) if kind == "missed" else qs.exclude(missed_q)
    else:
        qs = qs.filter(open_closed | wrong_time)
    if unit_id is not None:
        qs = qs.filter(stay__unit_id=unit_id)
    if site_id is not None:
        qs = qs.filter(stay__unit__site_id=site_id)
    return qs.order_by("-scheduled_at", "pk")


def exceptions_by_unit(
    user: Any, *, since: datetime, until: datetime, now: datetime, **filters: Any
) -> list[dict[str, Any]]:
    """How many late, missed and wrong-time doses each unit had: one grouped query."""
    qs = exceptions_queryset(user, since=since, until=until, now=now, **filters).order_by()
    rows = qs.values("stay__unit_id", "stay__unit__name", "stay__unit__site__name").annotate(doses=Count("pk"))
    return sorted(
        (
            {
                "unit_id": r["stay__unit_id"],
                "unit": r["stay__unit__name"],
                "site": r["stay__unit__site__name"],
                "doses": r["doses"],
            }
            for r in rows
        ),
        key=lambda r: (-r["doses"], r["site"], r["unit"]),
    )


def late_doses(
    user: Any,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    now: datetime | None = None,
    unit_id: int | None = None,
    site_id: int | None = None,
    kind: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[int, list[DoseView]]:
    """One page of late, missed and wrong-time doses (count, views)."""
    moment = now or clock.now()
    start = since or moment - timedelta(hours=24)
    end = until or moment
    qs = exceptions_queryset(user, since=start, until=end, now=moment, unit_id=unit_id, site_id=site_id, kind=kind)
    total = qs.count()
    page = list(qs[offset : offset + limit])
    return total, doses_with_status(page, moment)


# --- one patient's record -------------------------------------------------------------


def stay_for(user: Any, stay_id: int) -> Stay:
    return scoping.get_scoped(
        Stay.objects.select_related("patient", "unit__site", "bed__room"), user, "medications.view", pk=stay_id
    )


def orders(user: Any, *, stay_id: int | None = None, status: str | None = None) -> QuerySet[MedicationOrder]:
    qs = scoping.scoped(
        MedicationOrder.objects.select_related("stay__patient", "stay__unit__site"), user, "medications.view"
    )
    if stay_id is not None:
        qs = qs.filter(stay_id=stay_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "drug", "pk")


def prn_earliest(orders_: list[MedicationOrder]) -> dict[int, datetime | None]:
    """For each PRN order: its earliest next dose (last given + minimum interval). One query."""
    prn = [o for o in orders_ if o.is_prn]
    if not prn:
        return {}
    rows = list(
        Administration.objects.filter(order__in=prn).values("id", "order_id", "status", "given_at", "corrects_id")
    )
    corrected = {r["corrects_id"] for r in rows if r["status"] == AdministrationStatus.ENTERED_IN_ERROR}
    last: dict[int, datetime] = {}
    for r in rows:
        live = r["status"] == AdministrationStatus.COMPLETED and r["id"] not in corrected
        if live and (r["order_id"] not in last or r["given_at"] > last[r["order_id"]]):
            last[r["order_id"]] = r["given_at"]
    return {o.pk: st.prn_earliest_next(last.get(o.pk), o.prn_min_interval_minutes or 0) for o in prn}


def stay_doses(
    user: Any,
    stay_id: int,
    *,
    now: datetime | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[DoseView]:
    moment = now or clock.now()
    stay = stay_for(user, stay_id)
    qs = dose_queryset().filter(stay=stay)
    qs = qs.filter(
        scheduled_at__gte=since or moment - timedelta(days=2), scheduled_at__lt=until or moment + timedelta(days=2)
    )
    return doses_with_status(list(qs.order_by("scheduled_at", "pk")), moment)


def dose_view(user: Any, dose_id: int, now: datetime | None = None) -> DoseView:
    dose = scoping.get_scoped(dose_queryset(), user, "medications.view", pk=dose_id)
    return doses_with_status([dose], now or clock.now())[0]


def administrations(user: Any, *, stay_id: int | None = None, order_id: int | None = None) -> QuerySet[Administration]:
    qs = scoping.scoped(
        Administration.objects.select_related("performer__user", "recorded_by", "order", "dose"),
        user,
        "medications.view",
    )
    if stay_id is not None:
        qs = qs.filter(stay_id=stay_id)
    if order_id is not None:
        qs = qs.filter(order_id=order_id)
    return qs


def corrected_ids(admins: list[Administration]) -> set[int]:
    ids = [a.pk for a in admins]
    return set(
        Administration.objects.filter(corrects_id__in=ids).values_list("corrects_id", flat=True)  # type: ignore[misc]
    )


def units_for(user: Any) -> QuerySet[Unit]:
    r = scoping.reach(user, "medications.view")
    qs = Unit.objects.select_related("site").order_by("site__name", "name")
    if r.everywhere:
        return qs
    if r.empty:
        return qs.none()
    return qs.filter(Q(site_id__in=r.site_ids) | Q(pk__in=r.unit_ids))


def require_unit(user: Any, unit_id: int) -> Unit:
    unit = units_for(user).filter(pk=unit_id).first()
    if unit is None:
        raise errors.NotFound()
    return unit

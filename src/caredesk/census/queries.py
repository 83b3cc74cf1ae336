"""Reads of the census, always through the access scope of core; plus the
interfaces other apps use (active_stays, latest_acuity)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from caredesk.census.models import (
    AcuityScale,
    AcuityScore,
    FamilyContact,
    Patient,
    PatientFlag,
    Stay,
    StayMovement,
)
from caredesk.core import clock, scoping
from caredesk.org.models import Bed, Unit

# --- interfaces for other apps (no permission check: the caller has already scoped) -------------


def active_stays(unit: Unit | int, at: datetime | None = None) -> QuerySet[Stay]:
    """The stays on `unit` at `at` (default now): admitted by then and not yet
    discharged. A transfer moves the stay, so this reads the current unit; the
    history of where a stay was is in StayMovement."""
    moment = at or clock.now()
    unit_id = unit if isinstance(unit, int) else unit.pk
    return (
        Stay.objects.filter(unit_id=unit_id, admitted_at__lte=moment)
        .filter(Q(discharged_at__isnull=True) | Q(discharged_at__gt=moment))
        .select_related("patient", "bed", "bed__room", "unit")
    )


def _latest_score_ids(stay_ids: Iterable[int]) -> Q:
    newest = AcuityScore.objects.filter(stay_id=OuterRef("stay_id")).order_by("-scored_at", "-pk").values("pk")[:1]
    return Q(stay_id__in=list(stay_ids)) & Q(pk=Subquery(newest))


def latest_acuity(stay_ids: Iterable[int]) -> dict[int, int]:
    """{stay id: points of its latest acuity score}, in one query; stays never
    scored are absent."""
    ids = list(stay_ids)
    if not ids:
        return {}
    return dict(AcuityScore.objects.filter(_latest_score_ids(ids)).values_list("stay_id", "points"))


def latest_scores(stay_ids: Iterable[int]) -> dict[int, AcuityScore]:
    """{stay id: its latest AcuityScore (with its scale)}, in one query."""
    ids = list(stay_ids)
    if not ids:
        return {}
    return {s.stay_id: s for s in AcuityScore.objects.filter(_latest_score_ids(ids)).select_related("scale")}


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


# --- scoped reads --------------------------------------------------------------------------------


def patients(
    user: Any,
    *,
    site_id: int | None = None,
    unit_id: int | None = None,
    q: str | None = None,
    admitted_only: bool = False,
) -> QuerySet[Patient]:
    """Patients within reach; `q` finds by name (every word) or MRN."""
    qs = scoping.scoped(Patient.objects.select_related("site"), user, "census.view")
    if site_id is not None:
        qs = qs.filter(site_id=site_id)
    if unit_id is not None:
        qs = qs.filter(pk__in=Stay.objects.filter(unit_id=unit_id).values("patient_id"))
    if admitted_only:
        qs = qs.filter(pk__in=Stay.objects.filter(discharged_at__isnull=True).values("patient_id"))
    for word in (q or "").split()[:5]:
        qs = qs.filter(
            Q(family_name__icontains=word)
            | Q(given_name__icontains=word)
            | Q(mrn__iexact=word)
            | Q(wristband_id__iexact=word)
        )
    return qs.annotate(
        current_stay_id=Subquery(
            Stay.objects.filter(patient_id=OuterRef("pk"), discharged_at__isnull=True).values("pk")[:1]
        )
    )


def stays(
    user: Any,
    *,
    unit_id: int | None = None,
    patient_id: int | None = None,
    open_only: bool = False,
) -> QuerySet[Stay]:
    qs = scoping.scoped(
        Stay.objects.select_related("patient", "unit", "unit__site", "bed", "bed__room"), user, "census.view"
    )
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    if patient_id is not None:
        qs = qs.filter(patient_id=patient_id)
    if open_only:
        qs = qs.filter(discharged_at__isnull=True)
    return qs


def patient_stays(patient: Patient) -> QuerySet[Stay]:
    """Every stay of a patient already reached (the patient page shows the whole history)."""
    return Stay.objects.filter(patient=patient).select_related("unit", "bed", "bed__room")


def movements(stay_ids: Iterable[int]) -> QuerySet[StayMovement]:
    return (
        StayMovement.objects.filter(stay_id__in=list(stay_ids))
        .select_related("from_unit", "to_unit", "from_bed", "from_bed__room", "to_bed", "to_bed__room", "recorded_by")
        .order_by("at", "pk")
    )


def scores(user: Any, *, stay_id: int) -> QuerySet[AcuityScore]:
    return scoping.scoped(AcuityScore.objects.select_related("scale", "scored_by"), user, "census.view").filter(
        stay_id=stay_id
    )


def flags(user: Any, *, stay_id: int, active_only: bool = False) -> QuerySet[PatientFlag]:
    qs = scoping.scoped(PatientFlag.objects.select_related("raised_by", "cleared_by"), user, "census.view").filter(
        stay_id=stay_id
    )
    return qs.filter(cleared_at__isnull=True) if active_only else qs


def contacts(user: Any, *, patient_id: int, include_inactive: bool = False) -> QuerySet[FamilyContact]:
    qs = scoping.scoped(FamilyContact.objects.all(), user, "census.view").filter(patient_id=patient_id)
    return qs if include_inactive else qs.filter(is_active=True)


def reachable_site_ids(user: Any, permission: str = "census.view") -> set[int] | None:
    """Sites where the user holds `permission` on the site or a unit; None: all."""
    r = scoping.reach(user, permission)
    if r.everywhere:
        return None
    ids = set(r.site_ids)
    if r.unit_ids:
        ids |= set(Unit.objects.filter(pk__in=r.unit_ids).values_list("site_id", flat=True))
    return ids


def acuity_scales(user: Any, *, site_id: int | None = None, include_inactive: bool = False) -> QuerySet[AcuityScale]:
    """The shared scales and the own scales of the sites within reach."""
    qs = AcuityScale.objects.all()
    sites = reachable_site_ids(user)
    if sites is not None:
        qs = qs.filter(Q(site__isnull=True) | Q(site_id__in=sites))
    if site_id is not None:
        qs = qs.filter(Q(site__isnull=True) | Q(site_id=site_id))
    return qs if include_inactive else qs.filter(is_active=True)


def get_scale(user: Any, scale_id: int) -> AcuityScale:
    from caredesk.core import errors

    found = acuity_scales(user, include_inactive=True).filter(pk=scale_id).first()
    if found is None:
        raise errors.NotFound()
    return found


# --- units: occupancy and the board -------------------------------------------------------------------


def units_overview(user: Any, *, site_id: int | None = None, unit_id: int | None = None) -> QuerySet[Unit]:
    """Units where the user sees patients, with beds, occupied beds and patients."""
    beds_q = (
        Bed.objects.filter(room__unit_id=OuterRef("pk"), is_active=True, room__is_active=True)
        .order_by()
        .values("room__unit_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    open_q = (
        Stay.objects.filter(unit_id=OuterRef("pk"), discharged_at__isnull=True)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    in_bed_q = (
        Stay.objects.filter(unit_id=OuterRef("pk"), discharged_at__isnull=True, bed__isnull=False)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = scoping.scoped(Unit.objects.select_related("site").filter(is_active=True), user, "census.view")
    if site_id is not None:
        qs = qs.filter(site_id=site_id)
    if unit_id is not None:
        qs = qs.filter(pk=unit_id)
    zero = Value(0, output_field=IntegerField())
    return qs.annotate(
        bed_count=Coalesce(Subquery(beds_q, output_field=IntegerField()), zero),
        patient_count=Coalesce(Subquery(open_q, output_field=IntegerField()), zero),
        occupied_beds=Coalesce(Subquery(in_bed_q, output_field=IntegerField()), zero),
    )


@dataclass
class BoardRow:
    bed: Bed | None
    stay: Stay | None
    age: int | None = None
    score: AcuityScore | None = None
    flags: list[PatientFlag] = field(default_factory=list)
    nurse: Any = None

    @property
    def room_name(self) -> str:
        return self.bed.room.name if self.bed else ""

    @property
    def bed_label(self) -> str:
        return self.bed.label if self.bed else ""

    @property
    def level_label(self) -> str:
        if self.score is None:
            return ""
        from caredesk.census.services import level_label

        return level_label(self.score.scale, self.score.level)


@dataclass
class Board:
    unit: Unit
    at: datetime
    rows: list[BoardRow]

    @property
    def beds(self) -> int:
        return sum(1 for r in self.rows if r.bed is not None)

    @property
    def occupied(self) -> int:
        return sum(1 for r in self.rows if r.bed is not None and r.stay is not None)

    @property
    def patients(self) -> int:
        return sum(1 for r in self.rows if r.stay is not None)


def nurses_by_stay(stays_: list[Stay], at: datetime) -> dict[int, Any]:
    """{stay id: StaffMember} of the nurse assigned on the care shift running at `at` (one query)."""
    from caredesk.assignment import queries as assignment_queries  # assignment reads census: import late

    return dict(assignment_queries.nurses_for(stays_, at))


def unit_board(user: Any, unit_id: int, now: datetime | None = None) -> Board:
    """Every bed of the unit, who is in it, their latest acuity, active flags and
    assigned nurse; patients without a bed come last. A constant number of
    queries, whatever the number of beds."""
    moment = now or clock.now()
    unit = scoping.get_scoped(Unit.objects.select_related("site"), user, "census.view", pk=unit_id)
    beds = list(
        Bed.objects.filter(room__unit=unit, is_active=True, room__is_active=True)
        .select_related("room")
        .order_by("room__position", "room__name", "label")
    )
    current = list(active_stays(unit, moment))
    ids = [s.pk for s in current]
    latest = latest_scores(ids)
    flags_of: dict[int, list[PatientFlag]] = defaultdict(list)
    for f in PatientFlag.objects.filter(stay_id__in=ids, cleared_at__isnull=True).order_by("kind"):
        flags_of[f.stay_id].append(f)
    nurses = nurses_by_stay(current, moment)
    today = clock.to_zone(moment, unit.site.time_zone).date()

    def row(bed: Bed | None, stay: Stay | None) -> BoardRow:
        if stay is None:
            return BoardRow(bed=bed, stay=None)
        return BoardRow(
            bed=bed,
            stay=stay,
            age=age_on(stay.patient.birth_date, today),
            score=latest.get(stay.pk),
            flags=flags_of.get(stay.pk, []),
            nurse=nurses.get(stay.pk),
        )

    by_bed = {s.bed_id: s for s in current if s.bed_id is not None}
    rows = [row(b, by_bed.pop(b.pk, None)) for b in beds]
    # Stays without a bed, or in a bed now out of service, still show.
    rows += [row(s.bed, s) for s in current if s.bed_id is None or s.bed_id in by_bed]
    return Board(unit=unit, at=moment, rows=rows)


def log_board_view(user: Any, unit: Unit, at: datetime | None = None) -> None:
    """One audit event per view of a unit board (it shows many patients)."""
    from django.db import transaction

    from caredesk.core import audit

    with transaction.atomic():
        audit.record(actor=user, action="census.view_board", obj=unit, at=at)


def log_list_view(user: Any, what: str, count: int, site_id: int | None = None) -> None:
    """One audit event per list of patients shown (search, API list)."""
    from django.db import transaction

    from caredesk.core import audit

    with transaction.atomic():
        audit.record(actor=user, action="census.view_list", object_type=what, site_id=site_id, after={"count": count})

"""Periodic work of medications: raise late and missed dose alerts once, and
keep each active order's doses generated 48 h ahead."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django_tasks import task

from caredesk.core import clock, periodic
from caredesk.medications import queries, schedule, timing
from caredesk.medications import status as st
from caredesk.medications.models import MedicationOrder, OrderStatus, ScheduledDose

logger = logging.getLogger(__name__)


def _raise(kind: str, view: queries.DoseView, now: datetime) -> Any:
    """Hand the alert to escalation (raised once per kind and dose there too)."""
    from caredesk.escalation import services as escalation

    dose = view.dose
    order = dose.order
    local = f"{view.local_time:%H:%M}"
    patient = dose.stay.patient
    if kind == "dose_late":
        title = _("Late: %(drug)s due at %(time)s for %(patient)s") % {
            "drug": order.drug,
            "time": local,
            "patient": patient,
        }
        due_at = view.window.closes_at
    else:
        title = _("Missed: %(drug)s due at %(time)s for %(patient)s") % {
            "drug": order.drug,
            "time": local,
            "patient": patient,
        }
        due_at = st.missed_from(dose.next_dose_at, order.ends_at) or view.window.closes_at
    detail = _("%(drug)s %(dose)s %(unit)s %(route)s, scheduled %(time)s (window ±%(w)d min).") % {
        "drug": order.drug,
        "dose": f"{order.dose.normalize():f}",
        "unit": order.dose_unit,
        "route": order.get_route_display(),
        "time": local,
        "w": dose.window_minutes,
    }
    return escalation.raise_alert(
        kind=kind, stay=dose.stay, source=dose, due_at=due_at, title=title[:200], detail=detail, now=now
    )


def sweep(*, now: datetime | None = None, limit: int = 1000) -> dict[str, int]:
    """Look at each dose whose `next_check_at` has come: raise the late alert of a
    time-critical dose at the close of its window, and the missed alert of any
    dose when the next one is due (or the order ended). Each dose is claimed with
    a compare-and-set on `next_check_at`, so several workers raise an alert once."""
    moment = now or clock.now()
    counts = {"checked": 0, "late": 0, "missed": 0}
    due = list(queries.dose_queryset().filter(next_check_at__lte=moment).order_by("next_check_at")[:limit])
    for view in queries.doses_with_status(due, moment):
        dose = view.dose
        order = dose.order
        counts["checked"] += 1
        critical = st.window_kind(order.frequency, order.time_critical) == st.WindowKind.TIME_CRITICAL
        raise_late = critical and dose.late_alerted_at is None and view.status == st.DoseStatus.LATE
        raise_missed = dose.missed_alerted_at is None and view.status == st.DoseStatus.MISSED
        late_at = moment if raise_late else dose.late_alerted_at
        missed_at = moment if raise_missed else dose.missed_alerted_at
        ends = order.ends_at if order.status == OrderStatus.ACTIVE else (order.stopped_at or order.ends_at)
        if view.status in st.OPEN_STATES:
            check = st.alert_check_at(
                scheduled_at=dose.scheduled_at,
                window_minutes=dose.window_minutes,
                time_critical=critical,
                late_alerted=late_at is not None or view.status == st.DoseStatus.MISSED,
                missed_alerted=missed_at is not None,
                next_dose_at=dose.next_dose_at,
                order_ends_at=ends,
            )
            if check is not None and check <= moment:
                check = None  # nothing more can happen that the sweep has not seen
        else:
            check = None
        with transaction.atomic():
            claimed = ScheduledDose.objects.filter(pk=dose.pk, next_check_at=dose.next_check_at).update(
                next_check_at=check, late_alerted_at=late_at, missed_alerted_at=missed_at
            )
            if not claimed:
                continue
            if raise_late:
                _raise("dose_late", view, moment)
                counts["late"] += 1
            if raise_missed:
                _raise("dose_missed", view, moment)
                counts["missed"] += 1
    return counts


def extend_horizons(*, now: datetime | None = None, ahead: timedelta = schedule.HORIZON) -> int:
    """Generate the doses of every active order up to now + 48 h."""
    moment = now or clock.now()
    threshold = moment + ahead - timedelta(hours=1)
    due = list(
        MedicationOrder.objects.filter(status=OrderStatus.ACTIVE)
        .exclude(frequency="prn")
        .filter(Q(generated_until__isnull=True) | Q(generated_until__lt=threshold))
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=models_min(moment)))
        .select_related("stay__unit__site")
    )
    policies = timing.policies_for({o.stay.unit.site_id for o in due})
    created = 0
    for order in due:
        with transaction.atomic():
            created += schedule.generate(
                order, zone=order.stay.unit.site.time_zone, policy=policies[order.stay.unit.site_id], now=moment
            )
    return created


def models_min(moment: datetime) -> datetime:
    """Orders that ended more than a day ago need no more doses."""
    return moment - timedelta(days=1)


@periodic.every(timedelta(minutes=1))
@task(queue_name="alerts")
def dose_alerts() -> dict[str, int]:
    return sweep()


@periodic.every(timedelta(minutes=30))
@task()
def dose_horizons() -> int:
    return extend_horizons()

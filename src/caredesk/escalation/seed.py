"""Escalation demo data for each new site: its escalation policy, then the care
alerts the medication history calls for (each late time-critical and each
missed dose of the last 7 days, raised at the moment the sweep would have
raised it, to the nurse assigned then), most of them acknowledged with a note,
the last day's left open, and one incident report draft from a missed dose.

Works without the medications seed (policies only).
"""

from __future__ import annotations

import random
from datetime import timedelta
from importlib import import_module
from typing import Any

from caredesk.core import clock
from caredesk.core.seeding import SeedContext
from caredesk.escalation import services
from caredesk.escalation.models import (
    AlertKind,
    AlertStatus,
    CareAlert,
    EscalationPolicy,
    EventType,
    IncidentDraft,
)

ORDER = 110

NOTES = [
    "Given on return from CT; prescriber informed.",
    "Patient off unit (dialysis); dose given on return, pharmacy told.",
    "IV access lost; new line placed, dose given. Prescriber aware.",
    "Dose not available on unit; pharmacy sent it, given.",
    "Missed at shift change; reported to the charge nurse, prescriber reviewed.",
    "Patient asleep after a difficult night; given after waking, prescriber OK.",
]
MAX_ALERTS_PER_SITE = 40


def _dose_alerts(site_ids: list[int], now: Any) -> list[tuple[str, Any, Any]]:
    """(kind, dose view, moment it would have been raised) for the late time-critical
    and missed doses of the last 7 days on these sites."""
    try:
        meds: Any = import_module("caredesk.medications.models")
        med_queries: Any = import_module("caredesk.medications.queries")
        st: Any = import_module("caredesk.medications.status")
    except ModuleNotFoundError:
        return []
    if not hasattr(meds, "ScheduledDose") or not hasattr(med_queries, "doses_with_status"):
        return []
    doses = list(
        med_queries.dose_queryset()
        .filter(
            stay__unit__site_id__in=site_ids,
            scheduled_at__gte=now - timedelta(days=7),
            window_closes_at__lt=now,
            is_cancelled=False,
            outcome__in=["", "given_late"],
        )
        .order_by("-scheduled_at")
    )
    found: list[tuple[str, Any, Any]] = []
    for view in med_queries.doses_with_status(doses, now):
        dose, order = view.dose, view.dose.order
        critical = st.window_kind(order.frequency, order.time_critical) == st.WindowKind.TIME_CRITICAL
        status = str(view.status)
        if status == "missed":
            found.append((AlertKind.DOSE_MISSED, view, st.missed_from(dose.next_dose_at, order.ends_at) or now))
        elif critical and status in ("late", "given_late"):
            found.append((AlertKind.DOSE_LATE, view, dose.window_closes_at + timedelta(minutes=1)))
    return found


def run(ctx: SeedContext) -> None:
    pairs = ctx.shared.get("new_pairs", [])
    sites = [site for _k, hospital, home in pairs for site in (hospital, home) if site is not None]
    if not sites:
        return
    # No e-mail for the demo's past alerts: the policy turns it on once they are in.
    policies = [EscalationPolicy(site=site, send_email=False) for site in sites]
    EscalationPolicy.objects.bulk_create(policies, ignore_conflicts=True)
    ctx.report.add("escalation policies", len(policies))
    now = clock.now()
    per_site: dict[int, int] = {}
    raised: list[CareAlert] = []
    for kind, view, moment in sorted(_dose_alerts([s.pk for s in sites], now), key=lambda t: t[2]):
        dose = view.dose
        site_id = dose.stay.unit.site_id
        if per_site.get(site_id, 0) >= MAX_ALERTS_PER_SITE or moment > now:
            continue
        order = dose.order
        local = clock.to_zone(dose.scheduled_at, dose.stay.unit.site.time_zone)
        verb = "Missed" if kind == AlertKind.DOSE_MISSED else "Late"
        alert = services.raise_alert(
            kind=kind,
            stay=dose.stay,
            source=dose,
            due_at=moment,
            title=f"{verb}: {order.drug} due at {local:%H:%M} for {dose.stay.patient}"[:200],
            detail=f"{order} scheduled {local:%Y-%m-%d %H:%M} (window ±{dose.window_minutes} min).",
            now=moment,
        )
        if alert is not None:
            per_site[site_id] = per_site.get(site_id, 0) + 1
            raised.append(alert)
    for alert in raised:
        rng = random.Random(f"{ctx.seed}:escalation:{alert.source_id}:{alert.kind}")
        if alert.raised_at >= now - timedelta(hours=24) and rng.random() < 0.6:
            continue  # the last day's alerts: some still open, escalated below
        who = alert.recipients.order_by("level", "pk").first()
        if who is None:
            continue
        at = alert.raised_at + timedelta(minutes=rng.randint(3, 25))
        CareAlert.objects.filter(pk=alert.pk).update(
            status=AlertStatus.ACKNOWLEDGED,
            acknowledged_at=at,
            acknowledged_by_id=who.user_id,
            acknowledgement_note=rng.choice(NOTES),
            escalate_at=None,
            version=alert.version + 1,
        )
    services.escalate_due(now)
    ctx.report.add("care alerts", len(raised))
    # One incident report draft per new hospital, from its latest missed dose.
    for _k, hospital, _home in pairs:
        alert = (
            CareAlert.objects.filter(site=hospital, kind=AlertKind.DOSE_MISSED)
            .select_related("site", "unit", "stay")
            .order_by("-raised_at")
            .first()
        )
        if alert is None or IncidentDraft.objects.filter(alert=alert).exists():
            continue
        reporter = alert.acknowledged_by or next((r.user for r in alert.recipients.all()), None)
        if reporter is None:
            continue
        prefill = services.prefill_from_alert(alert, now)
        IncidentDraft.objects.create(
            site=hospital,
            unit=alert.unit,
            stay=alert.stay,
            alert=alert,
            source_type=alert.source_type,
            source_id=alert.source_id,
            event_type=EventType.MEDICATION,
            is_omission=True,
            ncc_merp_category="C",
            description=prefill["description"],
            occurred_at=prefill["occurred_at"],
            reported_by=reporter,
        )
        ctx.report.add("incident drafts")
    EscalationPolicy.objects.filter(site__in=sites).update(send_email=True)

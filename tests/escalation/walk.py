"""Site-A escalation records for the cross-site walk (tests/test_cross_site.py)."""

from __future__ import annotations

from typing import Any

from caredesk.escalation.models import AlertRecipient, CareAlert, EscalationPolicy, IncidentDraft
from tests.census.helpers import make_bed
from tests.escalation.helpers import make_alert, make_stay


def targets(world: Any) -> dict[str, Any]:
    stay = make_stay(world.icu_a, mrn="ESC-WALK", family="Walkerton", given="Ivy", bed=make_bed(world.icu_a, "A298"))
    EscalationPolicy.objects.create(site=world.site_a)
    alert = make_alert(stay, recipients=[world.nurse_a])
    drafted = make_alert(stay, kind="dose_late", title="Alpha insulin late", recipients=[world.nurse_a])
    draft = IncidentDraft.objects.create(
        site=world.site_a,
        unit=world.icu_a,
        stay=stay,
        alert=drafted,
        source_type=drafted.source_type,
        source_id=drafted.source_id,
        event_type="medication",
        is_omission=False,
        ncc_merp_category="C",
        description="Alpha ICU insulin given 50 minutes late.",
        occurred_at=drafted.due_at,
        reported_by=world.nurse_a,
    )
    return {"alert_id": alert.pk, "draft_id": draft.pk}


def state(world: Any) -> list[Any]:
    site = world.site_a
    return [
        list(EscalationPolicy.objects.filter(site=site).values()),
        list(CareAlert.objects.filter(site=site).values()),
        list(AlertRecipient.objects.filter(alert__site=site).values()),
        list(IncidentDraft.objects.filter(site=site).values()),
    ]

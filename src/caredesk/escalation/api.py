"""Escalation over the JSON API: care alerts (list, read, acknowledge, resolve),
incident drafts and the site's escalation policy."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from caredesk.core import audit, errors, scoping
from caredesk.core.api_support import ERRORS, Page
from caredesk.escalation import queries, schemas, services
from caredesk.escalation.models import CareAlert, EscalationPolicy, IncidentDraft
from caredesk.org.models import Site

router = Router(tags=["escalation"])


def alert_out(a: CareAlert) -> dict[str, Any]:
    return {
        "id": a.pk,
        "site_id": a.site_id,
        "unit_id": a.unit_id,
        "unit_name": a.unit.name,
        "stay_id": a.stay_id,
        "patient_name": str(a.stay.patient),
        "bed": str(a.stay.bed) if a.stay.bed_id else "",
        "kind": a.kind,
        "source_type": a.source_type,
        "source_id": a.source_id,
        "title": a.title,
        "detail": a.detail,
        "severity": a.severity,
        "due_at": a.due_at,
        "raised_at": a.raised_at,
        "level": a.level,
        "escalate_at": a.escalate_at,
        "status": a.status,
        "acknowledged_at": a.acknowledged_at,
        "acknowledged_by_id": a.acknowledged_by_id,
        "acknowledgement_note": a.acknowledgement_note,
        "resolved_at": a.resolved_at,
        "resolved_by_id": a.resolved_by_id,
        "resolution_note": a.resolution_note,
        "recipients": [
            {
                "user_id": r.user_id,
                "name": r.user.get_full_name() or r.user.get_username(),
                "level": r.level,
                "notified_at": r.notified_at,
            }
            for r in a.recipients.all()
        ],
        "version": a.version,
    }


def draft_out(d: IncidentDraft) -> dict[str, Any]:
    return {
        "id": d.pk,
        "site_id": d.site_id,
        "unit_id": d.unit_id,
        "stay_id": d.stay_id,
        "patient_name": str(d.stay.patient),
        "alert_id": d.alert_id,
        "source_type": d.source_type,
        "source_id": d.source_id,
        "event_type": d.event_type,
        "is_omission": d.is_omission,
        "ncc_merp_category": d.ncc_merp_category,
        "description": d.description,
        "occurred_at": d.occurred_at,
        "reported_by_id": d.reported_by_id,
        "reported_by": d.reported_by.get_full_name() or d.reported_by.get_username(),
        "status": d.status,
        "created_at": d.created_at,
        "version": d.version,
    }


def policy_out(p: EscalationPolicy) -> dict[str, Any]:
    return {
        "site_id": p.site_id,
        "critical_delay_minutes": p.critical_delay_minutes,
        "standard_delay_minutes": p.standard_delay_minutes,
        "leadership_delay_minutes": p.leadership_delay_minutes,
        "send_email": p.send_email,
        "version": p.version,
    }


def _draft(request: HttpRequest, draft_id: int) -> IncidentDraft:
    return scoping.get_scoped(
        IncidentDraft.objects.select_related("stay__patient", "reported_by"),
        request.user,
        "escalation.view",
        pk=draft_id,
    )


# --- alerts ---------------------------------------------------------------------------


class AlertFilter(Schema):
    site_id: int | None = None
    unit_id: int | None = None
    status: str | None = None
    kind: str | None = None
    mine: bool = False


@router.get("/alerts", response=list[schemas.AlertRead], summary="Care alerts: of your units, or sent to you (mine)")
@paginate(Page)
def list_alerts(request: HttpRequest, filters: Query[AlertFilter]):  # type: ignore[no-untyped-def]
    if filters.mine:
        qs = queries.my_alerts(request.user, status=filters.status)
        if filters.unit_id is not None:
            qs = qs.filter(unit_id=filters.unit_id)
    else:
        qs = queries.unit_alerts(
            request.user, site_id=filters.site_id, unit_id=filters.unit_id, status=filters.status, kind=filters.kind
        )
    return [alert_out(a) for a in qs]


@router.get("/alerts/{alert_id}", response={200: schemas.AlertRead, **ERRORS}, summary="One care alert")
def get_alert(request: HttpRequest, alert_id: int) -> Any:
    found = queries.alert(request.user, alert_id)
    audit.log_patient_view(request.user, found)
    return alert_out(found)


@router.post(
    "/alerts/{alert_id}/acknowledge",
    response={200: schemas.AlertRead, **ERRORS},
    summary="Acknowledge an alert with what was done (stops its escalation)",
)
def acknowledge_alert(request: HttpRequest, alert_id: int, data: schemas.AlertAcknowledge) -> Any:
    services.acknowledge(request.user, alert_id, data.note)
    return alert_out(queries.alert(request.user, alert_id))


@router.post("/alerts/{alert_id}/resolve", response={200: schemas.AlertRead, **ERRORS}, summary="Resolve an alert")
def resolve_alert(request: HttpRequest, alert_id: int, data: schemas.AlertResolve) -> Any:
    services.resolve(request.user, alert_id, data.note)
    return alert_out(queries.alert(request.user, alert_id))


# --- incident drafts ----------------------------------------------------------------------


class DraftFilter(Schema):
    site_id: int | None = None
    unit_id: int | None = None
    status: str | None = None


@router.get("/incident-drafts", response=list[schemas.IncidentDraftRead], summary="Incident report drafts")
@paginate(Page)
def list_drafts(request: HttpRequest, filters: Query[DraftFilter]):  # type: ignore[no-untyped-def]
    qs = queries.incident_drafts(request.user, site_id=filters.site_id, unit_id=filters.unit_id, status=filters.status)
    return [draft_out(d) for d in qs]


@router.post(
    "/incident-drafts",
    response={201: schemas.IncidentDraftRead, **ERRORS},
    summary="Start an incident report from an alert or a dose (prefilled, NCC MERP category C)",
)
def create_draft(request: HttpRequest, data: schemas.IncidentDraftCreate) -> Any:
    draft = services.create_incident_draft(request.user, data)
    return 201, draft_out(_draft(request, draft.pk))


@router.get("/incident-drafts/{draft_id}", response={200: schemas.IncidentDraftRead, **ERRORS})
def get_draft(request: HttpRequest, draft_id: int) -> Any:
    draft = _draft(request, draft_id)
    audit.log_patient_view(request.user, draft)
    return draft_out(draft)


@router.patch("/incident-drafts/{draft_id}", response={200: schemas.IncidentDraftRead, **ERRORS})
def update_draft(request: HttpRequest, draft_id: int, data: schemas.IncidentDraftUpdate) -> Any:
    services.update_incident_draft(request.user, draft_id, data)
    return draft_out(_draft(request, draft_id))


# --- policy -----------------------------------------------------------------------------


@router.get(
    "/policies/{site_id}", response={200: schemas.EscalationPolicyRead, **ERRORS}, summary="A site's escalation delays"
)
def get_policy(request: HttpRequest, site_id: int) -> Any:
    site = scoping.get_scoped(Site.objects.all(), request.user, "org.view_site", pk=site_id)
    r = scoping.reach(request.user, "escalation.view")
    if not (r.everywhere or site.pk in r.site_ids or site.units.filter(pk__in=r.unit_ids).exists()):
        raise errors.NotFound()
    return policy_out(services.policy_for(site))


@router.patch(
    "/policies/{site_id}", response={200: schemas.EscalationPolicyRead, **ERRORS}, summary="Change the delays"
)
def update_policy(request: HttpRequest, site_id: int, data: schemas.EscalationPolicyUpdate) -> Any:
    return policy_out(services.update_policy(request.user, site_id, data))

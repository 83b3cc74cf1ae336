"""Pages of escalation: my alerts and the unit's, one alert with its
acknowledgement, incident drafts, and the site policy."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caredesk.core import audit, clock, errors, scoping
from caredesk.escalation import forms, queries, schemas, services
from caredesk.escalation.models import AlertKind, AlertStatus, CareAlert, DraftStatus, IncidentDraft
from caredesk.org import queries as org_queries
from caredesk.org.models import Site
from caredesk.web import forms_support, scope


def _alert(request: HttpRequest, alert_id: int) -> CareAlert:
    return queries.alert(request.user, alert_id)


def _draft(request: HttpRequest, draft_id: int) -> IncidentDraft:
    return scoping.get_scoped(
        IncidentDraft.objects.select_related(
            "site", "unit", "stay__patient", "stay__bed__room", "reported_by", "alert"
        ),
        request.user,
        "escalation.view",
        pk=draft_id,
    )


def _age_minutes(alert: CareAlert, now: Any) -> int:
    return max(0, int((now - alert.raised_at).total_seconds() // 60))


def _decorate(alerts: Any, user: Any, now: Any) -> list[CareAlert]:
    out = []
    for a in alerts:
        a.age_minutes = _age_minutes(a, now)  # type: ignore[attr-defined]
        a.can_act = a.status != AlertStatus.RESOLVED and services.may_act(user, a)  # type: ignore[attr-defined]
        a.local_due = clock.to_zone(a.due_at, a.site.time_zone)  # type: ignore[attr-defined]
        out.append(a)
    return out


def _lists(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    focus = scope.current(request)
    show = request.GET.get("show", "open")
    status = None if show == "all" else AlertStatus.OPEN
    now = clock.now()
    unit_alerts = queries.unit_alerts(user, site_id=focus.site_id, unit_id=focus.unit_id, status=status)[:100]
    return {
        "mine": _decorate(queries.my_alerts(user)[:50], user, now),
        "unit_alerts": _decorate(unit_alerts, user, now),
        "show": "all" if status is None else "open",
        "note_form": forms.NoteForm(),
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scoping.has_anywhere(user, "escalation.view") and not queries.my_alerts(user).exists():
        raise errors.PermissionDenied()
    context = _lists(request)
    if request.htmx and request.GET.get("partial"):  # type: ignore[attr-defined]
        return render(request, "escalation/_lists.html", context)
    context["policy_sites"] = [
        s for s in org_queries.sites(user) if scoping.has(user, "escalation.manage_policy", site_id=s.pk)
    ]
    return render(request, "escalation/home.html", context)


@login_required
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    user = request.user
    alert = _alert(request, alert_id)
    audit.log_patient_view(user, alert)
    now = clock.now()
    _decorate([alert], user, now)
    zone = alert.site.time_zone
    return render(
        request,
        "escalation/alert_detail.html",
        {
            "alert": alert,
            "zone": zone,
            "recipients": [{"r": r, "local": clock.to_zone(r.notified_at, zone)} for r in alert.recipients.all()],
            "local_raised": clock.to_zone(alert.raised_at, zone),
            "local_escalate": clock.to_zone(alert.escalate_at, zone) if alert.escalate_at else None,
            "note_form": forms.NoteForm(),
            "can_draft": scoping.has(user, "escalation.draft_incident", site_id=alert.site_id, unit_id=alert.unit_id),
            "is_missed_dose": alert.kind == AlertKind.DOSE_MISSED,
            "drafts": alert.incident_drafts.all(),
        },
    )


def _act(request: HttpRequest, alert_id: int, action: Any, done: str) -> HttpResponse:
    alert = _alert(request, alert_id)  # 404 before anything for those who cannot see it
    form = forms.NoteForm(request.POST)
    if form.is_valid():
        result = forms_support.run(form, lambda: action(request.user, alert.pk, form.cleaned_data["note"]))
        if result is not None:
            messages.success(request, done)
    if request.htmx:  # type: ignore[attr-defined]
        fresh = _decorate([_alert(request, alert_id)], request.user, clock.now())[0]
        return render(request, "escalation/_alert_row.html", {"a": fresh, "note_form": form, "errors": form.errors})
    forms_support.flash_errors(request, form)
    return redirect("escalation:alert_detail", alert.pk)


@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    return _act(request, alert_id, services.acknowledge, _("Alert acknowledged; it will not escalate further."))


@login_required
@require_POST
def alert_resolve(request: HttpRequest, alert_id: int) -> HttpResponse:
    return _act(request, alert_id, services.resolve, _("Alert resolved."))


@login_required
def alert_incident(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Open an incident report from an alert: prefilled, category C for a medication event."""
    user = request.user
    alert = _alert(request, alert_id)
    scoping.require(user, "escalation.draft_incident", site_id=alert.site_id, unit_id=alert.unit_id)
    prefill = services.prefill_from_alert(alert, clock.now())
    form = forms.IncidentDraftForm(
        request.POST or None,
        initial={"ncc_merp_category": prefill["ncc_merp_category"], "description": prefill["description"]},
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        draft = forms_support.run(
            form,
            lambda: services.draft_incident_for_alert(
                user, alert.pk, category=cd["ncc_merp_category"], description=cd["description"]
            ),
        )
        if draft is not None:
            messages.success(request, _("Incident report draft saved; it goes to incident reporting later."))
            return redirect("escalation:draft_detail", draft.pk)
    return render(request, "escalation/incident_form.html", {"alert": alert, "form": form, "prefill": prefill})


@login_required
def draft_list(request: HttpRequest) -> HttpResponse:
    scoping.require_anywhere(request.user, "escalation.view")
    focus = scope.current(request)
    status = request.GET.get("status") or None
    if status not in DraftStatus.values:
        status = None
    return render(
        request,
        "escalation/draft_list.html",
        {"drafts": queries.incident_drafts(request.user, site_id=focus.site_id, unit_id=focus.unit_id, status=status)},
    )


@login_required
def draft_detail(request: HttpRequest, draft_id: int) -> HttpResponse:
    user = request.user
    draft = _draft(request, draft_id)
    audit.log_patient_view(user, draft)
    zone = ZoneInfo(draft.site.time_zone)
    can_edit = draft.status == DraftStatus.DRAFT and scoping.has(
        user, "escalation.draft_incident", site_id=draft.site_id, unit_id=draft.unit_id
    )
    form = forms.IncidentDraftEditForm(
        request.POST or None,
        initial={
            "ncc_merp_category": draft.ncc_merp_category,
            "description": draft.description,
            "occurred_at": clock.to_zone(draft.occurred_at, zone).strftime("%Y-%m-%d %H:%M"),
            "version": draft.version,
        },
    )
    if request.method == "POST":
        if not can_edit:
            raise errors.PermissionDenied()
        with timezone.override(zone):
            valid = form.is_valid()
        if valid:
            cd = form.cleaned_data
            updated = forms_support.run(
                form,
                lambda: services.update_incident_draft(
                    user,
                    draft.pk,
                    schemas.IncidentDraftUpdate(
                        version=cd["version"],
                        ncc_merp_category=cd["ncc_merp_category"] or None,
                        description=cd["description"],
                        occurred_at=cd["occurred_at"],
                    ),
                ),
            )
            if updated is not None:
                messages.success(request, _("Draft saved."))
                return redirect("escalation:draft_detail", draft.pk)
    return render(
        request,
        "escalation/draft_detail.html",
        {"draft": draft, "form": form, "can_edit": can_edit, "local_occurred": clock.to_zone(draft.occurred_at, zone)},
    )


@login_required
def policy(request: HttpRequest, site_id: int) -> HttpResponse:
    user = request.user
    site = scoping.get_scoped(Site.objects.all(), user, "org.view_site", pk=site_id)
    r = scoping.reach(user, "escalation.view")
    if not (r.everywhere or site.pk in r.site_ids or site.units.filter(pk__in=r.unit_ids).exists()):
        raise errors.NotFound()
    current = services.policy_for(site)
    can_edit = scoping.has(user, "escalation.manage_policy", site_id=site.pk)
    form = forms.PolicyForm(
        request.POST or None,
        initial={
            "critical_delay_minutes": current.critical_delay_minutes,
            "standard_delay_minutes": current.standard_delay_minutes,
            "leadership_delay_minutes": current.leadership_delay_minutes,
            "send_email": current.send_email,
            "version": current.version,
        },
    )
    if request.method == "POST":
        if not can_edit:
            raise errors.PermissionDenied()
        if form.is_valid():
            cd = form.cleaned_data
            saved = forms_support.run(
                form,
                lambda: services.update_policy(
                    user,
                    site.pk,
                    schemas.EscalationPolicyUpdate(
                        version=cd["version"],
                        critical_delay_minutes=cd["critical_delay_minutes"],
                        standard_delay_minutes=cd["standard_delay_minutes"],
                        leadership_delay_minutes=cd["leadership_delay_minutes"],
                        no_leadership_level=cd["leadership_delay_minutes"] is None,
                        send_email=cd["send_email"],
                    ),
                ),
            )
            if saved is not None:
                messages.success(request, _("Escalation delays saved."))
                return redirect("escalation:policy", site.pk)
    return render(request, "escalation/policy.html", {"site": site, "form": form, "can_edit": can_edit})

"""Pages of recruiting: the overview with its figures, requisitions, candidates,
the board, applications, interviews with feedback, offers and the hire."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caredesk.accounts.models import User
from caredesk.core import clock, errors, scoping
from caredesk.org import queries as org_queries
from caredesk.recruiting import forms, queries, schemas, services
from caredesk.recruiting.models import (
    Application,
    Candidate,
    Interview,
    Offer,
    OfferStatus,
    Requisition,
    RequisitionStatus,
    Stage,
    local_today,
)
from caredesk.web import forms_support, scope

VIEW = "recruiting.view"
MANAGE = "recruiting.manage"
APPROVE = "recruiting.approve"


def _can_manage(request: HttpRequest, site_id: int) -> bool:
    return scoping.has(request.user, MANAGE, site_id=site_id)


def _requisition(request: HttpRequest, requisition_id: int) -> Requisition:
    return scoping.get_scoped(Requisition.objects.select_related("site", "unit"), request.user, VIEW, pk=requisition_id)


def _application(request: HttpRequest, application_id: int) -> Application:
    return scoping.get_scoped(
        Application.objects.select_related("candidate", "requisition__site", "requisition__unit"),
        request.user,
        VIEW,
        pk=application_id,
    )


# --- overview -----------------------------------------------------------------------


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    scoping.require_anywhere(request.user, VIEW)
    focus = scope.current(request)
    now = clock.now()
    figures = queries.overview(request.user, site_id=focus.site_id, now=now)
    units = [u for u in figures.units if focus.unit_id is None or u.unit_id == focus.unit_id]
    pending = [
        r
        for r in queries.requisitions(request.user, site_id=focus.site_id, status=RequisitionStatus.PENDING_APPROVAL)
        if scoping.has(request.user, APPROVE, site_id=r.site_id) and r.requested_by_id != request.user.pk
    ]
    upcoming = (
        queries.interviews(request.user, site_id=focus.site_id)
        .filter(cancelled_at__isnull=True, starts_at__gte=now, starts_at__lt=now + timedelta(days=14))
        .order_by("starts_at")[:20]
    )
    return render(
        request,
        "recruiting/overview.html",
        {"figures": figures, "units": units, "pending": pending, "upcoming": upcoming},
    )


# --- requisitions -------------------------------------------------------------------


@login_required
def requisition_list(request: HttpRequest) -> HttpResponse:
    scoping.require_anywhere(request.user, VIEW)
    focus = scope.current(request)
    status = request.GET.get("status") or None
    if status not in RequisitionStatus.values:
        status = None
    reqs = queries.requisitions(request.user, site_id=focus.site_id, unit_id=focus.unit_id, status=status)
    return render(
        request,
        "recruiting/requisition_list.html",
        {
            "requisitions": reqs,
            "status": status,
            "statuses": RequisitionStatus.choices,
            "can_add": scoping.has_anywhere(request.user, MANAGE),
        },
    )


def _unit_choices(request: HttpRequest) -> list[tuple[int, str]]:
    focus = scope.current(request)
    return [
        (u.pk, f"{u.site.name} · {u.name}")
        for u in org_queries.units(request.user, site_id=focus.site_id)
        if _can_manage(request, u.site_id)
    ]


@login_required
def requisition_create(request: HttpRequest) -> HttpResponse:
    scoping.require_anywhere(request.user, MANAGE)
    form = forms.RequisitionCreateForm(request.POST or None, unit_choices=_unit_choices(request))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "unit"}
        req = forms_support.run(
            form,
            lambda: services.create_requisition(
                request.user, schemas.RequisitionCreate(unit_id=form.cleaned_data["unit"], **data)
            ),
        )
        if req is not None:
            messages.success(request, _("Requisition saved as a draft."))
            return redirect("recruiting:requisition_detail", req.pk)
    return render(request, "recruiting/requisition_form.html", {"form": form, "creating": True})


@login_required
def requisition_detail(request: HttpRequest, requisition_id: int) -> HttpResponse:
    req = _requisition(request, requisition_id)
    apps = queries.applications(request.user, requisition_id=req.pk).order_by("stage", "candidate__last_name")
    can_manage = _can_manage(request, req.site_id)
    can_decide = (
        scoping.has(request.user, APPROVE, site_id=req.site_id)
        and req.requested_by_id != request.user.pk
        and req.status == RequisitionStatus.PENDING_APPROVAL
    )
    application_form = None
    if can_manage and req.status == RequisitionStatus.APPROVED:
        taken = set(apps.values_list("candidate_id", flat=True))
        choices = [
            (c.pk, f"{c.last_name}, {c.first_name}")
            for c in queries.candidates(request.user, site_id=req.site_id)
            if c.pk not in taken
        ]
        application_form = forms.ApplicationForm(candidate_choices=choices)
    return render(
        request,
        "recruiting/requisition_detail.html",
        {
            "req": req,
            "applications": apps,
            "hired": apps.filter(stage=Stage.HIRED).count(),
            "requester": User.objects.filter(pk=req.requested_by_id).first(),
            "decider": User.objects.filter(pk=req.decided_by_id).first() if req.decided_by_id else None,
            "can_manage": can_manage,
            "can_decide": can_decide,
            "can_edit": can_manage and req.status in services.EDITABLE_STATUSES,
            "can_submit": can_manage and req.status == RequisitionStatus.DRAFT,
            "can_cancel": can_manage and req.status not in (RequisitionStatus.FILLED, RequisitionStatus.CANCELLED),
            "is_requester_pending": req.requested_by_id == request.user.pk
            and req.status == RequisitionStatus.PENDING_APPROVAL,
            "application_form": application_form,
        },
    )


@login_required
def requisition_edit(request: HttpRequest, requisition_id: int) -> HttpResponse:
    req = _requisition(request, requisition_id)
    scoping.require(request.user, MANAGE, site_id=req.site_id)
    initial = {n: getattr(req, n) for n in forms.REQUISITION_FIELDS} | {"version": req.version}
    form = forms.RequisitionEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data.get("annual_cost") is None:
            data.pop("annual_cost", None)
        updated = forms_support.run(
            form,
            lambda: services.update_requisition(request.user, req.pk, schemas.RequisitionUpdate(**data)),
        )
        if updated is not None:
            messages.success(request, _("Requisition saved."))
            return redirect("recruiting:requisition_detail", req.pk)
    return render(request, "recruiting/requisition_form.html", {"form": form, "req": req, "creating": False})


@login_required
@require_POST
def requisition_transition(request: HttpRequest, requisition_id: int) -> HttpResponse:
    req = _requisition(request, requisition_id)
    form = forms.TransitionForm(request.POST)
    return forms_support.inline_action(
        request,
        form,
        lambda d: services.transition_requisition(request.user, req.pk, schemas.RequisitionTransition(**d)),
        success=lambda _result: {
            "submit": _("Requisition submitted for approval."),
            "approve": _("Requisition approved."),
            "decline": _("Requisition declined and returned to draft."),
            "cancel": _("Requisition cancelled."),
        }[form.cleaned_data["action"]],
        back_to=reverse("recruiting:requisition_detail", args=[req.pk]),
    )


@login_required
@require_POST
def application_create(request: HttpRequest, requisition_id: int) -> HttpResponse:
    req = _requisition(request, requisition_id)
    form = forms.ApplicationForm(request.POST, candidate_choices=[])
    candidate_id = request.POST.get("candidate", "")
    if candidate_id.isdigit():
        app = forms_support.run(
            form,
            lambda: services.create_application(
                request.user, schemas.ApplicationCreate(candidate_id=int(candidate_id), requisition_id=req.pk)
            ),
        )
        if app is not None:
            messages.success(request, _("%(name)s added to this requisition.") % {"name": app.candidate})
    else:
        form.add_error(None, _("Choose a candidate."))
    forms_support.flash_errors(request, form)
    return redirect("recruiting:requisition_detail", req.pk)


# --- the board ----------------------------------------------------------------------


def _board_context(request: HttpRequest, requisition_id: int | None) -> dict[str, Any]:
    focus = scope.current(request)
    req = _requisition(request, requisition_id) if requisition_id else None
    columns = queries.board(
        request.user,
        site_id=None if req else focus.site_id,
        unit_id=None if req else focus.unit_id,
        requisition_id=req.pk if req else None,
    )
    now = clock.now()
    manageable = set({c.requisition.site_id for col in columns for c in col.cards})
    manageable = {s for s in manageable if _can_manage(request, s)}
    for col in columns:
        for card in col.cards:
            zone = card.requisition.site.time_zone
            card.days_in_stage = (now - card.stage_changed_at).days  # type: ignore[attr-defined]
            card.can_manage = card.requisition.site_id in manageable  # type: ignore[attr-defined]
            forward = services.FORWARD.get(card.stage)
            held = any(i.cancelled_at is None and i.starts_at <= now for i in card.interviews.all())
            card.forward = None if forward == Stage.INTERVIEWED and not held else forward  # type: ignore[attr-defined]
            card.live_offer = next(  # type: ignore[attr-defined]
                (o for o in card.offers.all() if o.state(now, zone) in ("open", "accepted")), None
            )
    return {
        "columns": columns,
        "board_requisition": req,
        "requisitions": queries.requisitions(request.user, site_id=focus.site_id, status=RequisitionStatus.APPROVED),
    }


@login_required
def board(request: HttpRequest) -> HttpResponse:
    scoping.require_anywhere(request.user, VIEW)
    raw = request.GET.get("requisition", "")
    return render(request, "recruiting/board.html", _board_context(request, int(raw) if raw.isdigit() else None))


@login_required
@require_POST
def application_move(request: HttpRequest, application_id: int) -> HttpResponse:
    app = _application(request, application_id)
    form = forms.MoveForm(request.POST)
    if form.is_valid():
        moved = forms_support.run(
            form,
            lambda: services.move_application(
                request.user,
                app.pk,
                to_stage=form.cleaned_data["to_stage"],
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if moved is not None:
            messages.success(
                request,
                _("%(name)s moved to %(stage)s.") % {"name": app.candidate, "stage": moved.get_stage_display()},
            )
    forms_support.flash_errors(request, form)
    back = request.POST.get("back", "")
    raw = request.POST.get("requisition", "")
    if request.htmx:  # type: ignore[attr-defined]
        context = _board_context(request, int(raw) if raw.isdigit() else None)
        return render(request, "recruiting/_board.html", context)
    if back == "board":
        url = reverse("recruiting:board")
        return redirect(f"{url}?requisition={raw}" if raw.isdigit() else url)
    return redirect("recruiting:application_detail", app.pk)


# --- applications -------------------------------------------------------------------


@login_required
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    app = _application(request, application_id)
    req = app.requisition
    now = clock.now()
    zone = req.site.time_zone
    offers = list(app.offers.all())
    for offer in offers:
        offer.current_state = offer.state(now, zone)  # type: ignore[attr-defined]
    live = next((o for o in offers if o.current_state in ("open", "accepted")), None)  # type: ignore[attr-defined]
    forward = services.FORWARD.get(app.stage)
    if (
        forward == Stage.INTERVIEWED
        and not app.interviews.filter(cancelled_at__isnull=True, starts_at__lte=now).exists()
    ):
        forward = None
    return render(
        request,
        "recruiting/application_detail.html",
        {
            "app": app,
            "req": req,
            "candidate": app.candidate,
            "history": app.stage_changes.select_related("by"),
            "interviews": queries.interviews(request.user, application_id=app.pk),
            "offers": offers,
            "live_offer": live,
            "can_manage": _can_manage(request, req.site_id) and app.is_open,
            "forward": forward,
            "can_schedule": app.stage in (Stage.SCREENED, Stage.INTERVIEWED),
            "can_offer": req.status == RequisitionStatus.APPROVED
            and (app.stage == Stage.INTERVIEWED or (app.stage == Stage.OFFERED and live is None)),
        },
    )


def _interviewer_choices(req: Requisition) -> list[tuple[int, str]]:
    people = (
        User.objects.filter(role_grants__site_id=req.site_id, role_grants__revoked_at__isnull=True, is_active=True)
        .distinct()
        .order_by("last_name", "first_name")
    )
    return [(u.pk, str(u)) for u in people if scoping.has(u, VIEW, site_id=req.site_id, unit_id=req.unit_id)]


@login_required
def interview_create(request: HttpRequest, application_id: int) -> HttpResponse:
    app = _application(request, application_id)
    req = app.requisition
    scoping.require(request.user, MANAGE, site_id=req.site_id)
    form = forms.InterviewForm(request.POST or None, interviewer_choices=_interviewer_choices(req))
    if request.method == "POST" and form.is_valid():
        zone = ZoneInfo(req.site.time_zone)
        starts = datetime.combine(form.cleaned_data["day"], form.cleaned_data["start"], tzinfo=zone)
        interview = forms_support.run(
            form,
            lambda: services.schedule_interview(
                request.user,
                app.pk,
                schemas.InterviewCreate(
                    starts_at=starts,
                    duration_minutes=form.cleaned_data["duration_minutes"],
                    kind=form.cleaned_data["kind"],
                    location=form.cleaned_data["location"],
                    interviewer_ids=form.cleaned_data["interviewers"],
                ),
            ),
        )
        if interview is not None:
            messages.success(request, _("Interview scheduled."))
            return redirect("recruiting:application_detail", app.pk)
    return render(request, "recruiting/interview_form.html", {"form": form, "app": app, "req": req})


@login_required
def interview_detail(request: HttpRequest, interview_id: int) -> HttpResponse:
    interview = scoping.get_scoped(queries.interviews(request.user), request.user, VIEW, pk=interview_id)
    app = interview.application
    req = app.requisition
    now = clock.now()
    on_panel = any(u.pk == request.user.pk for u in interview.interviewers.all())
    given = any(f.interviewer_id == request.user.pk for f in interview.feedback.all())
    may_give = (
        (on_panel or _can_manage(request, req.site_id))
        and interview.cancelled_at is None
        and now >= interview.starts_at
        and not given
    )
    form = forms.FeedbackForm(request.POST or None)
    if request.method == "POST":
        if not may_give:
            raise errors.PermissionDenied(_("You cannot give feedback on this interview now."))
        if form.is_valid():
            scores = form.scores()
            if not scores:
                form.add_error(None, _("Score at least one criterion."))
            else:
                feedback = forms_support.run(
                    form,
                    lambda: services.record_feedback(
                        request.user,
                        interview.pk,
                        schemas.FeedbackCreate(
                            criterion_scores=scores,  # type: ignore[arg-type]
                            recommendation=form.cleaned_data["recommendation"],
                            comments=form.cleaned_data["comments"],
                        ),
                    ),
                )
                if feedback is not None:
                    messages.success(request, _("Feedback recorded."))
                    return redirect("recruiting:interview_detail", interview.pk)
    return render(
        request,
        "recruiting/interview_detail.html",
        {
            "interview": interview,
            "app": app,
            "req": req,
            "form": form,
            "may_give": may_give,
            "can_cancel": _can_manage(request, req.site_id)
            and interview.cancelled_at is None
            and not interview.feedback.exists(),
        },
    )


@login_required
@require_POST
def interview_cancel(request: HttpRequest, interview_id: int) -> HttpResponse:
    interview = scoping.get_scoped(Interview.objects.all(), request.user, VIEW, pk=interview_id)
    return forms_support.inline_action(
        request,
        forms.CancelInterviewForm(request.POST),
        lambda d: services.cancel_interview(request.user, interview.pk, schemas.InterviewCancel(reason=d["reason"])),
        success=_("Interview cancelled."),
        back_to=reverse("recruiting:interview_detail", args=[interview.pk]),
    )


# --- offers and the hire ------------------------------------------------------------


@login_required
def offer_create(request: HttpRequest, application_id: int) -> HttpResponse:
    app = _application(request, application_id)
    req = app.requisition
    scoping.require(request.user, MANAGE, site_id=req.site_id)
    today = local_today(clock.now(), req.site.time_zone)
    initial = {
        "hourly_rate": req.hourly_rate_min,
        "fte": req.fte,
        "start_date": today + timedelta(days=28),
        "expires_on": today + timedelta(days=services.DEFAULT_OFFER_DAYS),
        "version": app.version,
    }
    form = forms.OfferForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        offer = forms_support.run(
            form, lambda: services.make_offer(request.user, app.pk, schemas.OfferCreate(**form.cleaned_data))
        )
        if offer is not None:
            messages.success(request, _("Offer made."))
            return redirect("recruiting:application_detail", app.pk)
    return render(request, "recruiting/offer_form.html", {"form": form, "app": app, "req": req})


def _offer(request: HttpRequest, offer_id: int) -> Offer:
    return scoping.get_scoped(
        Offer.objects.select_related("application__candidate", "application__requisition__site"),
        request.user,
        VIEW,
        pk=offer_id,
    )


@login_required
@require_POST
def offer_respond(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = _offer(request, offer_id)
    return forms_support.inline_action(
        request,
        forms.OfferResponseForm(request.POST),
        lambda d: services.respond_to_offer(request.user, offer.pk, schemas.OfferResponse(**d)),
        success=lambda o: _("Offer accepted.") if o.status == OfferStatus.ACCEPTED else _("Offer declined."),
        back_to=reverse("recruiting:application_detail", args=[offer.application_id]),
    )


@login_required
@require_POST
def offer_rescind(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = _offer(request, offer_id)
    return forms_support.inline_action(
        request,
        forms.RescindForm(request.POST),
        lambda d: services.rescind_offer(request.user, offer.pk, schemas.OfferRescind(**d)),
        success=_("Offer rescinded."),
        back_to=reverse("recruiting:application_detail", args=[offer.application_id]),
    )


@login_required
def hire(request: HttpRequest, offer_id: int) -> HttpResponse:
    from caredesk.workforce.models import WorkRules

    offer = _offer(request, offer_id)
    app = offer.application
    req = app.requisition
    scoping.require(request.user, MANAGE, site_id=req.site_id)
    default_rules = queries.default_work_rules(req.site)
    choices = [(r.pk, r.name) for r in WorkRules.objects.filter(is_active=True).order_by("name")]
    initial = {
        "work_rules": default_rules.pk if default_rules else None,
        "username": services.suggested_username(app.candidate),
        "employee_number": services.suggested_employee_number(req.site),
        "version": offer.version,
    }
    form = forms.HireForm(request.POST or None, initial=initial, rules_choices=choices)
    if request.method == "POST" and form.is_valid():
        result = forms_support.run(
            form,
            lambda: services.hire(
                request.user,
                offer.pk,
                schemas.HireCreate(
                    version=form.cleaned_data["version"],
                    work_rules_id=form.cleaned_data["work_rules"],
                    username=form.cleaned_data["username"],
                    employee_number=form.cleaned_data["employee_number"],
                ),
            ),
        )
        if result is not None:
            # The password is shown once, on this page, never stored in clear nor flashed.
            req.refresh_from_db()
            return render(request, "recruiting/hire_done.html", {"result": result, "app": app, "req": req})
    return render(
        request,
        "recruiting/hire_form.html",
        {"form": form, "offer": offer, "app": app, "req": req, "state": offer.state(clock.now(), req.site.time_zone)},
    )


# --- candidates ---------------------------------------------------------------------


@login_required
def candidate_list(request: HttpRequest) -> HttpResponse:
    scoping.require_anywhere(request.user, VIEW)
    focus = scope.current(request)
    search = request.GET.get("q", "").strip()
    found = queries.candidates(request.user, site_id=focus.site_id, search=search)
    return render(
        request,
        "recruiting/candidate_list.html",
        {"candidates": found[:300], "search": search, "can_add": scoping.has_anywhere(request.user, MANAGE)},
    )


@login_required
def candidate_create(request: HttpRequest) -> HttpResponse:
    scoping.require_anywhere(request.user, MANAGE)
    focus = scope.current(request)
    choices = [(s.pk, s.name) for s in org_queries.sites(request.user) if _can_manage(request, s.pk)]
    form = forms.CandidateCreateForm(request.POST or None, site_choices=choices, initial={"site": focus.site_id})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "site"}
        data["email"] = data.get("email") or None
        candidate = forms_support.run(
            form,
            lambda: services.create_candidate(
                request.user, schemas.CandidateCreate(site_id=form.cleaned_data["site"], **data)
            ),
        )
        if candidate is not None:
            messages.success(request, _("Candidate %(name)s recorded.") % {"name": candidate})
            return redirect("recruiting:candidate_detail", candidate.pk)
    return render(request, "recruiting/candidate_form.html", {"form": form, "creating": True})


@login_required
def candidate_detail(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidate = scoping.get_scoped(Candidate.objects.select_related("site"), request.user, VIEW, pk=candidate_id)
    return render(
        request,
        "recruiting/candidate_detail.html",
        {
            "candidate": candidate,
            "applications": queries.applications(request.user, candidate_id=candidate.pk),
            "can_manage": _can_manage(request, candidate.site_id),
        },
    )


@login_required
def candidate_edit(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidate = scoping.get_scoped(Candidate.objects.all(), request.user, VIEW, pk=candidate_id)
    scoping.require(request.user, MANAGE, site_id=candidate.site_id)
    initial = {n: getattr(candidate, n) for n in forms.CANDIDATE_FIELDS} | {"version": candidate.version}
    form = forms.CandidateEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["email"] = data.get("email") or None
        updated = forms_support.run(
            form, lambda: services.update_candidate(request.user, candidate.pk, schemas.CandidateUpdate(**data))
        )
        if updated is not None:
            messages.success(request, _("Candidate saved."))
            return redirect("recruiting:candidate_detail", candidate.pk)
    return render(request, "recruiting/candidate_form.html", {"form": form, "candidate": candidate, "creating": False})

"""Pages of training: the catalogue and its approvals, sessions, budgets,
compliance, and each person's own record."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caredesk.core import clock, errors, scoping
from caredesk.core.roles import Discipline
from caredesk.org import queries as org_queries
from caredesk.training import forms, queries, schemas, services
from caredesk.training.models import (
    Enrollment,
    ProgramStatus,
    ProposalStatus,
    SessionStatus,
    TrainingBudget,
    TrainingProgram,
    TrainingProposal,
    TrainingSession,
)
from caredesk.web import forms_support, scope
from caredesk.workforce.models import CredentialType, StaffMember


def _program(request: HttpRequest, program_id: int) -> TrainingProgram:
    return scoping.get_scoped(
        TrainingProgram.objects.select_related("site", "unit", "grants_credential_type"),
        request.user,
        "training.view",
        pk=program_id,
    )


def _session(request: HttpRequest, session_id: int) -> TrainingSession:
    return scoping.get_scoped(
        TrainingSession.objects.select_related("program", "program__site"), request.user, "training.view", pk=session_id
    )


def _enrollment(request: HttpRequest, enrollment_id: int) -> Enrollment:
    return scoping.get_scoped(
        Enrollment.objects.select_related("session", "staff"), request.user, "training.view", pk=enrollment_id
    )


def _sites_where(user: Any, perm: str) -> list[tuple[int, str]]:
    return [(s.pk, s.name) for s in org_queries.sites(user) if scoping.has(user, perm, site_id=s.pk)]


def _units_where(user: Any, perm: str) -> list[tuple[int | str, str]]:
    return [
        (u.pk, f"{u.site.name} · {u.name}")
        for u in org_queries.units(user)
        if scoping.has(user, perm, site_id=u.site_id, unit_id=u.pk)
    ]


def _sites_reaching(user: Any, perm: str) -> list[tuple[int, str]]:
    """Sites where the user holds `perm` on the site or on one of its units."""
    r = scoping.reach(user, perm)
    return [
        (s.pk, s.name)
        for s in org_queries.sites(user)
        if r.everywhere or s.pk in r.site_ids or s.units.filter(pk__in=r.unit_ids).exists()
    ]


def _own_staff(user: Any) -> StaffMember | None:
    return StaffMember.objects.filter(user_id=user.pk).select_related("site", "home_unit", "user").first()


# --- home and own record ---------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    staff = _own_staff(user)
    focus = scope.current(request)
    can_view = scoping.has_anywhere(user, "training.view")
    context: dict[str, Any] = {
        "staff": staff,
        "items": queries.person_items(staff) if staff else [],
        "completions": queries.completions(user, staff_id=staff.pk) if staff and can_view else [],
        "own_completions": staff.training_completions.select_related("program").all() if staff else [],
        "can_view": can_view,
        "can_budget": scoping.has_anywhere(user, "training.view_budget"),
        "pending": queries.pending_proposals(user, site_id=focus.site_id)[:20] if can_view else [],
        "upcoming": queries.sessions(user, site_id=focus.site_id, upcoming_from=clock.now())[:10] if can_view else [],
        "my_sessions": (
            Enrollment.objects.filter(staff=staff, session__ends_at__gte=clock.now(), status="enrolled").select_related(
                "session", "session__program", "session__program__site"
            )
            if staff
            else []
        ),
    }
    return render(request, "training/home.html", context)


@login_required
def person(request: HttpRequest, staff_id: int) -> HttpResponse:
    staff = StaffMember.objects.filter(pk=staff_id).select_related("site", "home_unit", "user").first()
    if staff is None or not queries.may_see_person(request.user, staff):
        raise errors.NotFound()
    return render(
        request,
        "training/person.html",
        {
            "staff": staff,
            "items": queries.person_items(staff),
            "own_completions": staff.training_completions.select_related("program").all(),
        },
    )


# --- programs and proposals -------------------------------------------------------------


@login_required
def program_list(request: HttpRequest) -> HttpResponse:
    scoping.require_anywhere(request.user, "training.view")
    focus = scope.current(request)
    status = request.GET.get("status") or None
    if status not in ProgramStatus.values:
        status = None
    return render(
        request,
        "training/program_list.html",
        {
            "programs": queries.programs(request.user, site_id=focus.site_id, status=status),
            "status": status,
            "statuses": ProgramStatus.choices,
            "can_propose": scoping.has_anywhere(request.user, "training.propose"),
        },
    )


@login_required
def program_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    scoping.require_anywhere(user, "training.propose")
    site_choices = _sites_reaching(user, "training.propose")
    focus = scope.current(request)
    form = forms.ProgramForm(
        request.POST or None,
        site_choices=site_choices,
        unit_choices=_units_where(user, "training.propose"),
        credential_choices=[(c.code, c.name) for c in CredentialType.objects.filter(requires_number=False)],
        initial={"site": focus.site_id, "year": clock.now().year, "delivery": "classroom"},
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        data = {k: v for k, v in cd.items() if k not in {"site", "unit"}}
        data["grants_credential_type"] = cd["grants_credential_type"] or None
        program = forms_support.run(
            form,
            lambda: services.propose_program(
                user, schemas.ProgramPropose(site_id=cd["site"], unit_id=cd["unit"], **data)
            ),
        )
        if program is not None:
            messages.success(request, _("%(title)s proposed; a director will decide on it.") % {"title": program.title})
            return redirect("training:program_detail", program.pk)
    return render(request, "training/program_form.html", {"form": form})


@login_required
def program_detail(request: HttpRequest, program_id: int) -> HttpResponse:
    user = request.user
    program = _program(request, program_id)
    proposals = []
    for p in queries.proposals(user, program_id=program.pk):
        budget = services.budget_for(program, p.year) if p.status == ProposalStatus.PENDING else None
        proposals.append(
            {
                "proposal": p,
                "budget": queries.budget_figures(budget) if budget else None,
                "overspend": services.overspend(p) if budget else None,
                "own": p.proposed_by_id == user.pk,
            }
        )
    can_sessions = scoping.has(user, "training.manage_sessions", site_id=program.site_id, unit_id=program.unit_id)
    staff_choices = [
        (s.pk, f"{s} ({s.home_unit.name if s.home_unit else ''})")
        for s in queries.visible_staff(user).filter(site_id=program.site_id)
        if scoping.has(user, "training.manage_sessions", site_id=s.site_id, unit_id=s.home_unit_id)
    ]
    return render(
        request,
        "training/program_detail.html",
        {
            "program": program,
            "proposals": proposals,
            "sessions": queries.sessions(user, program_id=program.pk),
            "completions": queries.completions(user, program_id=program.pk)[:50],
            "can_decide": scoping.has(user, "training.approve", site_id=program.site_id),
            "can_propose": program.status != ProgramStatus.RETIRED
            and scoping.has(user, "training.propose", site_id=program.site_id, unit_id=program.unit_id),
            "this_year": clock.to_zone(clock.now(), program.site.time_zone).year,
            "can_sessions": can_sessions and program.status == ProgramStatus.APPROVED,
            "can_complete": bool(staff_choices) and program.status == ProgramStatus.APPROVED,
            "completion_form": forms.CompletionForm(staff_choices=staff_choices),
            "now": clock.now(),
        },
    )


@login_required
@require_POST
def program_propose_funding(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id)
    return forms_support.inline_action(
        request,
        forms.FundingForm(request.POST),
        lambda d: services.propose_funding(request.user, program.pk, schemas.FundingPropose(**d)),
        success=_("Proposed; a director will decide on it."),
        back_to=reverse("training:program_detail", args=[program.pk]),
    )


@login_required
@require_POST
def program_retire(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id)
    return forms_support.inline_action(
        request,
        forms.VersionForm(request.POST),
        lambda d: services.retire_program(request.user, program.pk, schemas.ProgramRetire(version=d["version"])),
        success=_("Program retired."),
        back_to=reverse("training:program_detail", args=[program.pk]),
    )


def _proposal(request: HttpRequest, proposal_id: int) -> TrainingProposal:
    return scoping.get_scoped(
        TrainingProposal.objects.select_related("program"), request.user, "training.view", pk=proposal_id
    )


def _decide(request: HttpRequest, proposal: TrainingProposal, form: Any, action: Any, done: str) -> HttpResponse:
    if form.is_valid():
        try:
            result = forms_support.run(form, action)
        except errors.PermissionDenied as exc:
            messages.error(request, exc.message)
            return redirect("training:program_detail", proposal.program_id)
        if result is not None:
            messages.success(request, done)
    forms_support.flash_errors(request, form)
    return redirect("training:program_detail", proposal.program_id)


@login_required
@require_POST
def proposal_approve(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _proposal(request, proposal_id)
    form = forms.ApproveForm(request.POST)
    return _decide(
        request,
        proposal,
        form,
        lambda: services.approve_proposal(
            request.user,
            proposal.pk,
            schemas.ProposalApprove(
                reason=form.cleaned_data["reason"], confirm_overspend=form.cleaned_data["confirm_overspend"]
            ),
        ),
        _("Approved; its cost is posted to the training budget."),
    )


@login_required
@require_POST
def proposal_decline(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _proposal(request, proposal_id)
    form = forms.DeclineForm(request.POST)
    return _decide(
        request,
        proposal,
        form,
        lambda: services.decline_proposal(
            request.user, proposal.pk, schemas.ProposalDecline(reason=form.cleaned_data["reason"])
        ),
        _("Declined."),
    )


@login_required
@require_POST
def completion_create(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id)
    form = forms.CompletionForm(
        request.POST,
        staff_choices=[(s.pk, str(s)) for s in queries.visible_staff(request.user).filter(site_id=program.site_id)],
    )
    return forms_support.inline_action(
        request,
        form,
        lambda d: services.record_completion(
            request.user,
            schemas.CompletionCreate(
                staff_id=d["staff"], program_id=program.pk, completed_on=d["completed_on"], note=d["note"]
            ),
        ),
        success=_("Completion recorded."),
        back_to=reverse("training:program_detail", args=[program.pk]),
    )


# --- sessions -------------------------------------------------------------------------


@login_required
def session_create(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id)
    scoping.require(request.user, "training.manage_sessions", site_id=program.site_id, unit_id=program.unit_id)
    form = forms.SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        # Django made the entered times aware in the server's zone; they are the site's wall-clock times.
        starts = cd["starts_at"].replace(tzinfo=None)
        ends = cd["ends_at"].replace(tzinfo=None) if cd["ends_at"] else None
        session = forms_support.run(
            form,
            lambda: services.schedule_session(
                request.user,
                schemas.SessionCreate(
                    program_id=program.pk,
                    starts_at=starts,
                    ends_at=ends,
                    location=cd["location"],
                    capacity=cd["capacity"],
                    trainer=cd["trainer"],
                ),
            ),
        )
        if session is not None:
            messages.success(request, _("Session scheduled."))
            return redirect("training:session_detail", session.pk)
    return render(request, "training/session_form.html", {"form": form, "program": program})


@login_required
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    user = request.user
    session = scoping.get_scoped(queries.sessions(user), user, "training.view", pk=session_id)
    program = session.program
    enrolled = queries.enrollments(user, session_id=session.pk)
    taken = {e.staff_id for e in enrolled if e.status in ("enrolled", "attended")}
    staff_choices = [
        (s.pk, f"{s} ({s.home_unit.name if s.home_unit else ''})")
        for s in queries.visible_staff(user).filter(site_id=program.site_id)
        if s.pk not in taken
        and scoping.has(user, "training.manage_sessions", site_id=s.site_id, unit_id=s.home_unit_id)
    ]
    now = clock.now()
    seats = session.seats_taken  # type: ignore[attr-defined]  # everyone's, also people of units the viewer does not see
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "program": program,
            "local_start": clock.to_zone(session.starts_at, program.site.time_zone),
            "local_end": clock.to_zone(session.ends_at, program.site.time_zone),
            "enrollments": enrolled,
            "seats": seats,
            "started": session.starts_at <= now,
            "scheduled": session.status == SessionStatus.SCHEDULED,
            "can_manage": bool(staff_choices)
            or scoping.has(user, "training.manage_sessions", site_id=program.site_id, unit_id=program.unit_id),
            "can_cancel": scoping.has(
                user, "training.manage_sessions", site_id=program.site_id, unit_id=program.unit_id
            ),
            "enrol_form": forms.EnrolForm(staff_choices=staff_choices),
        },
    )


@login_required
@require_POST
def session_enrol(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    return forms_support.inline_action(
        request,
        forms.EnrolForm(request.POST, staff_choices=[(s.pk, str(s)) for s in queries.visible_staff(request.user)]),
        lambda d: services.enrol(request.user, session.pk, schemas.EnrollmentCreate(staff_id=d["staff"])),
        success=lambda e: _("%(name)s enrolled.") % {"name": e.staff},
        back_to=reverse("training:session_detail", args=[session.pk]),
    )


@login_required
@require_POST
def session_cancel(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    return forms_support.inline_action(
        request,
        forms.CancelForm(request.POST),
        lambda d: services.cancel_session(
            request.user, session.pk, schemas.SessionCancel(version=d["version"], reason=d["reason"])
        ),
        success=_("Session cancelled; the people enrolled are told."),
        back_to=reverse("training:session_detail", args=[session.pk]),
    )


@login_required
@require_POST
def enrollment_attendance(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    enrollment = _enrollment(request, enrollment_id)
    form = forms.AttendanceForm(request.POST)
    if form.is_valid():
        forms_support.run(
            form,
            lambda: services.record_attendance(
                request.user,
                enrollment.pk,
                schemas.AttendanceRecord(version=form.cleaned_data["version"], attended=form.cleaned_data["attended"]),
            ),
        )
    forms_support.flash_errors(request, form)
    return redirect("training:session_detail", enrollment.session_id)


@login_required
@require_POST
def enrollment_complete(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    enrollment = _enrollment(request, enrollment_id)
    return forms_support.inline_action(
        request,
        forms.CompleteForm(request.POST),
        lambda d: services.complete_enrollment(
            request.user, enrollment.pk, schemas.EnrollmentComplete(completed_on=d["completed_on"])
        ),
        success=lambda _done: _("Completion recorded for %(name)s.") % {"name": enrollment.staff},
        back_to=reverse("training:session_detail", args=[enrollment.session_id]),
    )


@login_required
@require_POST
def enrollment_cancel(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    enrollment = _enrollment(request, enrollment_id)
    form = forms.VersionForm(request.POST)
    if form.is_valid():
        forms_support.run(
            form,
            lambda: services.cancel_enrollment(
                request.user, enrollment.pk, schemas.EnrollmentCancel(version=form.cleaned_data["version"])
            ),
        )
    forms_support.flash_errors(request, form)
    return redirect("training:session_detail", enrollment.session_id)


# --- budgets ------------------------------------------------------------------------


@login_required
def budget_list(request: HttpRequest) -> HttpResponse:
    scoping.require_anywhere(request.user, "training.view_budget")
    focus = scope.current(request)
    rows = [(b, queries.budget_figures(b)) for b in queries.budgets(request.user, site_id=focus.site_id)]
    return render(
        request,
        "training/budget_list.html",
        {"rows": rows, "can_manage": scoping.has_anywhere(request.user, "training.manage_budget")},
    )


@login_required
def budget_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    scoping.require_anywhere(user, "training.manage_budget")
    form = forms.BudgetForm(
        request.POST or None,
        site_choices=_sites_where(user, "training.manage_budget"),
        unit_choices=[
            (u.pk, f"{u.site.name} · {u.name}")
            for u in org_queries.units(user)
            if scoping.has(user, "training.manage_budget", site_id=u.site_id)
        ],
        initial={"year": clock.now().year, "site": scope.current(request).site_id},
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        budget = forms_support.run(
            form,
            lambda: services.create_budget(
                user, schemas.BudgetCreate(site_id=cd["site"], unit_id=cd["unit"], year=cd["year"], amount=cd["amount"])
            ),
        )
        if budget is not None:
            messages.success(request, _("Budget set."))
            return redirect("training:budget_list")
    return render(request, "training/budget_form.html", {"form": form, "creating": True})


@login_required
def budget_edit(request: HttpRequest, budget_id: int) -> HttpResponse:
    """The budget's figure and what is posted to it; the figure is changed by
    those who hold training.manage_budget."""
    budget = scoping.get_scoped(
        TrainingBudget.objects.select_related("site", "unit"), request.user, "training.view_budget", pk=budget_id
    )
    can_manage = scoping.has(request.user, "training.manage_budget", site_id=budget.site_id)
    if request.method == "POST" and not can_manage:
        raise errors.PermissionDenied()
    form = forms.BudgetEditForm(request.POST or None, initial={"version": budget.version, "amount": int(budget.amount)})
    if request.method == "POST" and form.is_valid():
        done = forms_support.run(
            form,
            lambda: services.update_budget(
                request.user,
                budget.pk,
                schemas.BudgetUpdate(version=form.cleaned_data["version"], amount=form.cleaned_data["amount"]),
            ),
        )
        if done is not None:
            messages.success(request, _("Budget saved."))
            return redirect("training:budget_list")
    return render(
        request,
        "training/budget_form.html",
        {
            "form": form,
            "budget": budget,
            "figures": queries.budget_figures(budget),
            "entries": budget.entries.select_related("program"),
            "creating": False,
            "can_manage": can_manage,
        },
    )


# --- compliance -----------------------------------------------------------------------


@login_required
def compliance_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    scoping.require_anywhere(user, "training.view")
    focus = scope.current(request)
    # Programs belong to a site: the matrix shows one site at a time (the
    # focused one, else the first within reach; the bar's switcher changes it).
    site = focus.site or next(
        (
            s
            for s in org_queries.sites(user)
            if scoping.has_anywhere(user, "training.view") and org_queries.units(user, site_id=s.pk).exists()
        ),
        None,
    )
    site_id = site.pk if site else None
    unit_choices: list[tuple[int | str, str]] = [
        (u.pk, u.name)
        for u in org_queries.units(user, site_id=site_id)
        if scoping.has(user, "training.view", site_id=u.site_id, unit_id=u.pk)
    ]
    form = forms.ComplianceFilterForm(request.GET or None, unit_choices=unit_choices)
    unit_id = focus.unit_id
    discipline = None
    if form.is_valid():
        unit_id = form.cleaned_data["unit"] or unit_id
        discipline = form.cleaned_data["discipline"] or None
    m = queries.matrix(user, site_id=site_id, unit_id=unit_id, discipline=discipline)
    label = Discipline(discipline).label if discipline else ""
    highlights = [
        queries.sentence(u, p, c, str(label))
        for u, cells in m.rows()
        for p, c in zip(m.programs, cells, strict=True)
        if c is not None
    ][:6]
    return render(
        request,
        "training/compliance.html",
        {"matrix": m, "rows": m.rows(), "form": form, "highlights": highlights, "site": site},
    )

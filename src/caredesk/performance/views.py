"""Pages of performance evaluations: my evaluations, cycles, templates, a
review (write, submit, acknowledge, sign off), overdue reviews, a person's trend."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

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
from caredesk.performance import charts, forms, queries, schemas, services
from caredesk.performance.models import EvaluationCycle, EvaluationTemplate, ReviewState
from caredesk.web import forms_support


def _sites_where(user: Any, perm: str) -> list[tuple[int, str]]:
    return [(s.pk, s.name) for s in org_queries.sites(user) if scoping.has(user, perm, site_id=s.pk)]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    now = clock.now()
    mine = queries.reviews(user).filter(staff__user_id=user.pk).order_by("-cycle__period_end")
    to_write = queries.reviews(user, reviewer_id=user.pk, state=ReviewState.DRAFT).order_by("cycle__due_on")
    return render(
        request,
        "performance/home.html",
        {
            "mine": mine,
            "to_write": [(r, queries.is_overdue(r, now)) for r in to_write],
            "to_sign": queries.awaiting_sign_off(user),
            "can_view": scoping.has_anywhere(user, "performance.view"),
            "overdue_count": sum(g.count for g in queries.overdue_by_reviewer(user, now=now)),
        },
    )


@login_required
def cycle_list(request: HttpRequest) -> HttpResponse:
    scoping.require_anywhere(request.user, "performance.view")
    return render(
        request,
        "performance/cycle_list.html",
        {
            "cycles": queries.cycles(request.user),
            "can_start": scoping.has_anywhere(request.user, "performance.manage_cycles"),
        },
    )


@login_required
def cycle_start(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    scoping.require_anywhere(user, "performance.manage_cycles")
    sites = _sites_where(user, "performance.manage_cycles")
    site_ids = [pk for pk, _name in sites]
    units = [(u.pk, f"{u.site.name} – {u.name}") for u in org_queries.units(user).filter(site_id__in=site_ids)]
    templates = [
        (t.pk, f"{t.site.name} – {t.name}")
        for t in queries.templates(user).filter(site_id__in=site_ids).select_related("site")
    ]
    form = forms.CycleStartForm(
        request.POST or None, site_choices=sites, unit_choices=units, template_choices=templates
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        cycle = forms_support.run(
            form,
            lambda: services.start_cycle(
                user,
                schemas.CycleStart(
                    site_id=d["site"],
                    unit_id=d["unit"],
                    template_id=d["template"],
                    name=d["name"],
                    kind=d["kind"],
                    period_start=d["period_start"],
                    period_end=d["period_end"],
                    due_on=d["due_on"],
                ),
            ),
        )
        if cycle is not None:
            messages.success(
                request,
                _("Cycle %(name)s started with %(count)d reviews.")
                % {"name": cycle.name, "count": cycle.reviews.count()},
            )
            return redirect("performance:cycle_detail", cycle.pk)
    return render(request, "performance/form.html", {"form": form, "title": _("Start a cycle")})


@login_required
def cycle_detail(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = scoping.get_scoped(
        EvaluationCycle.objects.select_related("site", "unit", "template"),
        request.user,
        "performance.view",
        pk=cycle_id,
    )
    now = clock.now()
    rows = queries.reviews(request.user, cycle_id=cycle.pk)
    return render(
        request,
        "performance/cycle_detail.html",
        {
            "cycle": cycle,
            "rows": [(r, queries.is_overdue(r, now)) for r in rows],
            "can_close": cycle.status == "open"
            and scoping.has(request.user, "performance.manage_cycles", site_id=cycle.site_id),
        },
    )


@login_required
@require_POST
def cycle_close(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = scoping.get_scoped(EvaluationCycle.objects.all(), request.user, "performance.view", pk=cycle_id)
    return forms_support.inline_action(
        request,
        forms.VersionForm(request.POST),
        lambda d: services.close_cycle(request.user, cycle.pk, schemas.CycleClose(version=d["version"])),
        success=_("Cycle closed."),
        back_to=reverse("performance:cycle_detail", args=[cycle.pk]),
    )


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    scoping.require_anywhere(request.user, "performance.view")
    show_inactive = request.GET.get("inactive") == "1"
    return render(
        request,
        "performance/template_list.html",
        {
            "templates": queries.templates(request.user, include_inactive=show_inactive)
            .select_related("site")
            .prefetch_related("competencies"),
            "show_inactive": show_inactive,
            "can_add": scoping.has_anywhere(request.user, "performance.manage_cycles"),
        },
    )


@login_required
def template_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    scoping.require_anywhere(user, "performance.manage_cycles")
    form = forms.TemplateForm(request.POST or None, site_choices=_sites_where(user, "performance.manage_cycles"))
    formset = forms.CompetencyFormSet(request.POST or None, prefix="c")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        competencies = [
            schemas.CompetencyIn(
                name=f.cleaned_data["name"],
                weight=f.cleaned_data.get("weight") or Decimal(1),
                description=f.cleaned_data.get("description") or "",
            )
            for f in formset.forms
            if f.cleaned_data.get("name")
        ]
        d = form.cleaned_data
        template = forms_support.run(
            form,
            lambda: services.create_template(
                user,
                schemas.TemplateCreate(
                    site_id=d["site"],
                    name=d["name"],
                    description=d["description"],
                    scale_labels=d["scale"],
                    competencies=competencies,
                ),
            ),
        )
        if template is not None:
            messages.success(request, _("Template %(name)s created.") % {"name": template.name})
            return redirect("performance:template_detail", template.pk)
    return render(request, "performance/template_form.html", {"form": form, "formset": formset})


@login_required
def template_detail(request: HttpRequest, template_id: int) -> HttpResponse:
    template = scoping.get_scoped(
        EvaluationTemplate.objects.select_related("site"), request.user, "performance.view", pk=template_id
    )
    return render(
        request,
        "performance/template_detail.html",
        {
            "template": template,
            "competencies": template.competencies.all(),
            "scale": list(enumerate(template.scale_labels, start=1)),
            "cycles": queries.cycles(request.user).filter(template=template),
            "can_change": scoping.has(request.user, "performance.manage_cycles", site_id=template.site_id),
        },
    )


@login_required
@require_POST
def template_set_active(request: HttpRequest, template_id: int) -> HttpResponse:
    template = scoping.get_scoped(EvaluationTemplate.objects.all(), request.user, "performance.view", pk=template_id)
    return forms_support.inline_action(
        request,
        forms.ActiveForm(request.POST),
        lambda d: services.update_template(
            request.user, template.pk, schemas.TemplateUpdate(version=d["version"], is_active=d["is_active"])
        ),
        success=lambda t: _("Template activated.") if t.is_active else _("Template deactivated."),
        back_to=reverse("performance:template_detail", args=[template.pk]),
    )


def _review_form_initial(review: Any) -> dict[str, Any]:
    initial: dict[str, Any] = {"version": review.version, "comments": review.comments}
    for r in review.ratings.all():
        initial[f"rating_{r.competency_id}"] = r.rating
        initial[f"note_{r.competency_id}"] = r.comment
    for i, g in enumerate(review.goals.all()[: forms.GOAL_ROWS]):
        initial[f"goal_{i}"] = g.description
        initial[f"goal_date_{i}"] = g.target_date
    return initial


def _reviewer_choices(review: Any) -> list[tuple[int, str]]:
    candidates = (
        User.objects.filter(
            is_active=True, role_grants__site_id=review.cycle.site_id, role_grants__revoked_at__isnull=True
        )
        .exclude(pk=review.staff.user_id)
        .distinct()
    )
    return [
        (u.pk, str(u))
        for u in candidates
        if scoping.has(u, "performance.review", site_id=review.cycle.site_id, unit_id=review.staff.home_unit_id)
    ]


def _render_review(request: HttpRequest, review: Any, form: forms.ReviewForm | None = None) -> HttpResponse:
    now = clock.now()
    can = queries.abilities(request.user, review)
    if form is None and can.edit:
        form = forms.ReviewForm(initial=_review_form_initial(review), template=review.cycle.template)
    from caredesk.performance.api import review_out

    data = review_out(review, now)
    return render(
        request,
        "performance/review_detail.html",
        {
            "review": review,
            "data": data,
            "can": can,
            "form": form if can.edit else None,
            "assign_form": forms.AssignForm(
                initial={"version": review.version, "reviewer": review.reviewer_id},
                reviewer_choices=_reviewer_choices(review),
            )
            if can.assign
            else None,
            "overdue": queries.is_overdue(review, now),
            "may_see_history": queries.may_see_history(request.user, review.staff),
        },
    )


@login_required
def review_detail(request: HttpRequest, review_id: int) -> HttpResponse:
    return _render_review(request, queries.get_review(request.user, review_id))


@login_required
@require_POST
def review_save(request: HttpRequest, review_id: int) -> HttpResponse:
    review = queries.get_review(request.user, review_id)
    form = forms.ReviewForm(request.POST, template=review.cycle.template)
    saved = None
    if form.is_valid():
        saved = forms_support.run(
            form,
            lambda: services.update_review(
                request.user,
                review.pk,
                schemas.ReviewUpdate(
                    version=form.cleaned_data["version"],
                    comments=form.cleaned_data["comments"],
                    ratings=form.ratings(),
                    goals=form.goals(),
                ),
            ),
        )
        if saved is not None and "submit" in request.POST:
            version = saved.version
            submitted = forms_support.run(
                form, lambda: services.submit_review(request.user, review.pk, version=version)
            )
            if submitted is not None:
                messages.success(request, _("Review submitted; the employee has been told."))
                return redirect("performance:review_detail", review.pk)
        elif saved is not None:
            messages.success(request, _("Draft saved."))
            return redirect("performance:review_detail", review.pk)
    review = queries.get_review(request.user, review_id)
    if saved is not None:
        # The draft was saved but not submitted: the page goes on from the new version.
        data = request.POST.copy()
        data["version"] = str(review.version)
        form.data = data
    return _render_review(request, review, form)


DONE = {
    "submit": _("Review submitted."),
    "acknowledge": _("Review acknowledged."),
    "sign_off": _("Review signed off."),
    "close": _("Review closed."),
    "cancel": _("Review cancelled."),
}


@login_required
@require_POST
def review_transition(request: HttpRequest, review_id: int) -> HttpResponse:
    review = queries.get_review(request.user, review_id)
    form = forms.TransitionForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.transition(
                request.user,
                review.pk,
                schemas.ReviewTransition(version=d["version"], action=d["action"], comments=d["comments"]),
            )
            messages.success(request, str(DONE[d["action"]]))
        except errors.ValidationFailed as exc:
            messages.error(request, exc.message)
        except errors.Conflict as exc:
            messages.error(request, exc.message)
    forms_support.flash_errors(request, form)
    return redirect("performance:review_detail", review.pk)


@login_required
@require_POST
def review_assign(request: HttpRequest, review_id: int) -> HttpResponse:
    review = queries.get_review(request.user, review_id)
    return forms_support.inline_action(
        request,
        forms.AssignForm(request.POST, reviewer_choices=_reviewer_choices(review)),
        lambda d: services.assign_reviewer(
            request.user, review.pk, schemas.ReviewerAssign(version=d["version"], reviewer_id=d["reviewer"])
        ),
        success=_("Reviewer assigned."),
        back_to=reverse("performance:review_detail", args=[review.pk]),
    )


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    scoping.require_anywhere(request.user, "performance.view")
    from caredesk.web import scope

    focus = scope.current(request)
    return render(
        request,
        "performance/overdue.html",
        {"groups": queries.overdue_by_reviewer(request.user, site_id=focus.site_id)},
    )


@login_required
def staff_history(request: HttpRequest, staff_id: int) -> HttpResponse:
    staff = queries.visible_staff(request.user, staff_id)
    rows = queries.history(request.user, staff)
    return render(
        request,
        "performance/staff_history.html",
        {"staff": staff, "rows": rows, "chart": charts.trend_svg(queries.trend_points(rows))},
    )

"""Pages of swaps and open shifts: staff propose from My shifts, answer the
swaps offered to them and claim open shifts of their units; coordinators
approve or decline (after the rule check) and offer open shifts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caredesk.assignment.models import ShiftPattern
from caredesk.core import errors, scoping
from caredesk.scheduling.forms import publishing as forms
from caredesk.scheduling.models import OpenShiftStatus, RosterEntry
from caredesk.scheduling.queries import publishing as q
from caredesk.scheduling.services import publishing as pub
from caredesk.scheduling.services import swaps as services
from caredesk.scheduling.views.publishing import run_action
from caredesk.web import forms_support
from caredesk.workforce.models import Credential, StaffMember


def _open_rows(user: Any, staff: StaffMember | None) -> list[dict[str, Any]]:
    """Open shifts a person may claim, each with the skills it requires and those
    the person lacks on its date (then it cannot be claimed, and the page says why)."""
    if staff is None:
        return []
    credentials = list(Credential.objects.filter(staff=staff, revoked_at__isnull=True).select_related("type"))
    return [
        {
            "shift": o,
            "required": services.required_skills(o),
            "missing": services.missing_skills(o, staff, credentials) if o.status == OpenShiftStatus.OPEN else [],
        }
        for o in q.open_shifts_for(user, staff)
    ]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    staff = q.own_staff(user)
    context = {
        "staff": staff,
        "my_swaps": q.my_swaps(staff)[:50] if staff else [],
        "open_shifts": _open_rows(user, staff),
        "to_decide": q.swaps_to_decide(user)[:100],
        "open_to_manage": [
            {"shift": o, "required": services.required_skills(o)} for o in q.open_shifts_to_manage(user)[:100]
        ],
        "is_manager": scoping.has_anywhere(user, "scheduling.manage"),
    }
    return render(request, "scheduling/swaps_home.html", context)


@login_required
def propose(request: HttpRequest, entry_id: int) -> HttpResponse:
    staff = q.own_staff(request.user)
    entry = (
        RosterEntry.objects.select_related("roster", "roster__unit", "roster__unit__site", "pattern")
        .filter(pk=entry_id, staff=staff)
        .first()
        if staff
        else None
    )
    if entry is None or staff is None:
        raise errors.NotFound()
    roster = entry.roster
    people = list(q.colleagues(staff, roster))
    published = pub.as_map(q.published_rows(roster))
    theirs = [
        (e.pk, f"{e.staff} · {e.date:%a %d %b} · {e.pattern.name}")
        for e in RosterEntry.objects.filter(roster=roster, staff__in=people)
        .select_related("pattern", "staff__user")
        .order_by("date")
        if published.get((e.staff_id, e.date.isoformat())) == e.pattern_id
    ]
    form = forms.SwapProposeForm(
        request.POST or None, colleague_choices=[(p.pk, str(p)) for p in people], their_choices=theirs
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        swap = forms_support.run(
            form,
            lambda: services.propose_swap(request.user, entry.pk, cd["colleague"], cd["their_entry"], cd["note"]),
        )
        if swap is not None:
            messages.success(request, _("Swap proposed to %(who)s.") % {"who": swap.colleague})
            return redirect("scheduling:swaps_home")
    return render(request, "scheduling/swaps_propose.html", {"form": form, "entry": entry})


@login_required
@require_POST
def answer(request: HttpRequest, swap_id: int) -> HttpResponse:
    form = forms.DecisionForm(request.POST)
    accept = request.POST.get("answer") == "accept"
    if form.is_valid():
        run_action(
            request,
            lambda: services.respond_swap(
                request.user,
                swap_id,
                accept=accept,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            ),
            lambda s: _("Accepted: the coordinator will decide.") if accept else _("Declined."),
        )
    return redirect("scheduling:swaps_home")


@login_required
@require_POST
def decide(request: HttpRequest, swap_id: int) -> HttpResponse:
    form = forms.DecisionForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    if form.is_valid():
        run_action(
            request,
            lambda: services.decide_swap(
                request.user,
                swap_id,
                approve=approve,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            ),
            lambda s: _("Swap approved and published; both people are notified.") if approve else _("Swap declined."),
        )
    return redirect("scheduling:swaps_home")


@login_required
@require_POST
def cancel(request: HttpRequest, swap_id: int) -> HttpResponse:
    run_action(request, lambda: services.cancel_swap(request.user, swap_id), lambda s: _("Swap withdrawn."))
    return redirect("scheduling:swaps_home")


@login_required
def open_new(request: HttpRequest, roster_id: int) -> HttpResponse:
    roster = q.roster_for_viewer(request.user, roster_id)
    if not q.may_manage(request.user, roster):
        raise errors.PermissionDenied()
    patterns = [
        (p.pk, f"{p.code} – {p.name}") for p in ShiftPattern.objects.filter(unit_id=roster.unit_id, is_active=True)
    ]
    form = forms.OpenShiftForm(request.POST or None, pattern_choices=patterns)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        shift = forms_support.run(
            form,
            lambda: services.post_open_shift(
                request.user, roster.pk, cd["date"], cd["pattern"], cd["skill"], cd["note"]
            ),
        )
        if shift is not None:
            messages.success(request, _("Open shift offered to the unit."))
            return redirect("scheduling:swaps_home")
    return render(request, "scheduling/swaps_open_form.html", {"form": form, "roster": roster})


@login_required
@require_POST
def claim(request: HttpRequest, open_shift_id: int) -> HttpResponse:
    run_action(
        request,
        lambda: services.claim_open_shift(request.user, open_shift_id),
        lambda s: _("Claimed: the coordinator will decide."),
    )
    return redirect("scheduling:swaps_home")


@login_required
@require_POST
def decide_claim(request: HttpRequest, open_shift_id: int) -> HttpResponse:
    form = forms.DecisionForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    if form.is_valid():
        run_action(
            request,
            lambda: services.decide_claim(
                request.user, open_shift_id, approve=approve, expected_version=form.cleaned_data["version"]
            ),
            lambda s: _("Claim approved and published.") if approve else _("Claim declined; the shift is open again."),
        )
    return redirect("scheduling:swaps_home")


@login_required
@require_POST
def cancel_open(request: HttpRequest, open_shift_id: int) -> HttpResponse:
    run_action(
        request,
        lambda: services.cancel_open_shift(request.user, open_shift_id),
        lambda s: _("Open shift withdrawn."),
    )
    return redirect(reverse("scheduling:swaps_home"))


urlpatterns = [
    path("swaps/", home, name="swaps_home"),
    path("swaps/propose/<int:entry_id>", propose, name="swaps_propose"),
    path("swaps/<int:swap_id>/answer", answer, name="swaps_answer"),
    path("swaps/<int:swap_id>/decide", decide, name="swaps_decide"),
    path("swaps/<int:swap_id>/cancel", cancel, name="swaps_cancel"),
    path("open-shifts/new/<int:roster_id>", open_new, name="swaps_open_new"),
    path("open-shifts/<int:open_shift_id>/claim", claim, name="swaps_claim"),
    path("open-shifts/<int:open_shift_id>/decide", decide_claim, name="swaps_decide_claim"),
    path("open-shifts/<int:open_shift_id>/cancel", cancel_open, name="swaps_cancel_open"),
]

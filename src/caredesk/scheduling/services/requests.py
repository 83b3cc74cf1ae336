"""Writes of staff requests: one's own time off, shift wishes and
unavailability; the coordinator's decision on time off.

- Time off is "pending" until a coordinator (scheduling.manage on the person's
  home unit) approves or declines it; declining needs a reason. Approved time
  off is hard for the roster engine and the rule checks.
- "Not available" is noted at once and is also hard (it is availability, not a
  wish: the person cannot come). Shift wishes (wanted / rather not) are noted
  at once and only weighted by the engine.
- The person may cancel a request while it is pending or noted; approved time
  off is cancelled only by a coordinator (the roster may already count on it).
- Approving time off warns (does not block) when the person already works some
  of those days in a published roster: the dates are returned and shown.
- The person is notified of every decision, and of a coordinator cancelling
  their approved leave.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from caredesk.assignment.models import ShiftPattern
from caredesk.core import clock, errors, notifications, scoping, writes
from caredesk.scheduling.models import (
    RequestKind,
    RequestStatus,
    RosterEntry,
    RosterStatus,
    StaffRequest,
)
from caredesk.scheduling.schemas import requests as schemas
from caredesk.workforce.models import StaffMember

MAX_SPAN_DAYS = 366
HARD_KINDS = (RequestKind.TIME_OFF, RequestKind.UNAVAILABLE)


def own_staff(actor: Any) -> StaffMember:
    """The actor's own staff record (requests are always one's own)."""
    if not getattr(actor, "is_authenticated", False):
        raise errors.NotAuthenticated()
    staff = StaffMember.objects.filter(user_id=actor.pk).select_related("site", "home_unit", "user").first()
    if staff is None or staff.home_unit_id is None:
        raise errors.PermissionDenied(_("You have no staff record with a home unit: ask your coordinator."))
    return staff


def local_today(staff: StaffMember, now: datetime) -> date:
    return clock.to_zone(now, staff.site.time_zone).date()


def _locked(actor: Any, request_id: int) -> StaffRequest:
    """The request if the actor may see it: their own, or one of a unit they manage."""
    qs = StaffRequest.objects.select_for_update(of=("self",)).select_related(
        "staff", "staff__site", "staff__home_unit", "staff__user", "pattern"
    )
    found = qs.filter(pk=request_id, staff__user_id=int(getattr(actor, "pk", 0) or 0)).first()
    if found is not None:
        return found
    return scoping.get_scoped(qs, actor, "scheduling.manage", pk=request_id)


def _may_manage(actor: Any, req: StaffRequest) -> bool:
    return scoping.has(actor, "scheduling.manage", site_id=req.staff.site_id, unit_id=req.staff.home_unit_id)


@transaction.atomic
def create_request(actor: Any, data: schemas.StaffRequestCreate, *, now: datetime | None = None) -> StaffRequest:
    moment = now or clock.now()
    staff = own_staff(actor)
    scoping.require(actor, "scheduling.request", site_id=staff.site_id, unit_id=staff.home_unit_id)
    if data.end_date < data.start_date:
        raise errors.ValidationFailed.field("end_date", _("the last day cannot be before the first"))
    if (data.end_date - data.start_date).days + 1 > MAX_SPAN_DAYS:
        raise errors.ValidationFailed.field("end_date", _("a request covers at most a year"))
    if data.start_date < local_today(staff, moment):
        raise errors.ValidationFailed.field("start_date", _("the first day is already past"))
    pattern = None
    if data.pattern_id is not None:
        if data.kind == RequestKind.TIME_OFF:
            raise errors.ValidationFailed.field("pattern_id", _("time off is for whole days: leave the shift empty"))
        pattern = ShiftPattern.objects.filter(
            pk=data.pattern_id, unit_id=int(staff.home_unit_id or 0), is_active=True
        ).first()
        if pattern is None:
            raise errors.ValidationFailed.field("pattern_id", _("this shift is not a shift of your unit"))
    reason = data.reason.strip()
    if data.kind in HARD_KINDS:
        overlap = (
            StaffRequest.objects.filter(
                staff=staff,
                kind=data.kind,
                status__in=(RequestStatus.PENDING, RequestStatus.APPROVED, RequestStatus.NOTED),
                start_date__lte=data.end_date,
                end_date__gte=data.start_date,
            )
            .order_by("start_date")
            .first()
        )
        if overlap is not None:
            raise errors.ValidationFailed.field(
                "start_date",
                _("you already asked for %(kind)s from %(start)s to %(end)s")
                % {
                    "kind": overlap.get_kind_display().lower(),
                    "start": f"{overlap.start_date:%Y-%m-%d}",
                    "end": f"{overlap.end_date:%Y-%m-%d}",
                },
            )
    req = StaffRequest(
        staff=staff,
        kind=data.kind,
        start_date=data.start_date,
        end_date=data.end_date,
        pattern=pattern,
        reason=reason,
        status=RequestStatus.PENDING if data.kind == RequestKind.TIME_OFF else RequestStatus.NOTED,
    )
    return writes.save_new(req, actor=actor, action="scheduling.create_request")


@transaction.atomic
def cancel_request(
    actor: Any, request_id: int, *, expected_version: int | None, now: datetime | None = None
) -> StaffRequest:
    moment = now or clock.now()
    req = _locked(actor, request_id)
    own = req.staff.user_id == actor.pk
    manager = _may_manage(actor, req)
    if req.status in (RequestStatus.CANCELLED, RequestStatus.DECLINED):
        raise errors.ValidationFailed.field(
            "status", _("this request is already %(s)s") % {"s": req.get_status_display().lower()}
        )
    if req.status == RequestStatus.APPROVED and not manager:
        raise errors.PermissionDenied(_("Approved time off can only be cancelled by your coordinator: ask them."))
    if not own and not manager:
        raise errors.PermissionDenied()
    if own and not manager:
        scoping.require(actor, "scheduling.request", site_id=req.staff.site_id, unit_id=req.staff.home_unit_id)
    was_approved = req.status == RequestStatus.APPROVED
    writes.save_changes(
        req,
        {"status": RequestStatus.CANCELLED},
        actor=actor,
        action="scheduling.cancel_request",
        expected_version=expected_version,
    )
    if not own:
        _notify(
            req,
            _("Your %(kind)s from %(start)s to %(end)s was cancelled by %(who)s")
            % {**_words(req), "who": actor.get_full_name() or actor.get_username()},
            moment,
            suffix="cancelled" + ("-approved" if was_approved else ""),
        )
    return req


@dataclass
class Decision:
    request: StaffRequest
    rostered_dates: list[date] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def rostered_dates(staff: StaffMember, start: date, end: date) -> list[date]:
    """Days in [start, end] the person works in a published roster."""
    return sorted(
        set(
            RosterEntry.objects.filter(
                staff=staff, date__gte=start, date__lte=end, roster__status=RosterStatus.PUBLISHED
            ).values_list("date", flat=True)
        )
    )


def _words(req: StaffRequest) -> dict[str, str]:
    return {
        "kind": req.get_kind_display().lower(),
        "start": f"{req.start_date:%Y-%m-%d}",
        "end": f"{req.end_date:%Y-%m-%d}",
    }


def _notify(req: StaffRequest, title: str, moment: datetime, *, suffix: str, body: str = "") -> None:
    notifications.notify(
        req.staff.user,
        kind="scheduling.request",
        title=title,
        body=body,
        dedupe_key=f"scheduling.request:{req.pk}:{suffix}:{req.version}",
        link=reverse("scheduling:requests_mine"),
        site_id=req.staff.site_id,
        now=moment,
    )


@transaction.atomic
def decide_request(
    actor: Any,
    request_id: int,
    approve: bool,
    reason: str = "",
    *,
    expected_version: int | None,
    now: datetime | None = None,
) -> Decision:
    """Approve or decline pending time off (a reason is required to decline)."""
    moment = now or clock.now()
    req = _locked(actor, request_id)
    scoping.require(actor, "scheduling.manage", site_id=req.staff.site_id, unit_id=req.staff.home_unit_id)
    if req.kind != RequestKind.TIME_OFF:
        raise errors.ValidationFailed.field("status", _("only time off needs a decision; wishes are noted"))
    if req.status != RequestStatus.PENDING:
        raise errors.ValidationFailed.field(
            "status", _("this request is already %(s)s") % {"s": req.get_status_display().lower()}
        )
    if req.staff.user_id == actor.pk:
        raise errors.PermissionDenied(_("This is your own request: another coordinator decides it."))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise errors.ValidationFailed.field("reason", _("say why the time off is declined"))
    writes.check_version(req, expected_version)
    decision = Decision(request=req)
    if approve:
        decision.rostered_dates = rostered_dates(req.staff, req.start_date, req.end_date)
        if decision.rostered_dates:
            decision.warnings.append(
                _(
                    "%(person)s already works on %(dates)s in a published roster: change the roster "
                    "(their shifts are not removed automatically)."
                )
                % {"person": str(req.staff), "dates": ", ".join(f"{d:%Y-%m-%d}" for d in decision.rostered_dates)}
            )
    writes.save_changes(
        req,
        {
            "status": RequestStatus.APPROVED if approve else RequestStatus.DECLINED,
            "decided_by": actor,
            "decided_at": moment,
            "decision_reason": reason,
        },
        actor=actor,
        action="scheduling.approve_request" if approve else "scheduling.decline_request",
        expected_version=expected_version,
    )
    words = _words(req)
    if approve:
        title = _("Your time off from %(start)s to %(end)s is approved") % words
    else:
        title = _("Your time off from %(start)s to %(end)s is declined") % words
    _notify(req, title, moment, suffix="decided", body=reason)
    return decision

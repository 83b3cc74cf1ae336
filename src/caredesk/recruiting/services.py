"""Every write of recruiting: one atomic, permission-checked, audited function per
use case. Pages and the API both call these."""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from caredesk.accounts.models import User
from caredesk.core import audit, clock, errors, notifications, scoping, writes
from caredesk.core.roles import LEADERSHIP, Discipline, Role
from caredesk.org.models import Site, Unit
from caredesk.recruiting import queries, schemas
from caredesk.recruiting.models import (
    CLOSED_STAGES,
    Application,
    Candidate,
    FeedbackScore,
    Interview,
    InterviewFeedback,
    Offer,
    OfferStatus,
    Requisition,
    RequisitionStatus,
    Stage,
    StageChange,
    local_today,
)

VIEW = "recruiting.view"
MANAGE = "recruiting.manage"
APPROVE = "recruiting.approve"

# How long an offer stays open when no expiry is given.
DEFAULT_OFFER_DAYS = 7


def _locked(qs: Any, pk: int, actor: Any) -> Any:
    """The row, locked for update, if the actor may see it; else NotFound."""
    return scoping.get_scoped(qs.select_for_update(of=("self",)), actor, VIEW, pk=pk)


def _require_manage(actor: Any, site_id: int) -> None:
    scoping.require(actor, MANAGE, site_id=site_id)


def _link(name: str, pk: int) -> str:
    return reverse(f"recruiting:{name}", args=[pk])


# --- requisitions -------------------------------------------------------------------


def _check_rate_range(rate_min: Decimal, rate_max: Decimal) -> None:
    if rate_max < rate_min:
        raise errors.ValidationFailed.field("hourly_rate_max", _("the maximum rate is below the minimum rate"))


@transaction.atomic
def create_requisition(actor: Any, data: schemas.RequisitionCreate, *, now: datetime | None = None) -> Requisition:
    """Open a budgeted position on a unit, as a draft."""
    unit = scoping.get_scoped(Unit.objects.select_related("site"), actor, "org.view_unit", pk=data.unit_id)
    _require_manage(actor, unit.site_id)
    if not unit.is_active:
        raise errors.ValidationFailed.field("unit_id", _("this unit is inactive"))
    _check_rate_range(data.hourly_rate_min, data.hourly_rate_max)
    fields = data.model_dump(exclude={"unit_id", "annual_cost"})
    cost = data.annual_cost
    if cost is None:
        cost = Requisition.default_annual_cost(data.positions, data.fte, data.hourly_rate_max)
    req = Requisition(site=unit.site, unit=unit, annual_cost=cost, requested_by=actor, **fields)
    return writes.save_new(req, actor=actor, action="recruiting.create_requisition")


EDITABLE_STATUSES = (RequisitionStatus.DRAFT, RequisitionStatus.PENDING_APPROVAL)


@transaction.atomic
def update_requisition(actor: Any, requisition_id: int, data: schemas.RequisitionUpdate) -> Requisition:
    req = _locked(Requisition.objects.all(), requisition_id, actor)
    _require_manage(actor, req.site_id)
    writes.check_version(req, data.version)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    changes = {k: v for k, v in changes.items() if v is not None and getattr(req, k) != v}
    if not changes:
        return req
    if req.status not in EDITABLE_STATUSES:
        raise errors.ValidationFailed.field(
            "status",
            _("only a draft or a requisition pending approval can be edited; this one is %(status)s")
            % {"status": req.get_status_display()},
        )
    budget = {"positions", "fte", "hourly_rate_max"}
    if "annual_cost" not in changes and budget & set(changes):
        changes["annual_cost"] = Requisition.default_annual_cost(
            changes.get("positions", req.positions),
            changes.get("fte", req.fte),
            changes.get("hourly_rate_max", req.hourly_rate_max),
        )
    _check_rate_range(
        changes.get("hourly_rate_min", req.hourly_rate_min), changes.get("hourly_rate_max", req.hourly_rate_max)
    )
    return writes.save_changes(
        req, changes, actor=actor, action="recruiting.update_requisition", expected_version=data.version
    )


def _approvers(req: Requisition) -> list[Any]:
    return list(
        User.objects.filter(
            role_grants__site_id=req.site_id,
            role_grants__role__in=LEADERSHIP,
            role_grants__revoked_at__isnull=True,
            is_active=True,
        )
        .exclude(pk=req.requested_by_id)
        .distinct()
    )


@transaction.atomic
def transition_requisition(
    actor: Any, requisition_id: int, data: schemas.RequisitionTransition, *, now: datetime | None = None
) -> Requisition:
    """Submit a draft, approve or decline it (director or assistant director, never
    the requester; declined returns to draft with the reason), or cancel it."""
    moment = now or clock.now()
    req = _locked(Requisition.objects.select_related("site", "unit"), requisition_id, actor)
    action = schemas.RequisitionAction(data.action)
    reason = data.reason.strip()
    status_name = req.get_status_display()
    changes: dict[str, Any] = {}
    if action == schemas.RequisitionAction.SUBMIT:
        _require_manage(actor, req.site_id)
        if req.status != RequisitionStatus.DRAFT:
            raise errors.ValidationFailed.field(
                "action", _("only a draft can be submitted; this requisition is %(status)s") % {"status": status_name}
            )
        changes = {"status": RequisitionStatus.PENDING_APPROVAL, "submitted_at": moment}
    elif action in (schemas.RequisitionAction.APPROVE, schemas.RequisitionAction.DECLINE):
        scoping.require(actor, APPROVE, site_id=req.site_id)
        if req.status != RequisitionStatus.PENDING_APPROVAL:
            raise errors.ValidationFailed.field(
                "action",
                _("only a requisition pending approval can be decided; this one is %(status)s")
                % {"status": status_name},
            )
        if req.requested_by_id == actor.pk:
            raise errors.PermissionDenied(
                _("You requested this opening: another director or assistant director must decide on it.")
            )
        if action == schemas.RequisitionAction.DECLINE and not reason:
            raise errors.ValidationFailed.field("reason", _("say why the requisition is declined"))
        changes = {"decided_by": actor, "decided_at": moment, "decision_reason": reason}
        if action == schemas.RequisitionAction.APPROVE:
            changes |= {"status": RequisitionStatus.APPROVED, "approved_at": moment}
        else:
            changes |= {"status": RequisitionStatus.DRAFT}
    else:  # cancel
        _require_manage(actor, req.site_id)
        if req.status in (RequisitionStatus.FILLED, RequisitionStatus.CANCELLED):
            raise errors.ValidationFailed.field(
                "action", _("this requisition is already %(status)s") % {"status": status_name}
            )
        changes = {"status": RequisitionStatus.CANCELLED, "cancelled_at": moment, "cancel_reason": reason}
    writes.check_version(req, data.version)
    was = req.status
    verb = {"submit": "submit", "approve": "approve", "decline": "decline", "cancel": "cancel"}[action.value]
    writes.save_changes(
        req, changes, actor=actor, action=f"recruiting.{verb}_requisition", expected_version=data.version
    )
    if action == schemas.RequisitionAction.CANCEL and was == RequisitionStatus.APPROVED:
        why = _("Requisition cancelled") + (f": {reason}" if reason else "")
        for app in Application.objects.select_for_update().filter(requisition=req, stage__in=_open_stage_values()):
            _close_open_offers(app, actor=actor, now=moment, reason=why)
            _set_stage(app, Stage.DECLINED, actor=actor, now=moment, reason=why)
    _notify_transition(req, action, actor=actor, now=moment)
    return req


def _notify_transition(req: Requisition, action: schemas.RequisitionAction, *, actor: Any, now: datetime) -> None:
    link = _link("requisition_detail", req.pk)
    if action == schemas.RequisitionAction.SUBMIT:
        for person in _approvers(req):
            notifications.notify(
                person,
                kind="recruiting.approval_requested",
                title=_("Requisition to approve: %(title)s, %(unit)s")
                % {"title": req.job_title, "unit": req.unit.name},
                dedupe_key=f"recruiting.submit:{req.pk}:{req.version}",
                link=link,
                site_id=req.site_id,
                now=now,
                email=False,
            )
    elif action in (schemas.RequisitionAction.APPROVE, schemas.RequisitionAction.DECLINE):
        title = (
            _("Requisition approved: %(title)s")
            if action == schemas.RequisitionAction.APPROVE
            else _("Requisition declined: %(title)s")
        )
        requester = User.objects.filter(pk=req.requested_by_id, is_active=True).first()
        if requester is not None and requester.pk != actor.pk:
            notifications.notify(
                requester,
                kind="recruiting.decision",
                title=title % {"title": req.job_title},
                body=req.decision_reason,
                dedupe_key=f"recruiting.decision:{req.pk}:{req.version}",
                link=link,
                site_id=req.site_id,
                now=now,
                email=False,
            )


# --- candidates ---------------------------------------------------------------------


def _duplicate_email(site_id: int, email: str, exclude_pk: int | None = None) -> None:
    if not email:
        return
    qs = Candidate.objects.filter(site_id=site_id, email__iexact=email)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise errors.ValidationFailed.field("email", _("a candidate of this site already has this e-mail"))


@transaction.atomic
def create_candidate(actor: Any, data: schemas.CandidateCreate) -> Candidate:
    site = scoping.get_scoped(Site.objects.all(), actor, "org.view_site", pk=data.site_id)
    _require_manage(actor, site.pk)
    if not site.is_active:
        raise errors.ValidationFailed.field("site_id", _("this site is inactive"))
    email = str(data.email or "")
    _duplicate_email(site.pk, email)
    candidate = Candidate(
        site=site,
        first_name=data.first_name.strip(),
        last_name=data.last_name.strip(),
        email=email,
        phone=data.phone.strip(),
        source=data.source,
        notes=data.notes,
        created_by=actor,
    )
    return writes.save_new(candidate, actor=actor, action="recruiting.create_candidate")


@transaction.atomic
def update_candidate(actor: Any, candidate_id: int, data: schemas.CandidateUpdate) -> Candidate:
    candidate = _locked(Candidate.objects.all(), candidate_id, actor)
    _require_manage(actor, candidate.site_id)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    if "email" in changes:
        changes["email"] = str(changes["email"] or "")
        _duplicate_email(candidate.site_id, changes["email"], exclude_pk=candidate.pk)
    changes = {k: v for k, v in changes.items() if v is not None}
    return writes.save_changes(
        candidate, changes, actor=actor, action="recruiting.update_candidate", expected_version=data.version
    )


# --- applications and their stages ----------------------------------------------


def _open_stage_values() -> list[str]:
    return [Stage.APPLIED, Stage.SCREENED, Stage.INTERVIEWED, Stage.OFFERED]


@transaction.atomic
def create_application(actor: Any, data: schemas.ApplicationCreate, *, now: datetime | None = None) -> Application:
    """Put a candidate forward for an approved requisition of the same site."""
    moment = now or clock.now()
    req = _locked(Requisition.objects.all(), data.requisition_id, actor)
    _require_manage(actor, req.site_id)
    candidate = scoping.get_scoped(Candidate.objects.all(), actor, VIEW, pk=data.candidate_id)
    if req.status != RequisitionStatus.APPROVED:
        raise errors.ValidationFailed.field(
            "requisition_id",
            _("this requisition is not open for applications (it is %(status)s)")
            % {"status": req.get_status_display()},
        )
    if candidate.site_id != req.site_id:
        raise errors.ValidationFailed.field("candidate_id", _("this candidate belongs to another site"))
    if not candidate.is_active:
        raise errors.ValidationFailed.field("candidate_id", _("this candidate is archived"))
    app = Application(
        candidate=candidate,
        requisition=req,
        stage=Stage.APPLIED,
        applied_at=moment,
        stage_changed_at=moment,
        created_by=actor,
    )
    writes.save_new(app, actor=actor, action="recruiting.create_application")
    StageChange.objects.create(application=app, from_stage="", to_stage=Stage.APPLIED, at=moment, by=actor)
    return app


# One step forward from each open stage on the board; offered and hired have their own services.
FORWARD: dict[str, str] = {Stage.APPLIED: Stage.SCREENED, Stage.SCREENED: Stage.INTERVIEWED}
STAGE_ORDER = [Stage.APPLIED, Stage.SCREENED, Stage.INTERVIEWED, Stage.OFFERED, Stage.HIRED]


def move_refusal(stage: str, to_stage: str, *, interview_held: bool) -> str | None:
    """Why an application in `stage` cannot move to `to_stage` (None: it can).

    The one statement of the stage rules, so the board, the API and the tests agree.
    """
    current = Stage(stage).label
    if stage in CLOSED_STAGES:
        return _("this application is closed (%(stage)s); it cannot move any more") % {"stage": current}
    if to_stage not in Stage.values:
        return _("unknown stage")
    if to_stage in (Stage.DECLINED, Stage.WITHDRAWN):
        return None
    if to_stage == stage:
        return _("the application is already %(stage)s") % {"stage": current}
    if to_stage == Stage.OFFERED:
        return _("make an offer (rate, FTE, start date) to move the candidate to offered")
    if to_stage == Stage.HIRED:
        return _("hire the candidate from an accepted offer")
    if STAGE_ORDER.index(Stage(to_stage)) < STAGE_ORDER.index(Stage(stage)):
        return _("applications only move forward; this one is %(stage)s") % {"stage": current}
    if FORWARD.get(stage) != to_stage:
        return _("the application is %(stage)s: move it one stage at a time") % {"stage": current}
    if to_stage == Stage.INTERVIEWED and not interview_held:
        return _("no interview has taken place yet; schedule one first")
    return None


def _interview_held(app: Application, now: datetime) -> bool:
    return app.interviews.filter(cancelled_at__isnull=True, starts_at__lte=now).exists()


def _set_stage(app: Application, to_stage: str, *, actor: Any, now: datetime, reason: str = "") -> Application:
    before = app.stage
    StageChange.objects.create(application=app, from_stage=before, to_stage=to_stage, at=now, by=actor, reason=reason)
    app.stage = to_stage
    app.stage_changed_at = now
    if to_stage in (Stage.DECLINED, Stage.WITHDRAWN):
        app.closed_reason = reason
    app.version += 1
    app.save()
    audit.record(
        actor=actor,
        action="recruiting.move_application",
        obj=app,
        before={"stage": before},
        after={"stage": to_stage, "reason": reason, "version": app.version},
    )
    return app


def _close_open_offers(app: Application, *, actor: Any, now: datetime, reason: str) -> None:
    for offer in Offer.objects.select_for_update().filter(application=app, status=OfferStatus.OPEN):
        writes.save_changes(
            offer,
            {"status": OfferStatus.RESCINDED, "responded_at": now, "response_note": reason},
            actor=actor,
            action="recruiting.rescind_offer",
            expected_version=None,
        )


@transaction.atomic
def move_application(
    actor: Any,
    application_id: int,
    *,
    to_stage: str,
    version: int | None,
    reason: str = "",
    now: datetime | None = None,
) -> Application:
    """Move a card on the board: one stage forward, or declined / withdrawn from any open stage."""
    moment = now or clock.now()
    app = _locked(Application.objects.select_related("requisition"), application_id, actor)
    _require_manage(actor, app.requisition.site_id)
    writes.check_version(app, version)
    refusal = move_refusal(app.stage, to_stage, interview_held=_interview_held(app, moment))
    if refusal:
        raise errors.ValidationFailed.field("to_stage", refusal)
    reason = reason.strip()
    if to_stage in (Stage.DECLINED, Stage.WITHDRAWN):
        _close_open_offers(app, actor=actor, now=moment, reason=reason or str(Stage(to_stage).label))
    return _set_stage(app, to_stage, actor=actor, now=moment, reason=reason)


# --- interviews ---------------------------------------------------------------------


def _aware(moment: datetime, zone: str) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=ZoneInfo(zone))
    return moment


@transaction.atomic
def schedule_interview(
    actor: Any, application_id: int, data: schemas.InterviewCreate, *, now: datetime | None = None
) -> Interview:
    moment = now or clock.now()
    app = _locked(Application.objects.select_related("requisition__site", "candidate"), application_id, actor)
    req = app.requisition
    _require_manage(actor, req.site_id)
    if app.stage not in (Stage.SCREENED, Stage.INTERVIEWED):
        raise errors.ValidationFailed.field(
            "stage",
            _("interviews are for screened candidates; this application is %(stage)s")
            % {"stage": app.get_stage_display()},
        )
    ids = list(dict.fromkeys(data.interviewer_ids))
    people = {u.pk: u for u in User.objects.filter(pk__in=ids, is_active=True)}
    for pk in ids:
        person = people.get(pk)
        if person is None or not scoping.has(person, VIEW, site_id=req.site_id, unit_id=req.unit_id):
            raise errors.ValidationFailed.field(
                "interviewer_ids",
                _("person #%(id)s cannot interview here: interviewers are people of the site with recruiting access")
                % {"id": pk},
            )
    interview = Interview(
        application=app,
        starts_at=_aware(data.starts_at, req.site.time_zone),
        duration_minutes=data.duration_minutes,
        kind=data.kind,
        location=data.location,
        created_by=actor,
    )
    writes.full_clean(interview)
    interview.save(force_insert=True)
    interview.interviewers.set([people[pk] for pk in ids])
    audit.record(
        actor=actor,
        action="recruiting.schedule_interview",
        obj=interview,
        after=audit.snapshot(interview) | {"interviewer_ids": ids},
    )
    local = clock.to_zone(interview.starts_at, req.site.time_zone)
    for pk in ids:
        notifications.notify(
            people[pk],
            kind="recruiting.interview",
            title=_("Interview with %(name)s on %(when)s")
            % {"name": app.candidate, "when": local.strftime("%Y-%m-%d %H:%M")},
            dedupe_key=f"recruiting.interview:{interview.pk}",
            link=_link("interview_detail", interview.pk),
            site_id=req.site_id,
            now=moment,
            email=False,
        )
    return interview


@transaction.atomic
def cancel_interview(
    actor: Any, interview_id: int, data: schemas.InterviewCancel, *, now: datetime | None = None
) -> Interview:
    interview = _locked(Interview.objects.select_related("application__requisition"), interview_id, actor)
    _require_manage(actor, interview.application.requisition.site_id)
    if interview.cancelled_at is not None:
        raise errors.ValidationFailed.field("interview", _("this interview is already cancelled"))
    if interview.feedback.exists():
        raise errors.ValidationFailed.field("interview", _("this interview has feedback: it took place"))
    return writes.save_changes(
        interview,
        {"cancelled_at": now or clock.now(), "cancel_reason": data.reason.strip()},
        actor=actor,
        action="recruiting.cancel_interview",
        expected_version=None,
    )


@transaction.atomic
def record_feedback(
    actor: Any, interview_id: int, data: schemas.FeedbackCreate, *, now: datetime | None = None
) -> InterviewFeedback:
    """An interviewer's scores (1-5 per criterion), comments and recommendation."""
    moment = now or clock.now()
    interview = _locked(Interview.objects.select_related("application__requisition"), interview_id, actor)
    req = interview.application.requisition
    on_panel = interview.interviewers.filter(pk=actor.pk).exists()
    if not on_panel:
        _require_manage(actor, req.site_id)
    if interview.cancelled_at is not None:
        raise errors.ValidationFailed.field("interview", _("this interview was cancelled"))
    if moment < interview.starts_at:
        raise errors.ValidationFailed.field("interview", _("feedback is given once the interview has started"))
    names = [s.criterion.strip().lower() for s in data.criterion_scores]
    if len(set(names)) != len(names):
        raise errors.ValidationFailed.field("criterion_scores", _("score each criterion once"))
    if InterviewFeedback.objects.filter(interview=interview, interviewer=actor).exists():
        raise errors.Conflict(_("You already gave feedback on this interview."))
    feedback = InterviewFeedback(
        interview=interview,
        interviewer=actor,
        recommendation=data.recommendation,
        comments=data.comments,
        submitted_at=moment,
    )
    writes.full_clean(feedback)
    feedback.save(force_insert=True)
    scores = [
        FeedbackScore(feedback=feedback, criterion=s.criterion.strip(), score=s.score, comment=s.comment)
        for s in data.criterion_scores
    ]
    for score in scores:
        writes.full_clean(score, exclude=["feedback"])
    FeedbackScore.objects.bulk_create(scores)
    audit.record(
        actor=actor,
        action="recruiting.record_feedback",
        obj=feedback,
        site_id=req.site_id,
        after=audit.snapshot(feedback) | {"scores": {s.criterion: s.score for s in scores}},
    )
    return feedback


# --- offers -------------------------------------------------------------------------


def _live_offer(app: Application, now: datetime, zone: str) -> Offer | None:
    """An accepted offer, or an open one not yet expired."""
    for offer in app.offers.filter(status__in=[OfferStatus.OPEN, OfferStatus.ACCEPTED]):
        if offer.state(now, zone) in ("open", "accepted"):
            return offer
    return None


@transaction.atomic
def make_offer(actor: Any, application_id: int, data: schemas.OfferCreate, *, now: datetime | None = None) -> Offer:
    moment = now or clock.now()
    app = _locked(Application.objects.select_related("requisition__site"), application_id, actor)
    req = app.requisition
    zone = req.site.time_zone
    _require_manage(actor, req.site_id)
    writes.check_version(app, data.version)
    if app.stage in CLOSED_STAGES:
        raise errors.ValidationFailed.field(
            "stage", _("this application is closed (%(stage)s)") % {"stage": app.get_stage_display()}
        )
    if app.stage in (Stage.APPLIED, Stage.SCREENED):
        raise errors.ValidationFailed.field(
            "stage",
            _("no offer before an interview: this application is %(stage)s") % {"stage": app.get_stage_display()},
        )
    if app.stage == Stage.OFFERED and _live_offer(app, moment, zone) is not None:
        raise errors.ValidationFailed.field(
            "stage", _("this candidate already has an open or accepted offer; rescind it first")
        )
    if req.status != RequisitionStatus.APPROVED:
        raise errors.ValidationFailed.field(
            "requisition", _("the requisition is %(status)s") % {"status": req.get_status_display()}
        )
    if not req.hourly_rate_min <= data.hourly_rate <= req.hourly_rate_max:
        raise errors.ValidationFailed.field(
            "hourly_rate",
            _("outside the budgeted range %(low)s to %(high)s")
            % {"low": req.hourly_rate_min, "high": req.hourly_rate_max},
        )
    today = local_today(moment, zone)
    if data.start_date < today:
        raise errors.ValidationFailed.field("start_date", _("the start date is in the past"))
    expires_on = data.expires_on or today + timedelta(days=DEFAULT_OFFER_DAYS)
    if expires_on < today:
        raise errors.ValidationFailed.field("expires_on", _("the expiry date is in the past"))
    offer = Offer(
        application=app,
        hourly_rate=data.hourly_rate,
        fte=data.fte or req.fte,
        start_date=data.start_date,
        expires_on=expires_on,
        made_by=actor,
        made_at=moment,
    )
    writes.save_new(offer, actor=actor, action="recruiting.make_offer")
    if app.stage == Stage.INTERVIEWED:
        _set_stage(app, Stage.OFFERED, actor=actor, now=moment)
    return offer


def _offer_must_be_open(offer: Offer, now: datetime, zone: str) -> None:
    state = offer.state(now, zone)
    if state == "expired":
        raise errors.ValidationFailed.field(
            "offer", _("the offer expired on %(date)s") % {"date": offer.expires_on.isoformat()}
        )
    if state != "open":
        raise errors.ValidationFailed.field(
            "offer", _("the offer was already %(status)s") % {"status": offer.get_status_display()}
        )


@transaction.atomic
def respond_to_offer(actor: Any, offer_id: int, data: schemas.OfferResponse, *, now: datetime | None = None) -> Offer:
    """Record the candidate's answer. A declined offer leaves the application offered,
    so a revised offer can follow, or the application can be closed."""
    moment = now or clock.now()
    offer = _locked(Offer.objects.select_related("application__requisition__site"), offer_id, actor)
    app = offer.application
    _require_manage(actor, app.requisition.site_id)
    writes.check_version(offer, data.version)
    if app.stage != Stage.OFFERED:
        raise errors.ValidationFailed.field(
            "stage", _("the application is %(stage)s") % {"stage": app.get_stage_display()}
        )
    _offer_must_be_open(offer, moment, app.requisition.site.time_zone)
    status = OfferStatus.ACCEPTED if data.accepted else OfferStatus.DECLINED
    return writes.save_changes(
        offer,
        {"status": status, "responded_at": moment, "response_note": data.note.strip()},
        actor=actor,
        action="recruiting.accept_offer" if data.accepted else "recruiting.decline_offer",
        expected_version=data.version,
    )


@transaction.atomic
def rescind_offer(actor: Any, offer_id: int, data: schemas.OfferRescind, *, now: datetime | None = None) -> Offer:
    offer = _locked(Offer.objects.select_related("application__requisition"), offer_id, actor)
    _require_manage(actor, offer.application.requisition.site_id)
    if offer.status != OfferStatus.OPEN:
        raise errors.ValidationFailed.field(
            "offer",
            _("only an open offer can be rescinded; this one is %(status)s") % {"status": offer.get_status_display()},
        )
    if not data.reason.strip():
        raise errors.ValidationFailed.field("reason", _("say why the offer is rescinded"))
    return writes.save_changes(
        offer,
        {"status": OfferStatus.RESCINDED, "responded_at": now or clock.now(), "response_note": data.reason.strip()},
        actor=actor,
        action="recruiting.rescind_offer",
        expected_version=data.version,
    )


# --- the hire -----------------------------------------------------------------------


@dataclass(frozen=True)
class HireResult:
    application: Application
    user: Any
    initial_password: str
    staff: Any


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if c.isalnum() and ord(c) < 128).lower()


def suggested_username(candidate: Candidate) -> str:
    base = f"{_ascii(candidate.first_name) or 'new'}.{_ascii(candidate.last_name) or 'hire'}"[:140]
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}{n}"
    return name


def suggested_employee_number(site: Site) -> str:
    from caredesk.workforce.models import StaffMember

    taken = {n.lower() for n in StaffMember.objects.filter(site=site).values_list("employee_number", flat=True)}
    n = 1000 + len(taken)
    while f"{site.code}-{n}".lower() in taken:
        n += 1
    return f"{site.code}-{n}"


def initial_password(user: User | None = None) -> str:
    """A random first password that passes the password rules."""
    while True:
        candidate = secrets.token_urlsafe(12)
        try:
            password_validation.validate_password(candidate, user)
        except DjangoValidationError:
            continue
        return candidate


@transaction.atomic
def hire(actor: Any, offer_id: int, data: schemas.HireCreate, *, now: datetime | None = None) -> HireResult:
    """Turn the candidate of an accepted (or still open) offer into a log-in, a
    clinician role on the requisition's unit and a staff record, in one transaction:
    if any part is refused, nothing is kept."""
    from caredesk.accounts import schemas as account_schemas
    from caredesk.accounts import services as account_services
    from caredesk.workforce import schemas as workforce_schemas
    from caredesk.workforce import services as workforce_services

    moment = now or clock.now()
    offer = _locked(Offer.objects.select_related("application__requisition__site"), offer_id, actor)
    app = Application.objects.select_for_update(of=("self",)).select_related("candidate").get(pk=offer.application_id)
    req = Requisition.objects.select_for_update(of=("self",)).select_related("site", "unit").get(pk=app.requisition_id)
    site = req.site
    _require_manage(actor, site.pk)
    writes.check_version(offer, data.version)
    if app.stage != Stage.OFFERED:
        if app.stage == Stage.HIRED:
            message = _("this candidate is already hired")
        elif app.stage in CLOSED_STAGES:
            message = _("a %(stage)s candidate cannot be hired") % {"stage": app.get_stage_display().lower()}
        else:
            message = _("make an offer before hiring; this application is %(stage)s") % {
                "stage": app.get_stage_display()
            }
        raise errors.ValidationFailed.field("stage", message)
    if req.status != RequisitionStatus.APPROVED:
        raise errors.ValidationFailed.field(
            "requisition", _("the requisition is %(status)s") % {"status": req.get_status_display()}
        )
    if offer.status != OfferStatus.ACCEPTED:
        _offer_must_be_open(offer, moment, site.time_zone)
        writes.save_changes(
            offer,
            {"status": OfferStatus.ACCEPTED, "responded_at": moment},
            actor=actor,
            action="recruiting.accept_offer",
            expected_version=None,
        )
    rules = queries.default_work_rules(site) if data.work_rules_id is None else None
    rules_id = data.work_rules_id if data.work_rules_id is not None else (rules.pk if rules else None)
    if rules_id is None:
        raise errors.ValidationFailed.field("work_rules_id", _("no work-rule pack exists yet; create one first"))
    candidate = app.candidate
    password = initial_password()
    user = account_services.create_user(
        actor,
        account_schemas.UserCreate(
            username=data.username or suggested_username(candidate),
            first_name=candidate.first_name,
            last_name=candidate.last_name,
            email=candidate.email or None,
            password=password,
            language="fr" if site.country == "FR" else "en",
            grant=account_schemas.GrantCreate(
                role=Role.CLINICIAN, site_id=site.pk, unit_id=req.unit_id, discipline=Discipline(req.discipline)
            ),
        ),
    )
    staff = workforce_services.create_staff(
        actor,
        workforce_schemas.StaffCreate(
            user_id=user.pk,
            site_id=site.pk,
            home_unit_id=req.unit_id,
            employee_number=data.employee_number or suggested_employee_number(site),
            discipline=Discipline(req.discipline),
            job_title=req.job_title,
            fte=offer.fte,
            contracted_minutes_per_week=int((Decimal(40 * 60) * offer.fte).to_integral_value()),
            work_rules_id=rules_id,
            hourly_rate=offer.hourly_rate,
            hire_date=offer.start_date,
        ),
        now=moment,
    )
    app.hired_at = moment
    app.hired_user = user
    app.staff = staff
    _set_stage(app, Stage.HIRED, actor=actor, now=moment)
    hired = Application.objects.filter(requisition=req, stage=Stage.HIRED).count()
    if hired >= req.positions:
        writes.save_changes(
            req,
            {"status": RequisitionStatus.FILLED, "filled_at": moment},
            actor=actor,
            action="recruiting.fill_requisition",
            expected_version=None,
        )
    return HireResult(application=app, user=user, initial_password=password, staff=staff)

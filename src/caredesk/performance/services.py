"""Every write of performance evaluations: one atomic, permission-checked,
audited function per use case. Pages and the API both call these.

The review's state machine:

    draft --submit (reviewer)--> submitted --acknowledge (employee)--> acknowledged
      --sign_off (reviewer's manager)--> signed_off --close (HR / leadership)--> closed
    draft | submitted --cancel (HR / leadership, with a reason)--> cancelled
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from caredesk.accounts.models import RoleGrant, User
from caredesk.core import audit, clock, errors, notifications, scoping, writes
from caredesk.core.roles import LEADERSHIP, Role
from caredesk.org.models import Site, Unit
from caredesk.performance import queries, schemas
from caredesk.performance.models import (
    Competency,
    CycleKind,
    CycleStatus,
    EvaluationCycle,
    EvaluationTemplate,
    Goal,
    Rating,
    Review,
    ReviewState,
)
from caredesk.workforce.models import StaffMember, StaffStatus

# --- scores ------------------------------------------------------------------------


def weighted_score(pairs: list[tuple[Decimal, int]]) -> Decimal | None:
    """The weighted mean of (weight, rating) pairs, to two decimals; None if nothing is rated."""
    total = sum((w for w, _r in pairs), Decimal(0))
    if not pairs or total <= 0:
        return None
    mean = sum((w * r for w, r in pairs), Decimal(0)) / total
    return mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def review_score(review: Review) -> Decimal | None:
    pairs = [(r.competency.weight, r.rating) for r in review.ratings.select_related("competency")]
    return weighted_score(pairs)


# --- templates ---------------------------------------------------------------------


def _clean_labels(labels: list[str]) -> list[str]:
    cleaned = [label.strip() for label in labels]
    if any(not label for label in cleaned):
        raise errors.ValidationFailed.field("scale_labels", _("every level of the scale needs a label"))
    return cleaned


def _set_competencies(template: EvaluationTemplate, items: list[schemas.CompetencyIn]) -> list[dict[str, Any]]:
    names = [c.name.strip().lower() for c in items]
    if len(set(names)) != len(names):
        raise errors.ValidationFailed.field("competencies", _("two competencies have the same name"))
    template.competencies.all().delete()  # only while no cycle uses the template (checked by callers)
    rows = Competency.objects.bulk_create(
        [
            Competency(
                template=template, position=i, name=c.name.strip(), description=c.description.strip(), weight=c.weight
            )
            for i, c in enumerate(items)
        ]
    )
    return [{"name": c.name, "weight": c.weight} for c in rows]


@transaction.atomic
def create_template(actor: Any, data: schemas.TemplateCreate) -> EvaluationTemplate:
    site = scoping.get_scoped(Site.objects.all(), actor, "org.view_site", pk=data.site_id)
    scoping.require(actor, "performance.manage_cycles", site_id=site.pk)
    template = EvaluationTemplate(
        site=site, name=data.name.strip(), description=data.description, scale_labels=_clean_labels(data.scale_labels)
    )
    writes.save_new(template, actor=actor, action="performance.create_template")
    if data.competencies:
        after = _set_competencies(template, data.competencies)
        audit.record(actor=actor, action="performance.set_competencies", obj=template, after={"competencies": after})
    return template


@transaction.atomic
def update_template(actor: Any, template_id: int, data: schemas.TemplateUpdate) -> EvaluationTemplate:
    template = scoping.get_scoped(
        EvaluationTemplate.objects.select_for_update(), actor, "performance.view", pk=template_id
    )
    scoping.require(actor, "performance.manage_cycles", site_id=template.site_id)
    writes.check_version(template, data.version)
    changes = data.model_dump(exclude_unset=True, exclude={"version", "competencies"})
    competencies_changed = False
    in_use = template.cycles.exists()
    if "scale_labels" in changes:
        changes["scale_labels"] = _clean_labels(changes["scale_labels"])
        if in_use and changes["scale_labels"] != template.scale_labels:
            raise errors.ValidationFailed.field(
                "scale_labels", _("a cycle uses this template: its scale can no longer change; make a new template")
            )
    if data.competencies is not None:
        if in_use:
            raise errors.ValidationFailed.field(
                "competencies",
                _("a cycle uses this template: its competencies can no longer change; make a new template"),
            )
        before = [{"name": c.name, "weight": c.weight} for c in template.competencies.all()]
        after = _set_competencies(template, data.competencies)
        if before != after:
            audit.record(
                actor=actor,
                action="performance.set_competencies",
                obj=template,
                before={"competencies": before},
                after={"competencies": after},
            )
            competencies_changed = True
    version_before = template.version
    template = writes.save_changes(
        template, changes, actor=actor, action="performance.update_template", expected_version=None
    )
    if competencies_changed and template.version == version_before:
        template.version += 1
        template.save(update_fields=["version", "updated_at"])
    return template


# --- cycles ------------------------------------------------------------------------


def default_reviewer(staff: StaffMember) -> User | None:
    """The coordinator of the person's home unit, else the site's leadership; never themself."""
    grants = RoleGrant.objects.filter(site_id=staff.site_id, revoked_at__isnull=True, user__is_active=True).exclude(
        user_id=staff.user_id
    )
    if staff.home_unit_id:
        coordinator = (
            grants.filter(role=Role.COORDINATOR)
            .filter(Q(unit_id=staff.home_unit_id) | Q(unit__isnull=True))
            .order_by("unit_id", "pk")  # a unit's own coordinator before a site-wide one
            .first()
        )
        if coordinator is not None:
            return coordinator.user
    for role in LEADERSHIP:
        lead = grants.filter(role=role, unit__isnull=True).order_by("pk").first()
        if lead is not None:
            return lead.user
    return None


def _in_scope(site: Site, unit: Unit | None, data: schemas.CycleStart) -> list[StaffMember]:
    qs = StaffMember.objects.filter(site=site).exclude(status=StaffStatus.TERMINATED).select_related("user")
    if unit is not None:
        qs = qs.filter(home_unit=unit)
    if data.staff_ids:
        chosen = list(qs.filter(pk__in=data.staff_ids))
        missing = sorted(set(data.staff_ids) - {s.pk for s in chosen})
        if missing:
            raise errors.ValidationFailed.field(
                "staff_ids",
                _("not current staff of this cycle's site or unit: %(ids)s") % {"ids": ", ".join(map(str, missing))},
            )
        return chosen
    qs = qs.filter(status=StaffStatus.ACTIVE, hire_date__lte=data.period_end)
    if data.kind == CycleKind.PROBATION:
        qs = qs.filter(hire_date__gte=data.period_start)
    return list(qs)


@transaction.atomic
def start_cycle(actor: Any, data: schemas.CycleStart, *, now: datetime | None = None) -> EvaluationCycle:
    """Open a cycle and create, in the same transaction, one draft review for
    everyone in scope, each assigned to its default reviewer."""
    moment = now or clock.now()
    site = scoping.get_scoped(Site.objects.select_for_update(), actor, "org.view_site", pk=data.site_id)
    scoping.require(actor, "performance.manage_cycles", site_id=site.pk)
    if not site.is_active:
        raise errors.ValidationFailed.field("site_id", _("this site is inactive"))
    unit = None
    if data.unit_id is not None:
        unit = Unit.objects.filter(pk=data.unit_id, site=site).first()
        if unit is None:
            raise errors.ValidationFailed.field("unit_id", _("this unit is not part of the site"))
    template = EvaluationTemplate.objects.filter(pk=data.template_id, site=site).first()
    if template is None:
        raise errors.ValidationFailed.field("template_id", _("no such template on this site"))
    if not template.is_active:
        raise errors.ValidationFailed.field("template_id", _("this template is inactive"))
    if not template.competencies.exists():
        raise errors.ValidationFailed.field("template_id", _("this template has no competencies yet"))
    if data.due_on < data.period_start:
        raise errors.ValidationFailed.field("due_on", _("the due date is before the period starts"))
    people = _in_scope(site, unit, data)
    if not people:
        raise errors.ValidationFailed.field(
            "staff_ids", _("nobody is in this cycle's scope (active staff of the site or unit, hired in time)")
        )
    cycle = EvaluationCycle(
        site=site,
        unit=unit,
        template=template,
        name=data.name.strip(),
        kind=data.kind,
        period_start=data.period_start,
        period_end=data.period_end,
        due_on=data.due_on,
        started_by=actor if getattr(actor, "pk", None) else None,
    )
    writes.save_new(cycle, actor=actor, action="performance.start_cycle")
    reviews = Review.objects.bulk_create([Review(cycle=cycle, staff=s, reviewer=default_reviewer(s)) for s in people])
    for review in reviews:
        audit.record(
            actor=actor,
            action="performance.create_review",
            obj=review,
            site_id=site.pk,
            after={"cycle_id": cycle.pk, "staff_id": review.staff_id, "reviewer_id": review.reviewer_id},
        )
    _notify_reviewers(cycle, reviews, moment)
    return cycle


def _notify_reviewers(cycle: EvaluationCycle, reviews: list[Review], now: datetime) -> None:
    counts: dict[int, int] = {}
    for r in reviews:
        if r.reviewer_id:
            counts[r.reviewer_id] = counts.get(r.reviewer_id, 0) + 1
    link = reverse("performance:cycle_detail", args=[cycle.pk])
    for reviewer in User.objects.filter(pk__in=counts):
        with translation.override(reviewer.language or "en"):
            title = _("%(count)d evaluations to write in %(cycle)s, due %(date)s") % {
                "count": counts[reviewer.pk],
                "cycle": cycle.name,
                "date": cycle.due_on,
            }
        notifications.notify(
            reviewer,
            kind="performance.cycle_started",
            title=title,
            link=link,
            site_id=cycle.site_id,
            dedupe_key=f"performance:cycle:{cycle.pk}",
            now=now,
        )


@transaction.atomic
def close_cycle(actor: Any, cycle_id: int, data: schemas.CycleClose, *, now: datetime | None = None) -> EvaluationCycle:
    """Close a cycle whose reviews are all signed off (they are closed with it) or cancelled."""
    moment = now or clock.now()
    cycle = scoping.get_scoped(EvaluationCycle.objects.select_for_update(), actor, "performance.view", pk=cycle_id)
    scoping.require(actor, "performance.manage_cycles", site_id=cycle.site_id)
    writes.check_version(cycle, data.version)
    if cycle.status == CycleStatus.CLOSED:
        raise errors.ValidationFailed.field("status", _("this cycle is already closed"))
    unfinished = cycle.reviews.filter(
        state__in=[ReviewState.DRAFT, ReviewState.SUBMITTED, ReviewState.ACKNOWLEDGED]
    ).count()
    if unfinished:
        raise errors.ValidationFailed.field(
            "status",
            _("%(count)d reviews are not signed off yet: finish or cancel them first") % {"count": unfinished},
        )
    for review in cycle.reviews.select_for_update().filter(state=ReviewState.SIGNED_OFF):
        _close(actor, review, moment)
    return writes.save_changes(
        cycle,
        {"status": CycleStatus.CLOSED, "closed_at": moment},
        actor=actor,
        action="performance.close_cycle",
        expected_version=data.version,
    )


# --- reviews -----------------------------------------------------------------------


def _locked_review(actor: Any, review_id: int) -> Review:
    """The review, locked, if the actor may see it; else NotFound."""
    visible = queries.reviews(actor).filter(pk=review_id).values("pk")
    review = (
        Review.objects.select_for_update()
        .select_related("cycle__site", "cycle__template", "staff__user")
        .filter(pk__in=visible)
        .first()
    )
    if review is None:
        raise errors.NotFound()
    return review


def _require_writer(actor: Any, review: Review) -> None:
    if getattr(actor, "pk", None) == review.staff.user_id:
        raise errors.PermissionDenied(_("Nobody reviews themself: another reviewer must write this evaluation."))
    if not queries.may_write(actor, review):
        raise errors.PermissionDenied()


def _refuse_state(review: Review, expected: ReviewState, message: str) -> None:
    if review.state != expected:
        raise errors.ValidationFailed(
            message, fields={"state": [_("the review is %(state)s") % {"state": review.get_state_display()}]}
        )


def _snapshot(review: Review) -> dict[str, Any]:
    return {
        "comments": review.comments,
        "ratings": {str(r.competency_id): [r.rating, r.comment] for r in review.ratings.all()},
        "goals": [[g.description, g.target_date] for g in review.goals.all()],
    }


@transaction.atomic
def update_review(actor: Any, review_id: int, data: schemas.ReviewUpdate) -> Review:
    """Save the reviewer's draft: ratings (per competency), comments, goals."""
    review = _locked_review(actor, review_id)
    _require_writer(actor, review)
    writes.check_version(review, data.version)
    _refuse_state(review, ReviewState.DRAFT, _("Only a draft can be edited; this review was already submitted."))
    before = _snapshot(review)
    template = review.cycle.template
    if data.ratings is not None:
        competencies = {c.pk: c for c in template.competencies.all()}
        seen: set[int] = set()
        for item in data.ratings:
            if item.competency_id not in competencies:
                raise errors.ValidationFailed.field(
                    "ratings", _("competency %(id)s is not part of this template") % {"id": item.competency_id}
                )
            if item.competency_id in seen:
                raise errors.ValidationFailed.field("ratings", _("a competency is rated twice"))
            seen.add(item.competency_id)
            if not 1 <= item.rating <= template.scale_max:
                raise errors.ValidationFailed.field(
                    "ratings", _("ratings go from 1 to %(max)d") % {"max": template.scale_max}
                )
            Rating.objects.update_or_create(
                review=review,
                competency=competencies[item.competency_id],
                defaults={"rating": item.rating, "comment": item.comment.strip()},
            )
    if data.goals is not None:
        review.goals.all().delete()  # a draft's goals are replaced as a whole; nothing refers to them yet
        Goal.objects.bulk_create(
            [
                Goal(review=review, position=i, description=g.description.strip(), target_date=g.target_date)
                for i, g in enumerate(data.goals)
            ]
        )
    if data.comments is not None:
        review.comments = data.comments.strip()
    after = _snapshot(review)
    old, new = audit.changes(before, after)
    if not new:
        return review
    review.score = review_score(review)
    review.version += 1
    review.save()
    audit.record(actor=actor, action="performance.update_review", obj=review, before=old, after=new)
    return review


def _transition(actor: Any, review: Review, changes: dict[str, Any], action: str, version: int) -> Review:
    return writes.save_changes(review, changes, actor=actor, action=action, expected_version=version)


@transaction.atomic
def submit_review(actor: Any, review_id: int, *, version: int, now: datetime | None = None) -> Review:
    """The reviewer hands the review to the employee: every competency rated, comments written."""
    moment = now or clock.now()
    review = _locked_review(actor, review_id)
    _require_writer(actor, review)
    writes.check_version(review, version)
    _refuse_state(review, ReviewState.DRAFT, _("Only a draft can be submitted; this review was already submitted."))
    rated = set(review.ratings.values_list("competency_id", flat=True))
    missing = [c.name for c in review.cycle.template.competencies.all() if c.pk not in rated]
    if missing:
        raise errors.ValidationFailed.field(
            "ratings", _("rate every competency before submitting; missing: %(names)s") % {"names": ", ".join(missing)}
        )
    if not review.comments.strip():
        raise errors.ValidationFailed.field("comments", _("write the reviewer's comments before submitting"))
    review = _transition(
        actor,
        review,
        {
            "state": ReviewState.SUBMITTED,
            "submitted_at": moment,
            "submitted_by": actor,
            "score": review_score(review),
        },
        "performance.submit_review",
        version,
    )
    person = review.staff.user
    with translation.override(person.language or "en"):
        title = _("Your evaluation (%(cycle)s) is ready: read it and acknowledge it") % {"cycle": review.cycle.name}
    notifications.notify(
        person,
        kind="performance.review_submitted",
        title=title,
        link=reverse("performance:review_detail", args=[review.pk]),
        site_id=review.cycle.site_id,
        dedupe_key=f"performance:review:{review.pk}:submitted",
        now=moment,
    )
    return review


@transaction.atomic
def acknowledge_review(
    actor: Any, review_id: int, *, version: int, comments: str = "", now: datetime | None = None
) -> Review:
    """The employee has read the review (which is not agreeing with it), with their comments."""
    moment = now or clock.now()
    review = _locked_review(actor, review_id)
    if getattr(actor, "pk", None) != review.staff.user_id:
        raise errors.PermissionDenied(_("Only the person reviewed acknowledges their evaluation."))
    writes.check_version(review, version)
    _refuse_state(
        review, ReviewState.SUBMITTED, _("Only a submitted review can be acknowledged; this one is not awaiting it.")
    )
    return _transition(
        actor,
        review,
        {"state": ReviewState.ACKNOWLEDGED, "acknowledged_at": moment, "employee_comments": comments.strip()},
        "performance.acknowledge_review",
        version,
    )


@transaction.atomic
def sign_off_review(
    actor: Any, review_id: int, *, version: int, comments: str = "", now: datetime | None = None
) -> Review:
    """The reviewer's manager (director or assistant director) signs off an acknowledged review."""
    moment = now or clock.now()
    review = _locked_review(actor, review_id)
    scoping.require(actor, "performance.sign_off", site_id=review.cycle.site_id)
    writes.check_version(review, version)
    _refuse_state(
        review,
        ReviewState.ACKNOWLEDGED,
        _("Only a review the employee has acknowledged can be signed off."),
    )
    if getattr(actor, "pk", None) in (review.reviewer_id, review.submitted_by_id, review.staff.user_id):
        raise errors.PermissionDenied(
            _("The sign-off is the reviewer's manager's: the reviewer or the person reviewed cannot sign it off.")
        )
    return _transition(
        actor,
        review,
        {
            "state": ReviewState.SIGNED_OFF,
            "signed_off_at": moment,
            "signed_off_by": actor,
            "sign_off_comments": comments.strip(),
        },
        "performance.sign_off_review",
        version,
    )


def _close(actor: Any, review: Review, now: datetime) -> Review:
    return writes.save_changes(
        review,
        {"state": ReviewState.CLOSED, "closed_at": now},
        actor=actor,
        action="performance.close_review",
        expected_version=None,
    )


@transaction.atomic
def close_review(actor: Any, review_id: int, *, version: int, now: datetime | None = None) -> Review:
    moment = now or clock.now()
    review = _locked_review(actor, review_id)
    scoping.require(actor, "performance.manage_cycles", site_id=review.cycle.site_id)
    writes.check_version(review, version)
    _refuse_state(review, ReviewState.SIGNED_OFF, _("Only a signed-off review can be closed."))
    return _close(actor, review, moment)


@transaction.atomic
def cancel_review(actor: Any, review_id: int, *, version: int, reason: str) -> Review:
    """Withdraw a review that will not be completed (the person left, was on long leave...)."""
    review = _locked_review(actor, review_id)
    scoping.require(actor, "performance.manage_cycles", site_id=review.cycle.site_id)
    writes.check_version(review, version)
    if review.state not in (ReviewState.DRAFT, ReviewState.SUBMITTED):
        raise errors.ValidationFailed(
            _("Only a draft or submitted review can be cancelled."),
            fields={"state": [_("the review is %(state)s") % {"state": review.get_state_display()}]},
        )
    if not reason.strip():
        raise errors.ValidationFailed.field("comments", _("say why the review is cancelled"))
    return _transition(
        actor,
        review,
        {"state": ReviewState.CANCELLED, "cancel_reason": reason.strip()},
        "performance.cancel_review",
        version,
    )


@transaction.atomic
def assign_reviewer(actor: Any, review_id: int, data: schemas.ReviewerAssign) -> Review:
    review = _locked_review(actor, review_id)
    scoping.require(actor, "performance.manage_cycles", site_id=review.cycle.site_id)
    writes.check_version(review, data.version)
    _refuse_state(review, ReviewState.DRAFT, _("The reviewer can only change while the review is a draft."))
    reviewer = User.objects.filter(pk=data.reviewer_id, is_active=True).first()
    if reviewer is None:
        raise errors.ValidationFailed.field("reviewer_id", _("unknown or inactive log-in"))
    if reviewer.pk == review.staff.user_id:
        raise errors.ValidationFailed.field("reviewer_id", _("nobody reviews themself"))
    if not scoping.has(reviewer, "performance.review", site_id=review.cycle.site_id, unit_id=review.staff.home_unit_id):
        raise errors.ValidationFailed.field(
            "reviewer_id", _("this person does not review the staff of this unit (coordinator or leadership)")
        )
    return writes.save_changes(
        review, {"reviewer": reviewer}, actor=actor, action="performance.assign_reviewer", expected_version=data.version
    )


def transition(actor: Any, review_id: int, data: schemas.ReviewTransition, *, now: datetime | None = None) -> Review:
    """Route one requested state change to its service (the API and pages share it)."""
    action = schemas.ReviewAction(data.action)
    if action == schemas.ReviewAction.SUBMIT:
        return submit_review(actor, review_id, version=data.version, now=now)
    if action == schemas.ReviewAction.ACKNOWLEDGE:
        return acknowledge_review(actor, review_id, version=data.version, comments=data.comments, now=now)
    if action == schemas.ReviewAction.SIGN_OFF:
        return sign_off_review(actor, review_id, version=data.version, comments=data.comments, now=now)
    if action == schemas.ReviewAction.CLOSE:
        return close_review(actor, review_id, version=data.version, now=now)
    return cancel_review(actor, review_id, version=data.version, reason=data.comments)

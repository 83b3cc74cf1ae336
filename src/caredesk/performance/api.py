"""Performance evaluations over the JSON API: templates, cycles, reviews,
overdue reviews per reviewer, and a person's history."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from caredesk.core import clock, scoping
from caredesk.core.api_support import ERRORS, Page
from caredesk.performance import queries, schemas, services
from caredesk.performance.models import CycleStatus, EvaluationCycle, EvaluationTemplate, Review, ReviewState

router = Router(tags=["performance"])


def template_out(t: EvaluationTemplate) -> dict[str, Any]:
    return {
        "id": t.pk,
        "site_id": t.site_id,
        "name": t.name,
        "description": t.description,
        "scale_labels": list(t.scale_labels),
        "is_active": t.is_active,
        "in_use": t.cycles.exists(),
        "competencies": list(t.competencies.all()),
        "version": t.version,
    }


def cycle_out(c: EvaluationCycle) -> dict[str, Any]:
    count = getattr(c, "review_count", None)
    return {
        "id": c.pk,
        "site_id": c.site_id,
        "unit_id": c.unit_id,
        "template_id": c.template_id,
        "name": c.name,
        "kind": c.kind,
        "period_start": c.period_start,
        "period_end": c.period_end,
        "due_on": c.due_on,
        "status": c.status,
        "review_count": count if count is not None else c.reviews.count(),
        "version": c.version,
    }


def summary_out(r: Review, now: Any) -> dict[str, Any]:
    return {
        "id": r.pk,
        "cycle_id": r.cycle_id,
        "cycle_name": r.cycle.name,
        "kind": r.cycle.kind,
        "site_id": r.cycle.site_id,
        "staff_id": r.staff_id,
        "staff_name": str(r.staff),
        "reviewer_id": r.reviewer_id,
        "reviewer_name": str(r.reviewer) if r.reviewer else "",
        "state": r.state,
        "due_on": r.cycle.due_on,
        "overdue": queries.is_overdue(r, now),
        "score": r.score,
        "version": r.version,
    }


def review_out(r: Review, now: Any) -> dict[str, Any]:
    template = r.cycle.template
    given = {x.competency_id: x for x in r.ratings.all()}
    ratings = []
    for c in template.competencies.all():
        x = given.get(c.pk)
        ratings.append(
            {
                "competency_id": c.pk,
                "competency": c.name,
                "weight": c.weight,
                "rating": x.rating if x else None,
                "label": template.label_of(x.rating if x else None),
                "comment": x.comment if x else "",
            }
        )
    return summary_out(r, now) | {
        "comments": r.comments,
        "employee_comments": r.employee_comments,
        "sign_off_comments": r.sign_off_comments,
        "cancel_reason": r.cancel_reason,
        "scale_labels": list(template.scale_labels),
        "ratings": ratings,
        "goals": list(r.goals.all()),
        "submitted_at": r.submitted_at,
        "acknowledged_at": r.acknowledged_at,
        "signed_off_at": r.signed_off_at,
        "closed_at": r.closed_at,
    }


def _review(request: HttpRequest, review_id: int) -> dict[str, Any]:
    return review_out(queries.get_review(request.user, review_id), clock.now())


# --- templates ---------------------------------------------------------------------


class TemplateFilter(Schema):
    site_id: int | None = None
    include_inactive: bool = False


@router.get("/templates", response=list[schemas.TemplateRead], summary="Evaluation templates you can see")
@paginate(Page)
def list_templates(request: HttpRequest, filters: Query[TemplateFilter]):  # type: ignore[no-untyped-def]
    qs = queries.templates(request.user, site_id=filters.site_id, include_inactive=filters.include_inactive)
    return [template_out(t) for t in qs.prefetch_related("competencies")]


@router.post("/templates", response={201: schemas.TemplateRead, **ERRORS}, summary="Create an evaluation template")
def create_template(request: HttpRequest, data: schemas.TemplateCreate):  # type: ignore[no-untyped-def]
    return 201, template_out(services.create_template(request.user, data))


@router.get("/templates/{template_id}", response={200: schemas.TemplateRead, **ERRORS})
def get_template(request: HttpRequest, template_id: int):  # type: ignore[no-untyped-def]
    t = scoping.get_scoped(EvaluationTemplate.objects.all(), request.user, "performance.view", pk=template_id)
    return template_out(t)


@router.patch(
    "/templates/{template_id}",
    response={200: schemas.TemplateRead, **ERRORS},
    summary="Edit or deactivate a template (competencies and scale only while no cycle uses it)",
)
def update_template(request: HttpRequest, template_id: int, data: schemas.TemplateUpdate):  # type: ignore[no-untyped-def]
    return template_out(services.update_template(request.user, template_id, data))


# --- cycles ------------------------------------------------------------------------


class CycleFilter(Schema):
    site_id: int | None = None
    status: CycleStatus | None = None


@router.get("/cycles", response=list[schemas.CycleRead], summary="Evaluation cycles you can see")
@paginate(Page)
def list_cycles(request: HttpRequest, filters: Query[CycleFilter]):  # type: ignore[no-untyped-def]
    return [cycle_out(c) for c in queries.cycles(request.user, site_id=filters.site_id, status=filters.status)]


@router.post(
    "/cycles",
    response={201: schemas.CycleRead, **ERRORS},
    summary="Start a cycle: one draft review for everyone in scope, each with its default reviewer",
)
def start_cycle(request: HttpRequest, data: schemas.CycleStart):  # type: ignore[no-untyped-def]
    return 201, cycle_out(services.start_cycle(request.user, data))


@router.get("/cycles/{cycle_id}", response={200: schemas.CycleRead, **ERRORS})
def get_cycle(request: HttpRequest, cycle_id: int):  # type: ignore[no-untyped-def]
    return cycle_out(scoping.get_scoped(queries.cycles(request.user), request.user, "performance.view", pk=cycle_id))


@router.post(
    "/cycles/{cycle_id}/close",
    response={200: schemas.CycleRead, **ERRORS},
    summary="Close a cycle whose reviews are all signed off or cancelled",
)
def close_cycle(request: HttpRequest, cycle_id: int, data: schemas.CycleClose):  # type: ignore[no-untyped-def]
    return cycle_out(services.close_cycle(request.user, cycle_id, data))


# --- reviews -----------------------------------------------------------------------


class ReviewFilter(Schema):
    cycle_id: int | None = None
    staff_id: int | None = None
    reviewer_id: int | None = None
    site_id: int | None = None
    state: ReviewState | None = None
    overdue: bool | None = None


@router.get("/reviews", response=list[schemas.ReviewSummary], summary="Reviews you can see (yours, to write, in scope)")
@paginate(Page)
def list_reviews(request: HttpRequest, filters: Query[ReviewFilter]):  # type: ignore[no-untyped-def]
    now = clock.now()
    qs = queries.reviews(request.user, now=now, **filters.model_dump())
    return [summary_out(r, now) for r in qs]


@router.get("/reviews/{review_id}", response={200: schemas.ReviewRead, **ERRORS})
def get_review(request: HttpRequest, review_id: int):  # type: ignore[no-untyped-def]
    return _review(request, review_id)


@router.patch(
    "/reviews/{review_id}",
    response={200: schemas.ReviewRead, **ERRORS},
    summary="Save the reviewer's draft: ratings, comments, goals",
)
def update_review(request: HttpRequest, review_id: int, data: schemas.ReviewUpdate):  # type: ignore[no-untyped-def]
    services.update_review(request.user, review_id, data)
    return _review(request, review_id)


@router.post(
    "/reviews/{review_id}/transitions",
    response={200: schemas.ReviewRead, **ERRORS},
    summary="Move a review on: submit, acknowledge, sign_off, close or cancel",
    description="Invalid transitions (e.g. acknowledging a draft, signing off before the employee acknowledged, "
    "reviewing oneself) are refused with 403 or 422 and a message that says why.",
)
def transition_review(request: HttpRequest, review_id: int, data: schemas.ReviewTransition):  # type: ignore[no-untyped-def]
    services.transition(request.user, review_id, data)
    return _review(request, review_id)


@router.post(
    "/reviews/{review_id}/reviewer", response={200: schemas.ReviewRead, **ERRORS}, summary="Assign the reviewer"
)
def assign_reviewer(request: HttpRequest, review_id: int, data: schemas.ReviewerAssign):  # type: ignore[no-untyped-def]
    services.assign_reviewer(request.user, review_id, data)
    return _review(request, review_id)


class OverdueFilter(Schema):
    site_id: int | None = None


@router.get(
    "/overdue",
    response=list[schemas.EvaluationOverdueRead],
    summary="Overdue reviews per reviewer: due date passed (site time) and not submitted",
)
@paginate(Page)
def overdue(request: HttpRequest, filters: Query[OverdueFilter]):  # type: ignore[no-untyped-def]
    return [
        {
            "reviewer_id": g.reviewer_id,
            "reviewer_name": g.reviewer_name,
            "site_id": g.site_id,
            "count": g.count,
            "oldest_due_on": g.oldest_due_on,
            "review_ids": g.review_ids,
        }
        for g in queries.overdue_by_reviewer(request.user, site_id=filters.site_id)
    ]


@router.get(
    "/staff/{staff_id}/history",
    response={200: schemas.HistoryRead, **ERRORS},
    summary="A person's evaluations and scores per cycle, oldest first",
)
def staff_history(request: HttpRequest, staff_id: int):  # type: ignore[no-untyped-def]
    staff = queries.visible_staff(request.user, staff_id)
    rows = queries.history(request.user, staff)
    return {
        "staff_id": staff.pk,
        "staff_name": str(staff),
        "points": [
            {
                "review_id": r.pk,
                "cycle_id": r.cycle_id,
                "cycle_name": r.cycle.name,
                "kind": r.cycle.kind,
                "period_end": r.cycle.period_end,
                "state": r.state,
                "score": r.score,
            }
            for r in rows
        ],
    }

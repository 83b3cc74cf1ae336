"""Recruiting over the JSON API: requisitions, candidates, applications, interviews,
offers, the hire, and the figures per unit."""

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from caredesk.core import scoping
from caredesk.core.api_support import ERRORS, Page
from caredesk.recruiting import queries, schemas, services
from caredesk.recruiting.models import Application, Candidate, Offer, Requisition, RequisitionStatus, Stage

router = Router(tags=["recruiting"])

VIEW = "recruiting.view"


class RequisitionFilter(Schema):
    site_id: int | None = None
    unit_id: int | None = None
    status: RequisitionStatus | None = None


class CandidateFilter(Schema):
    site_id: int | None = None
    q: str = ""
    include_inactive: bool = False


class ApplicationFilter(Schema):
    site_id: int | None = None
    unit_id: int | None = None
    requisition_id: int | None = None
    candidate_id: int | None = None
    stage: Stage | None = None


class ByApplication(Schema):
    application_id: int | None = None


class SiteFilter(Schema):
    site_id: int | None = None


def _requisition(request: HttpRequest, requisition_id: int) -> Requisition:
    return scoping.get_scoped(queries.requisitions(request.user), request.user, VIEW, pk=requisition_id)


def _application(request: HttpRequest, application_id: int) -> Application:
    return scoping.get_scoped(
        Application.objects.select_related("candidate").prefetch_related("stage_changes"),
        request.user,
        VIEW,
        pk=application_id,
    )


# --- requisitions -------------------------------------------------------------------


@router.get("/requisitions", response=list[schemas.RequisitionRead], summary="Requisitions you can see")
@paginate(Page)
def list_requisitions(request: HttpRequest, filters: Query[RequisitionFilter]):  # type: ignore[no-untyped-def]
    return queries.requisitions(request.user, site_id=filters.site_id, unit_id=filters.unit_id, status=filters.status)


@router.post("/requisitions", response={201: schemas.RequisitionRead, **ERRORS}, summary="Open a requisition (draft)")
def create_requisition(request: HttpRequest, data: schemas.RequisitionCreate):  # type: ignore[no-untyped-def]
    req = services.create_requisition(request.user, data)
    return 201, _requisition(request, req.pk)


@router.get("/requisitions/{requisition_id}", response={200: schemas.RequisitionRead, **ERRORS})
def get_requisition(request: HttpRequest, requisition_id: int):  # type: ignore[no-untyped-def]
    return _requisition(request, requisition_id)


@router.patch(
    "/requisitions/{requisition_id}",
    response={200: schemas.RequisitionRead, **ERRORS},
    summary="Edit a draft or a requisition pending approval",
)
def update_requisition(request: HttpRequest, requisition_id: int, data: schemas.RequisitionUpdate):  # type: ignore[no-untyped-def]
    services.update_requisition(request.user, requisition_id, data)
    return _requisition(request, requisition_id)


@router.post(
    "/requisitions/{requisition_id}/transitions",
    response={200: schemas.RequisitionRead, **ERRORS},
    summary="Submit, approve, decline or cancel a requisition",
)
def transition_requisition(  # type: ignore[no-untyped-def]
    request: HttpRequest, requisition_id: int, data: schemas.RequisitionTransition
):
    services.transition_requisition(request.user, requisition_id, data)
    return _requisition(request, requisition_id)


# --- candidates ---------------------------------------------------------------------


@router.get("/candidates", response=list[schemas.CandidateRead])
@paginate(Page)
def list_candidates(request: HttpRequest, filters: Query[CandidateFilter]):  # type: ignore[no-untyped-def]
    return queries.candidates(
        request.user, site_id=filters.site_id, search=filters.q, include_inactive=filters.include_inactive
    )


@router.post("/candidates", response={201: schemas.CandidateRead, **ERRORS})
def create_candidate(request: HttpRequest, data: schemas.CandidateCreate):  # type: ignore[no-untyped-def]
    return 201, services.create_candidate(request.user, data)


@router.get("/candidates/{candidate_id}", response={200: schemas.CandidateRead, **ERRORS})
def get_candidate(request: HttpRequest, candidate_id: int):  # type: ignore[no-untyped-def]
    return scoping.get_scoped(Candidate.objects.all(), request.user, VIEW, pk=candidate_id)


@router.patch("/candidates/{candidate_id}", response={200: schemas.CandidateRead, **ERRORS})
def update_candidate(request: HttpRequest, candidate_id: int, data: schemas.CandidateUpdate):  # type: ignore[no-untyped-def]
    return services.update_candidate(request.user, candidate_id, data)


# --- applications -------------------------------------------------------------------


@router.get("/applications", response=list[schemas.ApplicationRead])
@paginate(Page)
def list_applications(request: HttpRequest, filters: Query[ApplicationFilter]):  # type: ignore[no-untyped-def]
    return queries.applications(
        request.user,
        site_id=filters.site_id,
        unit_id=filters.unit_id,
        requisition_id=filters.requisition_id,
        candidate_id=filters.candidate_id,
        stage=filters.stage,
    )


@router.post("/applications", response={201: schemas.ApplicationDetail, **ERRORS}, summary="Put a candidate forward")
def create_application(request: HttpRequest, data: schemas.ApplicationCreate):  # type: ignore[no-untyped-def]
    app = services.create_application(request.user, data)
    return 201, _application(request, app.pk)


@router.get("/applications/{application_id}", response={200: schemas.ApplicationDetail, **ERRORS})
def get_application(request: HttpRequest, application_id: int):  # type: ignore[no-untyped-def]
    return _application(request, application_id)


@router.post(
    "/applications/{application_id}/move",
    response={200: schemas.ApplicationDetail, **ERRORS},
    summary="Move an application on the board",
)
def move_application(request: HttpRequest, application_id: int, data: schemas.ApplicationMove):  # type: ignore[no-untyped-def]
    services.move_application(
        request.user, application_id, to_stage=data.to_stage.value, version=data.version, reason=data.reason
    )
    return _application(request, application_id)


# --- interviews ---------------------------------------------------------------------


@router.get("/interviews", response=list[schemas.InterviewRead])
@paginate(Page)
def list_interviews(request: HttpRequest, filters: Query[ByApplication]):  # type: ignore[no-untyped-def]
    return queries.interviews(request.user, application_id=filters.application_id)


@router.post("/applications/{application_id}/interviews", response={201: schemas.InterviewRead, **ERRORS})
def schedule_interview(request: HttpRequest, application_id: int, data: schemas.InterviewCreate):  # type: ignore[no-untyped-def]
    interview = services.schedule_interview(request.user, application_id, data)
    return 201, queries.interviews(request.user).get(pk=interview.pk)


@router.get("/interviews/{interview_id}", response={200: schemas.InterviewRead, **ERRORS})
def get_interview(request: HttpRequest, interview_id: int):  # type: ignore[no-untyped-def]
    return scoping.get_scoped(queries.interviews(request.user), request.user, VIEW, pk=interview_id)


@router.post(
    "/interviews/{interview_id}/feedback",
    response={201: schemas.FeedbackRead, **ERRORS},
    summary="Scores per criterion (1-5), comments and a recommendation",
)
def record_feedback(request: HttpRequest, interview_id: int, data: schemas.FeedbackCreate):  # type: ignore[no-untyped-def]
    return 201, services.record_feedback(request.user, interview_id, data)


@router.post("/interviews/{interview_id}/cancel", response={200: schemas.InterviewRead, **ERRORS})
def cancel_interview(request: HttpRequest, interview_id: int, data: schemas.InterviewCancel):  # type: ignore[no-untyped-def]
    services.cancel_interview(request.user, interview_id, data)
    return queries.interviews(request.user).get(pk=interview_id)


# --- offers and the hire ------------------------------------------------------------


@router.get("/offers", response=list[schemas.OfferRead])
@paginate(Page)
def list_offers(request: HttpRequest, filters: Query[ByApplication]):  # type: ignore[no-untyped-def]
    return queries.offers(request.user, application_id=filters.application_id)


@router.post(
    "/applications/{application_id}/offers",
    response={201: schemas.OfferRead, **ERRORS},
    summary="Make an offer (after an interview)",
)
def make_offer(request: HttpRequest, application_id: int, data: schemas.OfferCreate):  # type: ignore[no-untyped-def]
    return 201, services.make_offer(request.user, application_id, data)


@router.get("/offers/{offer_id}", response={200: schemas.OfferRead, **ERRORS})
def get_offer(request: HttpRequest, offer_id: int):  # type: ignore[no-untyped-def]
    return scoping.get_scoped(
        Offer.objects.select_related("application__requisition__site"), request.user, VIEW, pk=offer_id
    )


@router.post(
    "/offers/{offer_id}/response", response={200: schemas.OfferRead, **ERRORS}, summary="The candidate's answer"
)
def respond_to_offer(request: HttpRequest, offer_id: int, data: schemas.OfferResponse):  # type: ignore[no-untyped-def]
    return services.respond_to_offer(request.user, offer_id, data)


@router.post("/offers/{offer_id}/rescind", response={200: schemas.OfferRead, **ERRORS})
def rescind_offer(request: HttpRequest, offer_id: int, data: schemas.OfferRescind):  # type: ignore[no-untyped-def]
    return services.rescind_offer(request.user, offer_id, data)


@router.post(
    "/offers/{offer_id}/hire",
    response={201: schemas.HireRead, **ERRORS},
    summary="Hire: log-in, clinician role on the unit and staff record, in one transaction",
)
def hire(request: HttpRequest, offer_id: int, data: schemas.HireCreate):  # type: ignore[no-untyped-def]
    result = services.hire(request.user, offer_id, data)
    req = result.application.requisition
    req.refresh_from_db(fields=["status"])
    return 201, {
        "application_id": result.application.pk,
        "user_id": result.user.pk,
        "username": result.user.username,
        "initial_password": result.initial_password,
        "staff_id": result.staff.pk,
        "requisition_status": req.status,
    }


# --- figures ------------------------------------------------------------------------


@router.get(
    "/metrics",
    response=list[schemas.UnitMetricsRead],
    summary="Open positions, pending approvals and median days to fill, per unit",
)
def metrics(request: HttpRequest, filters: Query[SiteFilter]):  # type: ignore[no-untyped-def]
    return queries.unit_figures(request.user, site_id=filters.site_id)

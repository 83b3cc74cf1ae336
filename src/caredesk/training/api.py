"""Training over the JSON API: programs and their approval, budgets, sessions,
enrolment, attendance, completions and compliance."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from caredesk.core import clock, errors, scoping
from caredesk.core.api_support import ERRORS, Page
from caredesk.training import queries, schemas, services
from caredesk.training.models import Completion, Enrollment, TrainingBudget, TrainingProgram, TrainingProposal
from caredesk.workforce.models import StaffMember

router = Router(tags=["training"])


# --- shaping ------------------------------------------------------------------------


def program_out(p: TrainingProgram) -> dict[str, Any]:
    return {
        "id": p.pk,
        "site_id": p.site_id,
        "unit_id": p.unit_id,
        "title": p.title,
        "description": p.description,
        "provider": p.provider,
        "delivery": p.delivery,
        "hours": p.hours,
        "cost_per_person": p.cost_per_person,
        "fixed_cost": p.fixed_cost,
        "is_mandatory": p.is_mandatory,
        "disciplines": p.disciplines,
        "unit_kinds": p.unit_kinds,
        "recurrence_months": p.recurrence_months,
        "grants_credential_type": p.grants_credential_type.code if p.grants_credential_type_id else None,  # type: ignore[union-attr]
        "status": p.status,
        "version": p.version,
    }


def proposal_out(p: TrainingProposal) -> dict[str, Any]:
    return {
        "id": p.pk,
        "program_id": p.program_id,
        "program_title": p.program.title,
        "year": p.year,
        "expected_participants": p.expected_participants,
        "amount": p.amount,
        "justification": p.justification,
        "proposed_by_id": p.proposed_by_id,
        "proposed_by": str(p.proposed_by),
        "proposed_at": p.proposed_at,
        "status": p.status,
        "decided_by_id": p.decided_by_id,
        "decided_at": p.decided_at,
        "reason": p.reason,
        "overspend_confirmed": p.overspend_confirmed,
        "version": p.version,
    }


def budget_out(b: TrainingBudget) -> dict[str, Any]:
    figures = queries.budget_figures(b)
    return {
        "id": b.pk,
        "site_id": b.site_id,
        "unit_id": b.unit_id,
        "year": b.year,
        "amount": figures["amount"],
        "committed": figures["committed"],
        "remaining": figures["remaining"],
        "version": b.version,
    }


def session_out(s: Any) -> dict[str, Any]:
    seats = getattr(s, "seats_taken", None)
    if seats is None:
        seats = s.enrollments.filter(status__in=("enrolled", "attended")).count()
    return {
        "id": s.pk,
        "program_id": s.program_id,
        "program_title": s.program.title,
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
        "local_start": clock.to_zone(s.starts_at, s.program.site.time_zone).isoformat(),
        "location": s.location,
        "capacity": s.capacity,
        "seats_taken": seats,
        "trainer": s.trainer,
        "status": s.status,
        "version": s.version,
    }


def enrollment_out(e: Enrollment) -> dict[str, Any]:
    completion = Completion.objects.filter(enrollment=e).values_list("pk", flat=True).first()
    return {
        "id": e.pk,
        "session_id": e.session_id,
        "staff_id": e.staff_id,
        "staff_name": str(e.staff),
        "status": e.status,
        "enrolled_at": e.enrolled_at,
        "completion_id": completion,
        "version": e.version,
    }


def completion_out(c: Completion) -> dict[str, Any]:
    return {
        "id": c.pk,
        "staff_id": c.staff_id,
        "staff_name": str(c.staff),
        "program_id": c.program_id,
        "program_title": c.program.title,
        "completed_on": c.completed_on,
        "expires_on": c.expires_on,
        "credential_id": c.credential_id,
        "enrollment_id": c.enrollment_id,
        "note": c.note,
    }


# --- programs and proposals ---------------------------------------------------------


class ProgramFilter(Schema):
    site_id: int | None = None
    status: str | None = None


@router.get("/programs", response=list[schemas.ProgramRead], summary="Training programs you can see")
@paginate(Page)
def list_programs(request: HttpRequest, filters: Query[ProgramFilter]):  # type: ignore[no-untyped-def]
    return [program_out(p) for p in queries.programs(request.user, site_id=filters.site_id, status=filters.status)]


@router.post("/programs", response={201: schemas.ProgramRead, **ERRORS}, summary="Propose a program with its cost")
def propose_program(request: HttpRequest, data: schemas.ProgramPropose):  # type: ignore[no-untyped-def]
    return 201, program_out(services.propose_program(request.user, data))


@router.get("/programs/{program_id}", response={200: schemas.ProgramRead, **ERRORS})
def get_program(request: HttpRequest, program_id: int):  # type: ignore[no-untyped-def]
    return program_out(scoping.get_scoped(TrainingProgram.objects.all(), request.user, "training.view", pk=program_id))


@router.post(
    "/programs/{program_id}/proposals",
    response={201: schemas.ProposalRead, **ERRORS},
    summary="Propose funding for another year, or a declined program again",
)
def propose_funding(request: HttpRequest, program_id: int, data: schemas.FundingPropose):  # type: ignore[no-untyped-def]
    return 201, proposal_out(services.propose_funding(request.user, program_id, data))


@router.post("/programs/{program_id}/retire", response={200: schemas.ProgramRead, **ERRORS}, summary="Retire a program")
def retire_program(request: HttpRequest, program_id: int, data: schemas.ProgramRetire):  # type: ignore[no-untyped-def]
    return program_out(services.retire_program(request.user, program_id, data))


class ProposalFilter(Schema):
    status: str | None = None
    site_id: int | None = None
    program_id: int | None = None


@router.get("/proposals", response=list[schemas.ProposalRead], summary="Proposals and their decisions")
@paginate(Page)
def list_proposals(request: HttpRequest, filters: Query[ProposalFilter]):  # type: ignore[no-untyped-def]
    qs = queries.proposals(request.user, status=filters.status, site_id=filters.site_id, program_id=filters.program_id)
    return [proposal_out(p) for p in qs]


@router.get("/proposals/{proposal_id}", response={200: schemas.ProposalRead, **ERRORS})
def get_proposal(request: HttpRequest, proposal_id: int):  # type: ignore[no-untyped-def]
    return proposal_out(
        scoping.get_scoped(
            TrainingProposal.objects.select_related("program", "proposed_by"),
            request.user,
            "training.view",
            pk=proposal_id,
        )
    )


@router.post(
    "/proposals/{proposal_id}/approve",
    response={200: schemas.ProposalRead, **ERRORS},
    summary="Approve a proposal: its cost posts to the training budget",
)
def approve_proposal(request: HttpRequest, proposal_id: int, data: schemas.ProposalApprove):  # type: ignore[no-untyped-def]
    return proposal_out(services.approve_proposal(request.user, proposal_id, data))


@router.post("/proposals/{proposal_id}/decline", response={200: schemas.ProposalRead, **ERRORS})
def decline_proposal(request: HttpRequest, proposal_id: int, data: schemas.ProposalDecline):  # type: ignore[no-untyped-def]
    return proposal_out(services.decline_proposal(request.user, proposal_id, data))


# --- budgets -------------------------------------------------------------------------


class BudgetFilter(Schema):
    site_id: int | None = None
    year: int | None = None


@router.get("/budgets", response=list[schemas.BudgetRead], summary="Training budgets: figure, committed, remaining")
@paginate(Page)
def list_budgets(request: HttpRequest, filters: Query[BudgetFilter]):  # type: ignore[no-untyped-def]
    return [budget_out(b) for b in queries.budgets(request.user, site_id=filters.site_id, year=filters.year)]


@router.post("/budgets", response={201: schemas.BudgetRead, **ERRORS}, summary="Set a training budget for a year")
def create_budget(request: HttpRequest, data: schemas.BudgetCreate):  # type: ignore[no-untyped-def]
    return 201, budget_out(services.create_budget(request.user, data))


@router.get("/budgets/{budget_id}", response={200: schemas.BudgetRead, **ERRORS})
def get_budget(request: HttpRequest, budget_id: int):  # type: ignore[no-untyped-def]
    return budget_out(_budget(request, budget_id))


def _budget(request: HttpRequest, budget_id: int) -> TrainingBudget:
    return scoping.get_scoped(TrainingBudget.objects.all(), request.user, "training.view_budget", pk=budget_id)


@router.patch("/budgets/{budget_id}", response={200: schemas.BudgetRead, **ERRORS}, summary="Change a budget figure")
def update_budget(request: HttpRequest, budget_id: int, data: schemas.BudgetUpdate):  # type: ignore[no-untyped-def]
    return budget_out(services.update_budget(request.user, budget_id, data))


@router.get("/budgets/{budget_id}/entries", response={200: list[schemas.BudgetEntryRead], **ERRORS})
def list_budget_entries(request: HttpRequest, budget_id: int):  # type: ignore[no-untyped-def]
    return list(_budget(request, budget_id).entries.all())


# --- sessions and enrolment ---------------------------------------------------------


class SessionFilter(Schema):
    program_id: int | None = None
    site_id: int | None = None
    upcoming: bool = False


@router.get("/sessions", response=list[schemas.SessionRead])
@paginate(Page)
def list_sessions(request: HttpRequest, filters: Query[SessionFilter]):  # type: ignore[no-untyped-def]
    qs = queries.sessions(
        request.user,
        program_id=filters.program_id,
        site_id=filters.site_id,
        upcoming_from=clock.now() if filters.upcoming else None,
    )
    return [session_out(s) for s in qs]


@router.post("/sessions", response={201: schemas.SessionRead, **ERRORS}, summary="Schedule a session")
def schedule_session(request: HttpRequest, data: schemas.SessionCreate):  # type: ignore[no-untyped-def]
    return 201, session_out(services.schedule_session(request.user, data))


@router.get("/sessions/{session_id}", response={200: schemas.SessionRead, **ERRORS})
def get_session(request: HttpRequest, session_id: int):  # type: ignore[no-untyped-def]
    return session_out(_session(request, session_id))


def _session(request: HttpRequest, session_id: int) -> Any:
    return scoping.get_scoped(queries.sessions(request.user), request.user, "training.view", pk=session_id)


@router.post("/sessions/{session_id}/cancel", response={200: schemas.SessionRead, **ERRORS})
def cancel_session(request: HttpRequest, session_id: int, data: schemas.SessionCancel):  # type: ignore[no-untyped-def]
    return session_out(services.cancel_session(request.user, session_id, data))


@router.get("/sessions/{session_id}/enrollments", response={200: list[schemas.EnrollmentRead], **ERRORS})
def list_enrollments(request: HttpRequest, session_id: int):  # type: ignore[no-untyped-def]
    session = _session(request, session_id)
    return [enrollment_out(e) for e in queries.enrollments(request.user, session_id=session.pk)]


@router.post(
    "/sessions/{session_id}/enrollments", response={201: schemas.EnrollmentRead, **ERRORS}, summary="Enrol someone"
)
def enrol(request: HttpRequest, session_id: int, data: schemas.EnrollmentCreate):  # type: ignore[no-untyped-def]
    return 201, enrollment_out(services.enrol(request.user, session_id, data))


@router.post("/enrollments/{enrollment_id}/cancel", response={200: schemas.EnrollmentRead, **ERRORS})
def cancel_enrollment(request: HttpRequest, enrollment_id: int, data: schemas.EnrollmentCancel):  # type: ignore[no-untyped-def]
    return enrollment_out(services.cancel_enrollment(request.user, enrollment_id, data))


@router.post(
    "/enrollments/{enrollment_id}/attendance",
    response={200: schemas.EnrollmentRead, **ERRORS},
    summary="Record attendance or absence",
)
def record_attendance(request: HttpRequest, enrollment_id: int, data: schemas.AttendanceRecord):  # type: ignore[no-untyped-def]
    return enrollment_out(services.record_attendance(request.user, enrollment_id, data))


@router.post(
    "/enrollments/{enrollment_id}/complete",
    response={201: schemas.CompletionRead, **ERRORS},
    summary="Record completion (grants or renews the program's credential)",
)
def complete_enrollment(request: HttpRequest, enrollment_id: int, data: schemas.EnrollmentComplete):  # type: ignore[no-untyped-def]
    return 201, completion_out(services.complete_enrollment(request.user, enrollment_id, data))


# --- completions and compliance -----------------------------------------------------


class CompletionFilter(Schema):
    staff_id: int | None = None
    program_id: int | None = None
    site_id: int | None = None


@router.get("/completions", response=list[schemas.CompletionRead])
@paginate(Page)
def list_completions(request: HttpRequest, filters: Query[CompletionFilter]):  # type: ignore[no-untyped-def]
    qs = queries.completions(
        request.user, staff_id=filters.staff_id, program_id=filters.program_id, site_id=filters.site_id
    )
    return [completion_out(c) for c in qs]


@router.post(
    "/completions", response={201: schemas.CompletionRead, **ERRORS}, summary="Record a completion done elsewhere"
)
def record_completion(request: HttpRequest, data: schemas.CompletionCreate):  # type: ignore[no-untyped-def]
    return 201, completion_out(services.record_completion(request.user, data))


def _record(staff: StaffMember) -> dict[str, Any]:
    items = queries.person_items(staff)
    return {
        "staff_id": staff.pk,
        "name": str(staff),
        "mandatory": [
            {
                "program_id": i.program.pk,
                "program_title": i.program.title,
                "state": i.state,
                "completed_on": i.completed_on,
                "expires_on": i.expires_on,
            }
            for i in items
        ],
        "completions": [
            completion_out(c) for c in Completion.objects.filter(staff=staff).select_related("program", "staff__user")
        ],
    }


@router.get("/me", response={200: schemas.PersonRecordRead, **ERRORS}, summary="Your own training record")
def my_record(request: HttpRequest):  # type: ignore[no-untyped-def]
    staff = StaffMember.objects.filter(user_id=request.user.pk or 0).select_related("site", "home_unit", "user").first()
    if staff is None:  # no staff record (an auditor, an administrator): nothing to show
        return {"staff_id": None, "name": str(request.user), "mandatory": [], "completions": []}
    return _record(staff)


@router.get(
    "/people/{staff_id}", response={200: schemas.PersonRecordRead, **ERRORS}, summary="A person's training record"
)
def person_record(request: HttpRequest, staff_id: int):  # type: ignore[no-untyped-def]
    staff = StaffMember.objects.filter(pk=staff_id).select_related("site", "home_unit", "user").first()
    if staff is None or not queries.may_see_person(request.user, staff):
        raise errors.NotFound()
    return _record(staff)


class ComplianceFilter(Schema):
    site_id: int | None = None
    unit_id: int | None = None
    discipline: str | None = None
    program_id: int | None = None


@router.get(
    "/compliance",
    response=list[schemas.ComplianceCellRead],
    summary="Per unit and mandatory program: how many are current, expiring, overdue, never done",
)
def compliance_cells(request: HttpRequest, filters: Query[ComplianceFilter]):  # type: ignore[no-untyped-def]
    m = queries.matrix(
        request.user,
        site_id=filters.site_id,
        unit_id=filters.unit_id,
        discipline=filters.discipline,
        program_id=filters.program_id,
    )
    out = []
    for unit in m.units:
        for program in m.programs:
            cell = m.cell(unit.pk, program.pk)
            if cell is None:
                continue
            out.append(
                {
                    "unit_id": unit.pk,
                    "unit_name": unit.name,
                    "program_id": program.pk,
                    "program_title": program.title,
                    "applicable": cell.applicable,
                    "current": cell.current,
                    "expiring": cell.expiring,
                    "overdue": cell.overdue,
                    "never": cell.never,
                    "percent_current": cell.percent_current,
                }
            )
    return out


@router.get(
    "/compliance/overdue", response=list[schemas.TrainingOverdueRead], summary="Who is overdue or never trained"
)
def compliance_overdue(request: HttpRequest, filters: Query[ComplianceFilter]):  # type: ignore[no-untyped-def]
    m = queries.matrix(
        request.user,
        site_id=filters.site_id,
        unit_id=filters.unit_id,
        discipline=filters.discipline,
        program_id=filters.program_id,
    )
    return [
        {
            "staff_id": s.pk,
            "name": str(s),
            "unit_id": s.home_unit_id,
            "unit_name": s.home_unit.name if s.home_unit else "",
            "program_id": item.program.pk,
            "program_title": item.program.title,
            "state": item.state,
            "expires_on": item.expires_on,
        }
        for s, item in m.overdue
    ]

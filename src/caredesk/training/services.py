"""Every write of training: one atomic, permission-checked, audited function
per use case. Pages and the API both call these."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from caredesk.core import audit, clock, errors, notifications, scoping, writes
from caredesk.org.models import Site, Unit
from caredesk.training import compliance, schemas
from caredesk.training.models import (
    SEATED,
    BudgetEntry,
    Completion,
    Enrollment,
    EnrollmentStatus,
    ProgramStatus,
    ProposalStatus,
    SessionStatus,
    TrainingBudget,
    TrainingProgram,
    TrainingProposal,
    TrainingSession,
)
from caredesk.workforce import schemas as workforce_schemas
from caredesk.workforce import services as workforce_services
from caredesk.workforce.models import Credential, CredentialType, StaffMember, StaffStatus


def local_today(site: Site, now: datetime) -> date:
    return clock.to_zone(now, site.time_zone).date()


def _unit_of_site(site: Site, unit_id: int | None, field: str) -> Unit | None:
    if unit_id is None:
        return None
    unit = Unit.objects.filter(pk=unit_id, site=site).first()
    if unit is None:
        raise errors.ValidationFailed.field(field, _("this unit is not part of the site"))
    return unit


def _staff(actor: Any, staff_id: int) -> StaffMember:
    return scoping.get_scoped(
        StaffMember.objects.select_related("site", "home_unit", "user"), actor, "training.view", pk=staff_id
    )


# --- programs and their approval ----------------------------------------------------


@transaction.atomic
def propose_program(actor: Any, data: schemas.ProgramPropose, *, now: datetime | None = None) -> TrainingProgram:
    """A new program, with its cost proposed for a budget year; a director or
    assistant director (not the proposer) approves or declines it."""
    moment = now or clock.now()
    site = scoping.get_scoped(Site.objects.all(), actor, "org.view_site", pk=data.site_id)
    unit = _unit_of_site(site, data.unit_id, "unit_id")
    scoping.require(actor, "training.propose", site_id=site.pk, unit_id=unit.pk if unit else None)
    ctype = None
    if data.grants_credential_type:
        ctype = CredentialType.objects.filter(code=data.grants_credential_type).first()
        if ctype is None:
            raise errors.ValidationFailed.field("grants_credential_type", _("unknown credential type"))
        if ctype.requires_number:
            raise errors.ValidationFailed.field(
                "grants_credential_type", _("a credential with a number (a licence) is not granted by a course")
            )
    program = TrainingProgram(
        site=site,
        unit=unit,
        title=data.title.strip(),
        description=data.description,
        provider=data.provider.strip(),
        delivery=data.delivery,
        hours=data.hours,
        cost_per_person=data.cost_per_person,
        fixed_cost=data.fixed_cost,
        is_mandatory=data.is_mandatory,
        disciplines=sorted({str(d) for d in data.disciplines}),
        unit_kinds=sorted({str(k) for k in data.unit_kinds}),
        recurrence_months=data.recurrence_months,
        grants_credential_type=ctype,
        status=ProgramStatus.PROPOSED,
    )
    writes.save_new(program, actor=actor, action="training.propose_program")
    proposal = TrainingProposal(
        program=program,
        year=data.year or local_today(site, moment).year,
        expected_participants=data.expected_participants,
        amount=estimated_cost(program, data.expected_participants),
        justification=data.justification,
        proposed_by=actor,
        proposed_at=moment,
    )
    writes.save_new(proposal, actor=actor, action="training.create_proposal")
    return program


@transaction.atomic
def propose_funding(
    actor: Any, program_id: int, data: schemas.FundingPropose, *, now: datetime | None = None
) -> TrainingProposal:
    """A new cost proposal for an existing program: next year's places, or a
    declined program proposed again."""
    moment = now or clock.now()
    program = scoping.get_scoped(
        TrainingProgram.objects.select_for_update().select_related("site"), actor, "training.view", pk=program_id
    )
    scoping.require(actor, "training.propose", site_id=program.site_id, unit_id=program.unit_id)
    if program.status == ProgramStatus.RETIRED:
        raise errors.ValidationFailed.field("status", _("this program is retired"))
    year = data.year or local_today(program.site, moment).year
    if program.proposals.filter(status=ProposalStatus.PENDING, year=year).exists():
        raise errors.ValidationFailed.field(
            "year", _("a proposal for %(year)s is already waiting for a decision") % {"year": year}
        )
    proposal = TrainingProposal(
        program=program,
        year=year,
        expected_participants=data.expected_participants,
        amount=estimated_cost(program, data.expected_participants),
        justification=data.justification,
        proposed_by=actor,
        proposed_at=moment,
    )
    writes.save_new(proposal, actor=actor, action="training.create_proposal")
    if program.status == ProgramStatus.DECLINED:
        writes.save_changes(
            program,
            {"status": ProgramStatus.PROPOSED},
            actor=actor,
            action="training.propose_program_again",
            expected_version=None,
        )
    return proposal


@transaction.atomic
def retire_program(actor: Any, program_id: int, data: schemas.ProgramRetire) -> TrainingProgram:
    """No new sessions, completions or proposals; it stops counting as mandatory.
    Sessions already scheduled keep their place; the history stays."""
    program = scoping.get_scoped(TrainingProgram.objects.select_for_update(), actor, "training.view", pk=program_id)
    scoping.require(actor, "training.approve", site_id=program.site_id)
    if program.status == ProgramStatus.RETIRED:
        raise errors.ValidationFailed.field("status", _("this program is already retired"))
    if program.proposals.filter(status=ProposalStatus.PENDING).exists():
        raise errors.ValidationFailed.field("status", _("decide its pending proposal first"))
    return writes.save_changes(
        program,
        {"status": ProgramStatus.RETIRED},
        actor=actor,
        action="training.retire_program",
        expected_version=data.version,
    )


def estimated_cost(program: TrainingProgram, participants: int) -> Decimal:
    return (Decimal(program.fixed_cost) + Decimal(program.cost_per_person) * participants).quantize(Decimal("0.01"))


def _locked_proposal(actor: Any, proposal_id: int) -> TrainingProposal:
    return scoping.get_scoped(
        TrainingProposal.objects.select_for_update().select_related("program", "program__site"),
        actor,
        "training.view",
        pk=proposal_id,
    )


def _check_decision(actor: Any, proposal: TrainingProposal) -> None:
    scoping.require(actor, "training.approve", site_id=proposal.program.site_id)
    if proposal.status != ProposalStatus.PENDING:
        raise errors.ValidationFailed.field(
            "status",
            _("this proposal was already %(status)s; it cannot be decided again")
            % {"status": proposal.get_status_display().lower()},
        )
    if proposal.proposed_by_id == actor.pk:
        raise errors.PermissionDenied(
            _("You proposed this program: another director or assistant director must approve or decline it.")
        )


def budget_for(program: TrainingProgram, year: int, *, lock: bool = False) -> TrainingBudget | None:
    """The budget a program's cost posts to: its unit's for that year, else its site's."""
    qs = TrainingBudget.objects.select_for_update(of=("self",)) if lock else TrainingBudget.objects.all()
    if program.unit_id is not None:
        found = qs.filter(site_id=program.site_id, unit_id=program.unit_id, year=year).first()
        if found is not None:
            return found
    return qs.filter(site_id=program.site_id, unit__isnull=True, year=year).first()


def committed(budget: TrainingBudget) -> Decimal:
    total = budget.entries.aggregate(total=Sum("amount"))["total"]
    return Decimal(total or 0)


def overspend(proposal: TrainingProposal) -> Decimal:
    """By how much approving this proposal would overspend its budget (0 if it fits)."""
    budget = budget_for(proposal.program, proposal.year)
    if budget is None:
        return Decimal(0)
    over = committed(budget) + proposal.amount - budget.amount
    return max(over, Decimal(0))


@transaction.atomic
def approve_proposal(
    actor: Any, proposal_id: int, data: schemas.ProposalApprove, *, now: datetime | None = None
) -> TrainingProposal:
    """Approve: the program becomes available and its cost posts to the training
    budget of its site (or unit) for the year. Past the budget figure only with
    an explicit confirmation."""
    moment = now or clock.now()
    proposal = _locked_proposal(actor, proposal_id)
    _check_decision(actor, proposal)
    program = proposal.program
    budget = budget_for(program, proposal.year, lock=True)
    if budget is None:
        raise errors.ValidationFailed.field(
            "year",
            _("%(site)s has no training budget for %(year)s: set one first")
            % {"site": program.site.name, "year": proposal.year},
        )
    spent = committed(budget)
    over = spent + proposal.amount - budget.amount
    if over > 0 and not data.confirm_overspend:
        raise errors.ValidationFailed.field(
            "confirm_overspend",
            _(
                "approving this would overspend the %(year)s training budget (%(budget)s, %(committed)s already "
                "committed) by %(over)s; confirm the overspend to approve anyway"
            )
            % {"year": budget.year, "budget": budget.amount, "committed": spent, "over": over},
        )
    writes.save_changes(
        proposal,
        {
            "status": ProposalStatus.APPROVED,
            "decided_by": actor,
            "decided_at": moment,
            "reason": data.reason.strip(),
            "overspend_confirmed": over > 0,
        },
        actor=actor,
        action="training.approve_proposal",
        expected_version=None,
    )
    entry = BudgetEntry.objects.create(
        budget=budget,
        proposal=proposal,
        program=program,
        amount=proposal.amount,
        description=(_("Approved: %(title)s") % {"title": program.title})[:200],
        posted_at=moment,
        posted_by=actor,
    )
    audit.record(actor=actor, action="training.post_budget_entry", obj=entry, after=audit.snapshot(entry))
    if program.status == ProgramStatus.PROPOSED:
        locked = TrainingProgram.objects.select_for_update().get(pk=program.pk)
        writes.save_changes(
            locked,
            {"status": ProgramStatus.APPROVED},
            actor=actor,
            action="training.approve_program",
            expected_version=None,
        )
    notifications.notify(
        proposal.proposed_by,
        kind="training.proposal_decided",
        title=_("Approved: %(title)s") % {"title": program.title},
        body=data.reason,
        dedupe_key=f"training.proposal:{proposal.pk}",
        site_id=program.site_id,
        now=moment,
    )
    return proposal


@transaction.atomic
def decline_proposal(
    actor: Any, proposal_id: int, data: schemas.ProposalDecline, *, now: datetime | None = None
) -> TrainingProposal:
    moment = now or clock.now()
    proposal = _locked_proposal(actor, proposal_id)
    _check_decision(actor, proposal)
    if not data.reason.strip():
        raise errors.ValidationFailed.field("reason", _("say why the proposal is declined"))
    writes.save_changes(
        proposal,
        {"status": ProposalStatus.DECLINED, "decided_by": actor, "decided_at": moment, "reason": data.reason.strip()},
        actor=actor,
        action="training.decline_proposal",
        expected_version=None,
    )
    program = proposal.program
    if program.status == ProgramStatus.PROPOSED:
        locked = TrainingProgram.objects.select_for_update().get(pk=program.pk)
        writes.save_changes(
            locked,
            {"status": ProgramStatus.DECLINED},
            actor=actor,
            action="training.decline_program",
            expected_version=None,
        )
    notifications.notify(
        proposal.proposed_by,
        kind="training.proposal_decided",
        title=_("Declined: %(title)s") % {"title": program.title},
        body=data.reason,
        dedupe_key=f"training.proposal:{proposal.pk}",
        site_id=program.site_id,
        now=moment,
    )
    return proposal


# --- budgets -------------------------------------------------------------------------


@transaction.atomic
def create_budget(actor: Any, data: schemas.BudgetCreate) -> TrainingBudget:
    site = scoping.get_scoped(Site.objects.all(), actor, "org.view_site", pk=data.site_id)
    scoping.require(actor, "training.manage_budget", site_id=site.pk)
    unit = _unit_of_site(site, data.unit_id, "unit_id")
    budget = TrainingBudget(site=site, unit=unit, year=data.year, amount=Decimal(data.amount))
    return writes.save_new(budget, actor=actor, action="training.create_budget")


@transaction.atomic
def update_budget(actor: Any, budget_id: int, data: schemas.BudgetUpdate) -> TrainingBudget:
    budget = scoping.get_scoped(
        TrainingBudget.objects.select_for_update(of=("self",)), actor, "training.view_budget", pk=budget_id
    )
    scoping.require(actor, "training.manage_budget", site_id=budget.site_id)
    return writes.save_changes(
        budget,
        {"amount": Decimal(data.amount)},
        actor=actor,
        action="training.update_budget",
        expected_version=data.version,
    )


# --- sessions and enrolment ---------------------------------------------------------


def _aware(moment: datetime, zone: str) -> datetime:
    """A time given without an offset is read in the site's time zone."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=ZoneInfo(zone))
    return moment


@transaction.atomic
def schedule_session(actor: Any, data: schemas.SessionCreate) -> TrainingSession:
    program = scoping.get_scoped(
        TrainingProgram.objects.select_for_update().select_related("site"), actor, "training.view", pk=data.program_id
    )
    scoping.require(actor, "training.manage_sessions", site_id=program.site_id, unit_id=program.unit_id)
    if program.status != ProgramStatus.APPROVED:
        raise errors.ValidationFailed.field(
            "program_id",
            _("sessions are scheduled only for approved programs (this one is %(status)s)")
            % {"status": program.get_status_display().lower()},
        )
    starts = _aware(data.starts_at, program.site.time_zone)
    if data.ends_at is not None:
        ends = _aware(data.ends_at, program.site.time_zone)
    else:
        minutes = int(Decimal(program.hours) * 60) or 60
        ends = starts + timedelta(minutes=minutes)
    session = TrainingSession(
        program=program,
        starts_at=starts,
        ends_at=ends,
        location=data.location.strip(),
        capacity=data.capacity,
        trainer=data.trainer.strip(),
    )
    return writes.save_new(session, actor=actor, action="training.schedule_session")


def _locked_session(actor: Any, session_id: int) -> TrainingSession:
    return scoping.get_scoped(
        TrainingSession.objects.select_for_update().select_related("program", "program__site"),
        actor,
        "training.view",
        pk=session_id,
    )


@transaction.atomic
def cancel_session(
    actor: Any, session_id: int, data: schemas.SessionCancel, *, now: datetime | None = None
) -> TrainingSession:
    moment = now or clock.now()
    session = _locked_session(actor, session_id)
    program = session.program
    scoping.require(actor, "training.manage_sessions", site_id=program.site_id, unit_id=program.unit_id)
    if session.status != SessionStatus.SCHEDULED:
        raise errors.ValidationFailed.field("status", _("this session is already cancelled"))
    if not data.reason.strip():
        raise errors.ValidationFailed.field("reason", _("say why the session is cancelled"))
    if session.enrollments.filter(status=EnrollmentStatus.ATTENDED).exists():
        raise errors.ValidationFailed.field("status", _("attendance was recorded: the session took place"))
    writes.save_changes(
        session,
        {"status": SessionStatus.CANCELLED, "cancel_reason": data.reason.strip()},
        actor=actor,
        action="training.cancel_session",
        expected_version=data.version,
    )
    for enrollment in session.enrollments.select_for_update().filter(status=EnrollmentStatus.ENROLLED):
        writes.save_changes(
            enrollment,
            {"status": EnrollmentStatus.CANCELLED},
            actor=actor,
            action="training.cancel_enrollment",
            expected_version=None,
        )
        notifications.notify(
            enrollment.staff.user,
            kind="training.session_cancelled",
            title=_("Cancelled: %(session)s") % {"session": session},
            body=data.reason,
            dedupe_key=f"training.session_cancelled:{session.pk}",
            site_id=program.site_id,
            now=moment,
        )
    return session


@transaction.atomic
def enrol(actor: Any, session_id: int, data: schemas.EnrollmentCreate, *, now: datetime | None = None) -> Enrollment:
    moment = now or clock.now()
    session = _locked_session(actor, session_id)
    staff = _staff(actor, data.staff_id)
    scoping.require(actor, "training.manage_sessions", site_id=staff.site_id, unit_id=staff.home_unit_id)
    if session.status != SessionStatus.SCHEDULED:
        raise errors.ValidationFailed.field("session_id", _("this session is cancelled"))
    if session.starts_at <= moment:
        raise errors.ValidationFailed.field("session_id", _("this session has already started"))
    if staff.site_id != session.program.site_id:
        raise errors.ValidationFailed.field("staff_id", _("this person works at another site"))
    if staff.status == StaffStatus.TERMINATED:
        raise errors.ValidationFailed.field("staff_id", _("this person's employment has ended"))
    seated = session.enrollments.filter(status__in=SEATED)
    if seated.filter(staff=staff).exists():
        raise errors.ValidationFailed.field("staff_id", _("this person is already enrolled in this session"))
    if seated.count() >= session.capacity:
        raise errors.ValidationFailed.field(
            "staff_id", _("the session is full (%(capacity)d places)") % {"capacity": session.capacity}
        )
    enrollment = Enrollment(session=session, staff=staff, enrolled_by=actor, enrolled_at=moment)
    return writes.save_new(enrollment, actor=actor, action="training.enrol")


def _locked_enrollment(actor: Any, enrollment_id: int) -> Enrollment:
    enrollment = scoping.get_scoped(
        Enrollment.objects.select_for_update().select_related("session", "session__program", "staff"),
        actor,
        "training.view",
        pk=enrollment_id,
    )
    scoping.require(
        actor, "training.manage_sessions", site_id=enrollment.staff.site_id, unit_id=enrollment.staff.home_unit_id
    )
    return enrollment


@transaction.atomic
def cancel_enrollment(actor: Any, enrollment_id: int, data: schemas.EnrollmentCancel) -> Enrollment:
    enrollment = _locked_enrollment(actor, enrollment_id)
    if enrollment.status != EnrollmentStatus.ENROLLED:
        raise errors.ValidationFailed.field(
            "status",
            _("only an enrolment not yet attended can be cancelled (this one is %(status)s)")
            % {"status": enrollment.get_status_display().lower()},
        )
    return writes.save_changes(
        enrollment,
        {"status": EnrollmentStatus.CANCELLED},
        actor=actor,
        action="training.cancel_enrollment",
        expected_version=data.version,
    )


def _check_took_place(enrollment: Enrollment, moment: datetime, field: str) -> None:
    if enrollment.session.status != SessionStatus.SCHEDULED:
        raise errors.ValidationFailed.field(field, _("this session was cancelled"))
    if enrollment.session.starts_at > moment:
        raise errors.ValidationFailed.field(field, _("the session has not started yet"))
    if enrollment.status == EnrollmentStatus.CANCELLED:
        raise errors.ValidationFailed.field(field, _("this enrolment was cancelled"))


@transaction.atomic
def record_attendance(
    actor: Any, enrollment_id: int, data: schemas.AttendanceRecord, *, now: datetime | None = None
) -> Enrollment:
    moment = now or clock.now()
    enrollment = _locked_enrollment(actor, enrollment_id)
    _check_took_place(enrollment, moment, "attended")
    if not data.attended and Completion.objects.filter(enrollment=enrollment).exists():
        raise errors.ValidationFailed.field("attended", _("a completion was recorded from this attendance"))
    status = EnrollmentStatus.ATTENDED if data.attended else EnrollmentStatus.ABSENT
    return writes.save_changes(
        enrollment,
        {"status": status},
        actor=actor,
        action="training.record_attendance",
        expected_version=data.version,
    )


@transaction.atomic
def complete_enrollment(
    actor: Any, enrollment_id: int, data: schemas.EnrollmentComplete, *, now: datetime | None = None
) -> Completion:
    """The person attended and completed the program at this session."""
    moment = now or clock.now()
    enrollment = _locked_enrollment(actor, enrollment_id)
    _check_took_place(enrollment, moment, "completed_on")
    if enrollment.status == EnrollmentStatus.ABSENT:
        raise errors.ValidationFailed.field("completed_on", _("this person was recorded absent"))
    if Completion.objects.filter(enrollment=enrollment).exists():
        raise errors.ValidationFailed.field("completed_on", _("the completion is already recorded"))
    program = enrollment.session.program
    site = Site.objects.get(pk=program.site_id)
    session_day = clock.to_zone(enrollment.session.starts_at, site.time_zone).date()
    completed_on = data.completed_on or session_day
    if completed_on < session_day:
        raise errors.ValidationFailed.field("completed_on", _("the completion cannot be before the session"))
    if enrollment.status != EnrollmentStatus.ATTENDED:
        writes.save_changes(
            enrollment,
            {"status": EnrollmentStatus.ATTENDED},
            actor=actor,
            action="training.record_attendance",
            expected_version=None,
        )
    return _record_completion(actor, enrollment.staff, program, completed_on, moment, enrollment=enrollment)


@transaction.atomic
def record_completion(actor: Any, data: schemas.CompletionCreate, *, now: datetime | None = None) -> Completion:
    """A completion done elsewhere (an external course, a certificate brought in)."""
    moment = now or clock.now()
    staff = _staff(actor, data.staff_id)
    scoping.require(actor, "training.manage_sessions", site_id=staff.site_id, unit_id=staff.home_unit_id)
    program = scoping.get_scoped(TrainingProgram.objects.all(), actor, "training.view", pk=data.program_id)
    if program.site_id != staff.site_id:
        raise errors.ValidationFailed.field("program_id", _("this program belongs to another site"))
    if program.status != ProgramStatus.APPROVED:
        raise errors.ValidationFailed.field("program_id", _("completions are recorded only for approved programs"))
    return _record_completion(
        actor, staff, program, data.completed_on or local_today(staff.site, moment), moment, note=data.note.strip()
    )


def _record_completion(
    actor: Any,
    staff: StaffMember,
    program: TrainingProgram,
    completed_on: date,
    moment: datetime,
    *,
    enrollment: Enrollment | None = None,
    note: str = "",
) -> Completion:
    site = Site.objects.get(pk=staff.site_id)
    if completed_on > local_today(site, moment):
        raise errors.ValidationFailed.field("completed_on", _("the completion date is in the future"))
    expires = compliance.expiry(completed_on, program.recurrence_months)
    credential = _grant_credential(actor, staff, program, completed_on, expires, moment)
    completion = Completion(
        staff=staff,
        program=program,
        enrollment=enrollment,
        completed_on=completed_on,
        expires_on=expires,
        credential=credential,
        note=note,
        recorded_by=actor,
        recorded_at=moment,
    )
    return writes.save_new(completion, actor=actor, action="training.record_completion")


def _grant_credential(
    actor: Any, staff: StaffMember, program: TrainingProgram, completed_on: date, expires: date | None, moment: datetime
) -> Credential | None:
    """Create or renew the workforce credential a program grants, through the
    workforce services, so the qualification check sees it."""
    ctype = program.grants_credential_type
    if ctype is None:
        return None
    if expires is None and ctype.validity_months:
        expires = compliance.expiry(completed_on, ctype.validity_months)
    existing = (
        Credential.objects.filter(staff=staff, type=ctype, revoked_at__isnull=True)
        .order_by("-issued_on", "-pk")
        .first()
    )
    if existing is None:
        return workforce_services.add_credential(
            actor,
            workforce_schemas.CredentialCreate(
                staff_id=staff.pk,
                type_code=ctype.code,
                issuer=(program.provider or program.site.name)[:120],
                issued_on=completed_on,
                expires_on=expires,
            ),
            now=moment,
        )
    newer = existing.expires_on is not None and (expires is None or expires > existing.expires_on)
    if not newer:
        return existing  # the credential on record already runs longer
    return workforce_services.update_credential(
        actor,
        existing.pk,
        workforce_schemas.CredentialUpdate(
            version=existing.version,
            issued_on=completed_on,
            expires_on=expires,
            issuer=(program.provider or program.site.name)[:120],
        ),
        now=moment,
    )

"""Recruiting services: permissions both ways, the requisition approval rules,
candidates' reach, interviews and feedback, offers, and the one-transaction hire."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine

from caredesk.accounts.models import RoleGrant, User
from caredesk.core import clock, errors
from caredesk.core.models import AuditEvent, Notification
from caredesk.recruiting import queries, schemas, services
from caredesk.recruiting.models import (
    Application,
    Candidate,
    InterviewFeedback,
    Offer,
    OfferStatus,
    Requisition,
    RequisitionStatus,
    Stage,
    StageChange,
)
from caredesk.workforce.models import StaffMember
from tests.recruiting import factories

pytestmark = pytest.mark.django_db


def req_data(world, **kw):
    base = {
        "unit_id": world.icu_a.pk,
        "job_title": "Critical Care Nurse",
        "positions": 2,
        "fte": "0.90",
        "hourly_rate_min": "46.00",
        "hourly_rate_max": "60.00",
        "reason": "vacancy",
    }
    return schemas.RequisitionCreate(**(base | kw))


def last_actions(since: int) -> list[str]:
    return list(AuditEvent.objects.filter(seq__gt=since).order_by("seq").values_list("action", flat=True))


def head() -> int:
    last = AuditEvent.objects.order_by("-seq").first()
    return last.seq if last else 0


def transition(actor, req, action, reason=""):
    req.refresh_from_db()
    return services.transition_requisition(
        actor, req.pk, schemas.RequisitionTransition(action=action, reason=reason, version=req.version)
    )


# --- requisitions -------------------------------------------------------------------


def test_hr_opens_a_draft_with_its_budgeted_annual_cost(world):
    before = head()
    req = services.create_requisition(world.hr_a, req_data(world))
    assert req.status == RequisitionStatus.DRAFT and req.site == world.site_a and req.requested_by == world.hr_a
    assert req.annual_cost == Decimal("2") * Decimal("0.90") * 2080 * Decimal("60.00")
    assert last_actions(before) == ["recruiting.create_requisition"]


@pytest.mark.parametrize("persona", ["coordinator_a", "nurse_a", "finance_a", "auditor_a", "compliance_a", "admin_a"])
def test_other_roles_cannot_open_a_requisition(world, persona):
    with pytest.raises(errors.PermissionDenied):
        services.create_requisition(world.persona(persona), req_data(world))
    assert not Requisition.objects.exists()


def test_another_site_cannot_open_one_on_our_unit(world):
    with pytest.raises(errors.NotFound):
        services.create_requisition(world.director_b, req_data(world))


def test_an_inverted_rate_range_is_refused_naming_the_field(world):
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_requisition(world.hr_a, req_data(world, hourly_rate_min="70.00"))
    assert "hourly_rate_max" in exc.value.fields
    assert not Requisition.objects.exists()


def test_submitting_asks_the_directors_for_approval(world):
    req = services.create_requisition(world.hr_a, req_data(world))
    transition(world.hr_a, req, "submit")
    req.refresh_from_db()
    assert req.status == RequisitionStatus.PENDING_APPROVAL and req.submitted_at is not None
    told = set(
        Notification.objects.filter(kind="recruiting.approval_requested").values_list("recipient__username", flat=True)
    )
    assert told == {"director_a", "assistant_a"}


def test_the_requester_cannot_approve_their_own_requisition(world):
    req = services.create_requisition(world.director_a, req_data(world))
    transition(world.director_a, req, "submit")
    before = head()
    with pytest.raises(errors.PermissionDenied) as exc:
        transition(world.director_a, req, "approve")
    assert "another director" in exc.value.message
    req.refresh_from_db()
    assert req.status == RequisitionStatus.PENDING_APPROVAL and req.decided_by is None
    assert last_actions(before) == []
    transition(world.assistant_a, req, "approve", "Budgeted in the ICU plan.")
    req.refresh_from_db()
    assert req.status == RequisitionStatus.APPROVED and req.decided_by == world.assistant_a
    assert req.approved_at is not None and req.decision_reason == "Budgeted in the ICU plan."


@pytest.mark.parametrize(
    ("persona", "refusal"),
    [
        ("hr_a", errors.PermissionDenied),
        ("coordinator_a", errors.PermissionDenied),
        ("admin_a", errors.PermissionDenied),
        ("finance_a", errors.NotFound),
        ("director_b", errors.NotFound),
    ],
)
def test_only_directors_and_assistants_approve(world, persona, refusal):
    req = factories.requisition(world, status=RequisitionStatus.PENDING_APPROVAL, requested_by=world.director_a)
    with pytest.raises(refusal):
        transition(world.persona(persona), req, "approve")
    req.refresh_from_db()
    assert req.status == RequisitionStatus.PENDING_APPROVAL


def test_declining_needs_a_reason_and_returns_the_requisition_to_draft(world):
    req = factories.requisition(world, status=RequisitionStatus.PENDING_APPROVAL)
    with pytest.raises(errors.ValidationFailed) as exc:
        transition(world.director_a, req, "decline", "  ")
    assert "reason" in exc.value.fields
    transition(world.director_a, req, "decline", "Float pool covers it until spring.")
    req.refresh_from_db()
    assert req.status == RequisitionStatus.DRAFT and req.decided_by == world.director_a
    assert req.decision_reason == "Float pool covers it until spring." and req.approved_at is None
    assert Notification.objects.filter(recipient=world.hr_a, kind="recruiting.decision").exists()


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("draft", "approve"),
        ("draft", "decline"),
        ("pending_approval", "submit"),
        ("approved", "submit"),
        ("approved", "approve"),
        ("filled", "cancel"),
        ("cancelled", "cancel"),
        ("cancelled", "submit"),
    ],
)
def test_invalid_requisition_transitions_are_refused(world, status, action):
    req = factories.requisition(world, status=status)
    before = head()
    with pytest.raises(errors.ValidationFailed) as exc:
        transition(world.director_a, req, action, "because")
    assert "action" in exc.value.fields
    req.refresh_from_db()
    assert req.status == status and req.version == 1
    assert last_actions(before) == []


def test_a_stale_version_is_a_conflict(world):
    req = factories.requisition(world, status=RequisitionStatus.DRAFT)
    with pytest.raises(errors.Conflict):
        services.transition_requisition(world.hr_a, req.pk, schemas.RequisitionTransition(action="submit", version=7))


def test_cancelling_an_open_requisition_closes_its_applications_and_offers(world):
    req = factories.requisition(world)
    app = factories.application(world, req, stage=Stage.OFFERED)
    offer = factories.offer(world, app)
    transition(world.hr_a, req, "cancel", "Budget freeze")
    app.refresh_from_db()
    offer.refresh_from_db()
    assert app.stage == Stage.DECLINED and "Budget freeze" in app.closed_reason
    assert offer.status == OfferStatus.RESCINDED


def test_an_approved_requisition_is_not_rebudgeted(world):
    req = factories.requisition(world)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.update_requisition(world.hr_a, req.pk, schemas.RequisitionUpdate(version=1, positions=3))
    assert "status" in exc.value.fields
    draft = factories.requisition(world, status=RequisitionStatus.DRAFT, positions=1)
    updated = services.update_requisition(world.hr_a, draft.pk, schemas.RequisitionUpdate(version=1, positions=2))
    assert updated.version == 2 and updated.annual_cost == Decimal("2") * Decimal("0.90") * 2080 * Decimal("60.00")


# --- candidates ---------------------------------------------------------------------


def test_candidates_are_unique_by_email_within_a_site(world):
    data = schemas.CandidateCreate(
        site_id=world.site_a.pk, first_name="Ada", last_name="Lovelace", email="ada@example.org"
    )
    services.create_candidate(world.hr_a, data)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_candidate(world.hr_a, data)
    assert "email" in exc.value.fields
    assert Candidate.objects.count() == 1


def test_who_sees_candidates(world):
    icu = factories.requisition(world)
    ms = factories.requisition(world, unit=world.ms_a)
    seen_by_coord = factories.application(world, icu).candidate
    other_unit = factories.application(world, ms).candidate
    loose = factories.candidate(world, first="Loose")
    assert set(queries.candidates(world.hr_a)) == {seen_by_coord, other_unit, loose}
    assert set(queries.candidates(world.director_a)) == {seen_by_coord, other_unit, loose}
    assert set(queries.candidates(world.coordinator_a)) == {seen_by_coord}
    for persona in ("nurse_a", "finance_a", "auditor_a", "director_b", "nurse_b"):
        assert not queries.candidates(world.persona(persona)).exists(), persona
        assert not queries.requisitions(world.persona(persona)).exists(), persona
    assert set(queries.requisitions(world.coordinator_a)) == {icu}


def test_clinicians_cannot_record_candidates(world):
    with pytest.raises(errors.PermissionDenied):
        services.create_candidate(
            world.nurse_a, schemas.CandidateCreate(site_id=world.site_a.pk, first_name="A", last_name="B")
        )


# --- applications -------------------------------------------------------------------


def test_applications_need_an_approved_requisition_of_the_same_site(world):
    draft = factories.requisition(world, status=RequisitionStatus.DRAFT)
    cand = factories.candidate(world)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_application(
            world.hr_a, schemas.ApplicationCreate(candidate_id=cand.pk, requisition_id=draft.pk)
        )
    assert "requisition_id" in exc.value.fields
    req = factories.requisition(world)
    foreign = factories.candidate(world, site=world.site_b, first="Bravo")
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_application(
            world.superuser, schemas.ApplicationCreate(candidate_id=foreign.pk, requisition_id=req.pk)
        )
    assert "candidate_id" in exc.value.fields
    app = services.create_application(
        world.hr_a, schemas.ApplicationCreate(candidate_id=cand.pk, requisition_id=req.pk)
    )
    assert app.stage == Stage.APPLIED and app.stage_changes.count() == 1
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_application(world.hr_a, schemas.ApplicationCreate(candidate_id=cand.pk, requisition_id=req.pk))
    assert "candidate_id" in exc.value.fields


def test_coordinators_see_but_do_not_move_applications(world):
    app = factories.application(world, factories.requisition(world))
    with pytest.raises(errors.PermissionDenied):
        services.move_application(world.coordinator_a, app.pk, to_stage="screened", version=1)
    with pytest.raises(errors.NotFound):
        services.move_application(world.director_b, app.pk, to_stage="screened", version=1)


# --- interviews and feedback --------------------------------------------------------


def test_interviewers_need_recruiting_access_and_naive_times_are_site_time(world):
    app = factories.application(world, factories.requisition(world), stage=Stage.SCREENED)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.schedule_interview(
            world.hr_a,
            app.pk,
            schemas.InterviewCreate(starts_at="2026-12-01T14:00:00", interviewer_ids=[world.nurse_a.pk]),
        )
    assert "interviewer_ids" in exc.value.fields
    iv = services.schedule_interview(
        world.hr_a,
        app.pk,
        schemas.InterviewCreate(
            starts_at="2026-12-01T14:00:00", interviewer_ids=[world.coordinator_a.pk, world.hr_a.pk]
        ),
    )
    assert iv.starts_at == datetime(2026, 12, 1, 14, tzinfo=ZoneInfo("America/New_York"))
    assert set(iv.interviewers.all()) == {world.coordinator_a, world.hr_a}
    assert Notification.objects.filter(recipient=world.coordinator_a, kind="recruiting.interview").exists()


def test_no_interview_for_an_applicant_not_yet_screened(world):
    app = factories.application(world, factories.requisition(world))
    with pytest.raises(errors.ValidationFailed) as exc:
        services.schedule_interview(
            world.hr_a, app.pk, schemas.InterviewCreate(starts_at=clock.now(), interviewer_ids=[world.hr_a.pk])
        )
    assert "stage" in exc.value.fields


def feedback_data(**kw):
    base = {
        "criterion_scores": [{"criterion": "Clinical knowledge", "score": 4}, {"criterion": "Teamwork", "score": 5}],
        "recommendation": "yes",
        "comments": "Calm under pressure.",
    }
    return schemas.FeedbackCreate(**(base | kw))


def test_a_panel_member_scores_the_interview_once(world):
    app = factories.application(world, factories.requisition(world), stage=Stage.SCREENED)
    iv = factories.interview(world, app, interviewers=[world.coordinator_a])
    fb = services.record_feedback(world.coordinator_a, iv.pk, feedback_data())
    assert fb.average == Decimal("4.5") and fb.scores.count() == 2
    assert AuditEvent.objects.filter(action="recruiting.record_feedback").count() == 1
    with pytest.raises(errors.Conflict):
        services.record_feedback(world.coordinator_a, iv.pk, feedback_data())
    with pytest.raises(errors.ValidationFailed):
        services.record_feedback(
            world.hr_a,
            iv.pk,
            feedback_data(criterion_scores=[{"criterion": "A", "score": 3}, {"criterion": "a", "score": 4}]),
        )
    with pytest.raises(errors.NotFound):
        services.record_feedback(world.nurse_a, iv.pk, feedback_data())


def test_feedback_waits_for_the_interview_to_start(world):
    app = factories.application(world, factories.requisition(world), stage=Stage.SCREENED)
    iv = factories.interview(world, app, hours_ago=-2)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.record_feedback(world.hr_a, iv.pk, feedback_data())
    assert "interview" in exc.value.fields
    assert services.record_feedback(world.hr_a, iv.pk, feedback_data(), now=iv.starts_at).pk
    assert InterviewFeedback.objects.count() == 1


# --- offers -------------------------------------------------------------------------


def offer_data(**kw):
    base = {"hourly_rate": "50.00", "start_date": (clock.now() + timedelta(days=30)).date()}
    return schemas.OfferCreate(**(base | kw))


def test_an_offer_moves_an_interviewed_candidate_to_offered(world):
    app = factories.application(world, factories.requisition(world), stage=Stage.INTERVIEWED)
    offer = services.make_offer(world.hr_a, app.pk, offer_data(version=1))
    app.refresh_from_db()
    assert app.stage == Stage.OFFERED and offer.fte == Decimal("0.90") and offer.status == OfferStatus.OPEN
    assert offer.expires_on == clock.to_zone(clock.now(), "America/New_York").date() + timedelta(days=7)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.make_offer(world.hr_a, app.pk, offer_data())
    assert "stage" in exc.value.fields


def test_offers_stay_within_the_budget_and_start_in_the_future(world):
    app = factories.application(world, factories.requisition(world), stage=Stage.INTERVIEWED)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.make_offer(world.hr_a, app.pk, offer_data(hourly_rate="60.01"))
    assert "hourly_rate" in exc.value.fields
    with pytest.raises(errors.ValidationFailed) as exc:
        services.make_offer(world.hr_a, app.pk, offer_data(start_date=(clock.now() - timedelta(days=3)).date()))
    assert "start_date" in exc.value.fields
    assert not Offer.objects.exists()


def test_a_declined_offer_leaves_room_for_a_revised_one(world):
    app = factories.application(world, factories.requisition(world), stage=Stage.OFFERED)
    first = factories.offer(world, app)
    services.respond_to_offer(world.hr_a, first.pk, schemas.OfferResponse(accepted=False, note="Rate", version=1))
    first.refresh_from_db()
    app.refresh_from_db()
    assert first.status == OfferStatus.DECLINED and app.stage == Stage.OFFERED
    second = services.make_offer(world.hr_a, app.pk, offer_data(hourly_rate="55.00"))
    assert second.status == OfferStatus.OPEN
    with pytest.raises(errors.ValidationFailed) as exc:
        services.respond_to_offer(world.hr_a, first.pk, schemas.OfferResponse(accepted=True, version=2))
    assert "offer" in exc.value.fields


def test_an_offer_expires_at_midnight_after_its_last_day_site_time(world):
    app = factories.application(world, factories.requisition(world), stage=Stage.OFFERED)
    offer = factories.offer(world, app)
    zone = ZoneInfo("America/New_York")
    last_moment = datetime.combine(offer.expires_on, datetime.max.time(), tzinfo=zone).replace(microsecond=0)
    assert offer.state(last_moment, "America/New_York") == "open"
    assert offer.state(last_moment + timedelta(seconds=1), "America/New_York") == "expired"
    with time_machine.travel(last_moment + timedelta(seconds=1), tick=False):
        with pytest.raises(errors.ValidationFailed) as exc:
            services.respond_to_offer(world.hr_a, offer.pk, schemas.OfferResponse(accepted=True, version=1))
        assert "expired" in exc.value.message
    with time_machine.travel(last_moment, tick=False):
        accepted = services.respond_to_offer(world.hr_a, offer.pk, schemas.OfferResponse(accepted=True, version=1))
    assert accepted.status == OfferStatus.ACCEPTED


# --- the hire -----------------------------------------------------------------------


def offered(world, **req_kw):
    factories.work_rules()
    req = factories.requisition(world, **req_kw)
    cand = factories.candidate(world, first="Hana", last="Ito")
    app = factories.application(world, req, cand, stage=Stage.OFFERED)
    return req, app, factories.offer(world, app)


def counts():
    return (User.objects.count(), RoleGrant.objects.count(), StaffMember.objects.count())


def test_hire_creates_exactly_one_login_grant_and_staff_record(world):
    req, app, offer = offered(world)
    users, grants, staff = counts()
    before = head()
    result = services.hire(world.hr_a, offer.pk, schemas.HireCreate(version=1))
    assert counts() == (users + 1, grants + 1, staff + 1)
    user = result.user
    assert user.username == "hana.ito" and user.first_name == "Hana" and user.email == "hana@example.org"
    assert user.check_password(result.initial_password) and len(result.initial_password) >= 12
    grant = user.role_grants.get()
    assert (grant.role, grant.discipline, grant.site, grant.unit) == ("clinician", "rn", world.site_a, world.icu_a)
    member = result.staff
    assert member.user == user and member.home_unit == world.icu_a and member.job_title == req.job_title
    assert member.hire_date == offer.start_date and member.hourly_rate == offer.hourly_rate and member.fte == offer.fte
    assert member.contracted_minutes_per_week == 2160 and member.work_rules.code == "test-40"
    app.refresh_from_db()
    req.refresh_from_db()
    offer.refresh_from_db()
    assert app.stage == Stage.HIRED and app.staff == member and app.hired_user == user
    assert offer.status == OfferStatus.ACCEPTED
    assert req.status == RequisitionStatus.FILLED and req.filled_at is not None
    actions = last_actions(before)
    for action in (
        "recruiting.accept_offer",
        "accounts.create_user",
        "accounts.grant_role",
        "workforce.create_staff",
        "recruiting.move_application",
        "recruiting.fill_requisition",
    ):
        assert action in actions


def test_hire_keeps_nothing_when_the_staff_record_is_refused(world):
    req, app, offer = offered(world)
    StaffMember.objects.create(
        user=world.nurse_a,
        site=world.site_a,
        employee_number="ALPHA-7",
        discipline="rn",
        job_title="RN",
        fte=1,
        contracted_minutes_per_week=2400,
        work_rules=factories.work_rules(),
        hourly_rate=40,
        hire_date=clock.now().date(),
    )
    users, grants, staff = counts()
    events = AuditEvent.objects.count()
    with pytest.raises(errors.ValidationFailed) as exc:
        services.hire(world.hr_a, offer.pk, schemas.HireCreate(version=1, employee_number="ALPHA-7"))
    assert "employee_number" in exc.value.fields
    assert counts() == (users, grants, staff)
    assert not User.objects.filter(username="hana.ito").exists()
    assert AuditEvent.objects.count() == events
    app.refresh_from_db()
    offer.refresh_from_db()
    req.refresh_from_db()
    assert app.stage == Stage.OFFERED and offer.status == OfferStatus.OPEN and req.status == RequisitionStatus.APPROVED


def test_hire_keeps_nothing_when_any_later_part_fails(world):
    _req, app, offer = offered(world)
    users, grants, staff = counts()
    with (
        mock.patch("caredesk.recruiting.services._set_stage", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        services.hire(world.hr_a, offer.pk, schemas.HireCreate(version=1))
    assert counts() == (users, grants, staff)
    app.refresh_from_db()
    assert app.stage == Stage.OFFERED


def test_a_requisition_with_positions_left_stays_open_after_a_hire(world):
    req, _app, offer = offered(world, positions=2)
    services.hire(world.hr_a, offer.pk, schemas.HireCreate(version=1, username="hana.new"))
    req.refresh_from_db()
    assert req.status == RequisitionStatus.APPROVED
    assert queries.unit_figures(world.director_a)[0].open_positions == 1


@pytest.mark.parametrize(
    ("stage", "words"),
    [
        ("declined", "declined candidate cannot be hired"),
        ("withdrawn", "withdrawn candidate cannot be hired"),
        ("interviewed", "make an offer"),
        ("hired", "already hired"),
    ],
)
def test_hiring_outside_the_offered_stage_is_refused(world, stage, words):
    _req, app, offer = offered(world)
    Application.objects.filter(pk=app.pk).update(stage=stage)
    users = User.objects.count()
    with pytest.raises(errors.ValidationFailed) as exc:
        services.hire(world.hr_a, offer.pk, schemas.HireCreate(version=1))
    assert words in exc.value.message and "stage" in exc.value.fields
    assert User.objects.count() == users


def test_hiring_from_an_expired_or_declined_offer_is_refused(world):
    _req, _app, offer = offered(world)
    Offer.objects.filter(pk=offer.pk).update(expires_on=clock.now().date() - timedelta(days=2))
    with pytest.raises(errors.ValidationFailed) as exc:
        services.hire(world.hr_a, offer.pk, schemas.HireCreate(version=1))
    assert "expired" in exc.value.message
    Offer.objects.filter(pk=offer.pk).update(status=OfferStatus.DECLINED)
    with pytest.raises(errors.ValidationFailed):
        services.hire(world.hr_a, offer.pk, schemas.HireCreate(version=1))


@pytest.mark.parametrize(
    ("persona", "refusal"),
    [
        ("coordinator_a", errors.PermissionDenied),
        ("admin_a", errors.PermissionDenied),
        ("finance_a", errors.NotFound),
        ("nurse_a", errors.NotFound),
        ("director_b", errors.NotFound),
    ],
)
def test_only_hr_and_leadership_hire(world, persona, refusal):
    _req, _app, offer = offered(world)
    with pytest.raises(refusal):
        services.hire(world.persona(persona), offer.pk, schemas.HireCreate(version=1))


def test_director_hires_too_and_the_default_pack_is_the_sites_most_used(world):
    from caredesk.workforce.models import WorkRules

    popular = WorkRules.objects.create(code="popular", name="Zeta popular", source="x")
    for i, user in enumerate([world.coordinator_a, world.nurse_a]):
        StaffMember.objects.create(
            user=user,
            site=world.site_a,
            employee_number=f"E{i}",
            discipline="rn",
            job_title="RN",
            fte=1,
            contracted_minutes_per_week=2400,
            work_rules=popular,
            hourly_rate=40,
            hire_date=clock.now().date(),
        )
    _req, _app, offer = offered(world)
    result = services.hire(world.director_a, offer.pk, schemas.HireCreate(version=1))
    assert result.staff.work_rules == popular


# --- figures ------------------------------------------------------------------------


def test_time_to_fill_is_the_median_days_from_approval_to_hire_per_unit(world):
    now = clock.now()
    for days in (10, 20, 40):
        req = factories.requisition(world, approved_at=now - timedelta(days=days + 5))
        factories.application(world, req, stage=Stage.HIRED, hired_at=now - timedelta(days=5))
    factories.requisition(world, unit=world.ms_a, positions=3)
    factories.requisition(world, unit=world.ms_a, status=RequisitionStatus.PENDING_APPROVAL)
    figures = {f.unit_name: f for f in queries.unit_figures(world.director_a)}
    icu, ms = figures["Alpha ICU"], figures["Alpha 4 West"]
    assert icu.median_days_to_fill == 20.0 and icu.hires_last_year == 3 and icu.open_positions == 0
    assert ms.open_positions == 3 and ms.pending_approval == 1 and ms.median_days_to_fill is None
    assert [f.unit_name for f in queries.unit_figures(world.coordinator_a)] == ["Alpha ICU"]
    assert queries.unit_figures(world.director_b) == []


def test_stage_history_is_kept(world):
    app = factories.application(world, factories.requisition(world))
    services.move_application(world.hr_a, app.pk, to_stage="screened", version=1)
    services.move_application(world.hr_a, app.pk, to_stage="withdrawn", version=2, reason="Moved away")
    assert list(StageChange.objects.filter(application=app).values_list("to_stage", flat=True)) == [
        "applied",
        "screened",
        "withdrawn",
    ]

"""The review's state machine, scores, cycles and reviewer assignment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from caredesk.core import errors
from caredesk.core.models import AuditEvent, Notification
from caredesk.performance import schemas, services
from caredesk.performance.models import EvaluationCycle, Review, ReviewState
from caredesk.workforce.models import StaffStatus
from tests.performance import factories
from tests.performance.conftest import rate_all

pytestmark = pytest.mark.django_db


def _snapshot(review_id: int) -> tuple:
    r = Review.objects.get(pk=review_id)
    return (r.state, r.version, r.score, r.employee_comments, r.signed_off_by_id, AuditEvent.objects.count())


# --- scores --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([(Decimal(3), 4), (Decimal(1), 2)], Decimal("3.50")),
        ([(Decimal(1), 5), (Decimal(1), 4), (Decimal(1), 4)], Decimal("4.33")),
        ([(Decimal("0.5"), 1), (Decimal("1.5"), 5)], Decimal("4.00")),
        ([(Decimal(2), 3)], Decimal("3.00")),
        ([], None),
    ],
)
def test_overall_score_is_the_weighted_mean(pairs, expected):
    assert services.weighted_score(pairs) == expected


def test_saving_the_draft_computes_the_score(world, perf):
    review = rate_all(perf.review, world.coordinator_a, (4, 2))
    assert review.score == Decimal("3.50")  # (3*4 + 1*2) / 4
    assert list(review.goals.values_list("description", flat=True)) == ["Precept a new graduate"]


# --- starting a cycle ------------------------------------------------------------------


def test_starting_a_cycle_creates_a_review_for_everyone_in_scope_with_default_reviewers(world, perf):
    reviews = {r.staff.user_id: r for r in perf.cycle.reviews.all()}
    assert set(reviews) == {world.nurse_a.pk, world.coordinator_a.pk, perf.other_nurse_user.pk}
    assert all(r.state == ReviewState.DRAFT for r in reviews.values())
    assert reviews[world.nurse_a.pk].reviewer == world.coordinator_a
    # The coordinator is not their own reviewer: the site's leadership reviews them.
    assert reviews[world.coordinator_a.pk].reviewer == world.director_a
    assert AuditEvent.objects.filter(action="performance.create_review").count() == 3
    assert Notification.objects.filter(recipient=world.coordinator_a, kind="performance.cycle_started").count() == 1


def test_probation_cycle_takes_only_recent_hires(world, perf):
    perf.other_nurse.hire_date = date(2026, 9, 1)
    perf.other_nurse.save()
    cycle = services.start_cycle(
        world.director_a,
        schemas.CycleStart(
            site_id=world.site_a.pk,
            unit_id=world.icu_a.pk,
            template_id=perf.template.pk,
            name="Probation autumn",
            kind="probation",
            period_start=date(2026, 6, 1),
            period_end=date(2026, 12, 31),
            due_on=date(2026, 12, 1),
        ),
    )
    assert [r.staff_id for r in cycle.reviews.all()] == [perf.other_nurse.pk]


def test_terminated_staff_get_no_review(world, perf):
    perf.other_nurse.status = StaffStatus.TERMINATED
    perf.other_nurse.save()
    cycle = services.start_cycle(
        world.hr_a,
        schemas.CycleStart(
            site_id=world.site_a.pk,
            template_id=perf.template.pk,
            name="Ad hoc",
            kind="ad_hoc",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
            due_on=date(2026, 12, 1),
        ),
    )
    assert perf.other_nurse.pk not in set(cycle.reviews.values_list("staff_id", flat=True))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"template_id": 0}, "template_id"),
        ({"due_on": date(2025, 1, 1)}, "due_on"),
        ({"period_end": date(2025, 1, 1), "due_on": date(2026, 2, 1)}, "period_end"),
        ({"staff_ids": [999999]}, "staff_ids"),
        ({"unit_id": -1}, "unit_id"),
    ],
)
def test_starting_a_cycle_refuses_invalid_input_naming_the_field(world, perf, change, field):
    before = (Review.objects.count(), EvaluationCycle.objects.count(), AuditEvent.objects.count())
    data = {
        "site_id": world.site_a.pk,
        "template_id": perf.template.pk,
        "name": "Bad",
        "kind": "annual",
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 12, 31),
        "due_on": date(2026, 12, 1),
    } | change
    with pytest.raises(errors.ValidationFailed) as exc:
        services.start_cycle(world.hr_a, schemas.CycleStart(**data))
    assert field in exc.value.fields
    assert (Review.objects.count(), EvaluationCycle.objects.count(), AuditEvent.objects.count()) == before


def test_a_template_without_competencies_cannot_start_a_cycle(world, perf):
    empty = services.create_template(world.hr_a, schemas.TemplateCreate(site_id=world.site_a.pk, name="Empty"))
    with pytest.raises(errors.ValidationFailed) as exc:
        services.start_cycle(
            world.hr_a,
            schemas.CycleStart(
                site_id=world.site_a.pk,
                template_id=empty.pk,
                name="X",
                kind="annual",
                period_start=date(2026, 1, 1),
                period_end=date(2026, 12, 31),
                due_on=date(2026, 12, 1),
            ),
        )
    assert "template_id" in exc.value.fields


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("hr_a", True),
        ("director_a", True),
        ("assistant_a", True),
        ("coordinator_a", False),
        ("nurse_a", False),
        ("finance_a", False),
        ("director_b", False),
    ],
)
def test_who_may_start_a_cycle(world, perf, persona, allowed):
    data = schemas.CycleStart(
        site_id=world.site_a.pk,
        template_id=perf.template.pk,
        name="Who",
        kind="ad_hoc",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        due_on=date(2026, 12, 1),
    )
    if allowed:
        assert services.start_cycle(world.persona(persona), data).reviews.count() == 3
    else:
        with pytest.raises((errors.PermissionDenied, errors.NotFound)):
            services.start_cycle(world.persona(persona), data)


# --- the state machine -------------------------------------------------------------------

# (state the review is brought to, action, actor, expected outcome: the new state or the error class)
TABLE = [
    ("draft", "submit", "coordinator_a", ReviewState.SUBMITTED),
    ("draft", "submit", "director_a", ReviewState.SUBMITTED),
    ("draft", "submit", "nurse_a", errors.NotFound),  # their own draft is not theirs to see yet
    ("draft", "submit", "hr_a", errors.PermissionDenied),
    ("draft", "acknowledge", "nurse_a", errors.NotFound),  # the employee does not see the draft yet
    ("draft", "sign_off", "director_a", errors.ValidationFailed),
    ("draft", "close", "hr_a", errors.ValidationFailed),
    ("draft", "cancel", "hr_a", ReviewState.CANCELLED),
    ("draft", "cancel", "coordinator_a", errors.PermissionDenied),
    ("submitted", "acknowledge", "nurse_a", ReviewState.ACKNOWLEDGED),
    ("submitted", "acknowledge", "coordinator_a", errors.PermissionDenied),
    ("submitted", "acknowledge", "director_a", errors.PermissionDenied),
    ("submitted", "submit", "coordinator_a", errors.ValidationFailed),
    ("submitted", "sign_off", "director_a", errors.ValidationFailed),  # not acknowledged yet
    ("submitted", "cancel", "director_a", ReviewState.CANCELLED),
    ("acknowledged", "sign_off", "director_a", ReviewState.SIGNED_OFF),
    ("acknowledged", "sign_off", "assistant_a", ReviewState.SIGNED_OFF),
    ("acknowledged", "sign_off", "coordinator_a", errors.PermissionDenied),
    ("acknowledged", "sign_off", "hr_a", errors.PermissionDenied),
    ("acknowledged", "acknowledge", "nurse_a", errors.ValidationFailed),
    ("acknowledged", "close", "hr_a", errors.ValidationFailed),
    ("acknowledged", "cancel", "hr_a", errors.ValidationFailed),
    ("signed_off", "close", "hr_a", ReviewState.CLOSED),
    ("signed_off", "close", "director_a", ReviewState.CLOSED),
    ("signed_off", "close", "nurse_a", errors.PermissionDenied),
    ("signed_off", "sign_off", "assistant_a", errors.ValidationFailed),
    ("closed", "submit", "coordinator_a", errors.ValidationFailed),
    ("closed", "acknowledge", "nurse_a", errors.ValidationFailed),
    ("cancelled", "submit", "coordinator_a", errors.ValidationFailed),
    ("draft", "submit", "nurse_b", errors.NotFound),
    ("acknowledged", "sign_off", "director_b", errors.NotFound),
]

PATH = ["submit", "acknowledge", "sign_off", "close"]
ACTOR_OF = {"submit": "coordinator_a", "acknowledge": "nurse_a", "sign_off": "director_a", "close": "hr_a"}
REACHED = {"draft": 0, "submitted": 1, "acknowledged": 2, "signed_off": 3, "closed": 4}


def bring_to(world, review, state):
    rate_all(review, world.coordinator_a)
    if state == "cancelled":
        review.refresh_from_db()
        services.cancel_review(world.hr_a, review.pk, version=review.version, reason="Left the unit")
        return
    for action in PATH[: REACHED[state]]:
        review.refresh_from_db()
        services.transition(
            world.persona(ACTOR_OF[action]), review.pk, schemas.ReviewTransition(version=review.version, action=action)
        )


@pytest.mark.parametrize(
    ("state", "action", "actor", "outcome"), TABLE, ids=[f"{s}-{a}-by-{p}" for s, a, p, _o in TABLE]
)
def test_review_transitions(world, perf, state, action, actor, outcome):
    review = perf.review
    bring_to(world, review, state)
    review.refresh_from_db()
    assert review.state == state
    data = schemas.ReviewTransition(version=review.version, action=action, comments="Noted")
    if isinstance(outcome, type) and issubclass(outcome, Exception):
        before = _snapshot(review.pk)
        with pytest.raises(outcome) as exc:
            services.transition(world.persona(actor), review.pk, data)
        assert str(exc.value.message)
        assert _snapshot(review.pk) == before  # nothing written, not even an audit event
    else:
        events = AuditEvent.objects.count()
        services.transition(world.persona(actor), review.pk, data)
        review.refresh_from_db()
        assert review.state == outcome
        assert review.version == data.version + 1
        assert AuditEvent.objects.count() == events + 1


def test_refusals_say_why(world, perf):
    rate_all(perf.review, world.coordinator_a)
    perf.review.refresh_from_db()
    with pytest.raises(errors.ValidationFailed, match="acknowledged"):
        services.sign_off_review(world.director_a, perf.review.pk, version=perf.review.version)
    # The employee cannot acknowledge before submission even when they can see the review.
    services.submit_review(world.coordinator_a, perf.review.pk, version=perf.review.version + 0)
    perf.review.refresh_from_db()
    services.acknowledge_review(world.nurse_a, perf.review.pk, version=perf.review.version, comments="I disagree on 2")
    perf.review.refresh_from_db()
    assert perf.review.employee_comments == "I disagree on 2"
    with pytest.raises(errors.ValidationFailed, match="Only a submitted review"):
        services.acknowledge_review(world.nurse_a, perf.review.pk, version=perf.review.version)


def test_nobody_reviews_themself(world, perf):
    # The coordinator's own review is assigned to the director; the coordinator cannot touch it.
    review = perf.coordinator_review
    with pytest.raises(errors.PermissionDenied, match="themself"):
        rate_all(review, world.coordinator_a)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.assign_reviewer(
            world.hr_a, review.pk, schemas.ReviewerAssign(version=review.version, reviewer_id=world.coordinator_a.pk)
        )
    assert "reviewer_id" in exc.value.fields


def test_the_reviewer_cannot_sign_off_their_own_review(world, perf):
    review = perf.coordinator_review  # reviewer: director_a
    rate_all(review, world.director_a)
    review.refresh_from_db()
    services.submit_review(world.director_a, review.pk, version=review.version)
    review.refresh_from_db()
    services.acknowledge_review(world.coordinator_a, review.pk, version=review.version)
    review.refresh_from_db()
    with pytest.raises(errors.PermissionDenied, match="manager"):
        services.sign_off_review(world.director_a, review.pk, version=review.version)
    services.sign_off_review(world.assistant_a, review.pk, version=review.version)
    review.refresh_from_db()
    assert review.state == ReviewState.SIGNED_OFF and review.signed_off_by == world.assistant_a


def test_submitting_needs_every_competency_rated_and_comments(world, perf):
    review = perf.review
    comp = review.cycle.template.competencies.first()
    services.update_review(
        world.coordinator_a,
        review.pk,
        schemas.ReviewUpdate(version=review.version, ratings=[schemas.RatingIn(competency_id=comp.pk, rating=3)]),
    )
    review.refresh_from_db()
    with pytest.raises(errors.ValidationFailed, match="Communication") as exc:
        services.submit_review(world.coordinator_a, review.pk, version=review.version)
    assert "ratings" in exc.value.fields
    rate_all(review, world.coordinator_a, comments="")
    review.refresh_from_db()
    with pytest.raises(errors.ValidationFailed) as exc:
        services.submit_review(world.coordinator_a, review.pk, version=review.version)
    assert "comments" in exc.value.fields
    assert Review.objects.get(pk=review.pk).state == ReviewState.DRAFT


def test_submitting_tells_the_employee(world, perf):
    rate_all(perf.review, world.coordinator_a)
    perf.review.refresh_from_db()
    services.submit_review(world.coordinator_a, perf.review.pk, version=perf.review.version)
    note = Notification.objects.get(recipient=world.nurse_a, kind="performance.review_submitted")
    assert f"/performance/reviews/{perf.review.pk}/" in note.link


@pytest.mark.parametrize(
    ("rating", "field"),
    [(6, "ratings"), (0, "ratings")],
)
def test_ratings_outside_the_scale_are_refused(world, perf, rating, field):
    comp = perf.template.competencies.first()
    with pytest.raises((errors.ValidationFailed, Exception)):
        services.update_review(
            world.coordinator_a,
            perf.review.pk,
            schemas.ReviewUpdate(
                version=perf.review.version, ratings=[schemas.RatingIn(competency_id=comp.pk, rating=rating)]
            ),
        )
    assert not perf.review.ratings.exists()


def test_a_stale_version_is_a_conflict(world, perf):
    rate_all(perf.review, world.coordinator_a)
    with pytest.raises(errors.Conflict):
        services.submit_review(world.coordinator_a, perf.review.pk, version=1)


def test_editing_after_submission_is_refused(world, perf):
    bring_to(world, perf.review, "submitted")
    perf.review.refresh_from_db()
    with pytest.raises(errors.ValidationFailed, match="draft"):
        services.update_review(
            world.coordinator_a, perf.review.pk, schemas.ReviewUpdate(version=perf.review.version, comments="Changed")
        )


# --- cycles and templates ---------------------------------------------------------------


def test_closing_a_cycle_needs_every_review_signed_off_then_closes_them(world, perf):
    with pytest.raises(errors.ValidationFailed, match="not signed off"):
        services.close_cycle(world.hr_a, perf.cycle.pk, schemas.CycleClose(version=perf.cycle.version))
    bring_to(world, perf.review, "signed_off")
    for r in perf.cycle.reviews.exclude(pk=perf.review.pk):
        services.cancel_review(world.hr_a, r.pk, version=r.version, reason="Out of scope")
    cycle = services.close_cycle(world.hr_a, perf.cycle.pk, schemas.CycleClose(version=perf.cycle.version))
    assert cycle.status == "closed"
    assert Review.objects.get(pk=perf.review.pk).state == ReviewState.CLOSED


def test_a_template_in_use_keeps_its_competencies(world, perf):
    with pytest.raises(errors.ValidationFailed) as exc:
        services.update_template(
            world.hr_a,
            perf.template.pk,
            schemas.TemplateUpdate(version=perf.template.version, competencies=[schemas.CompetencyIn(name="Only")]),
        )
    assert "competencies" in exc.value.fields
    renamed = services.update_template(
        world.hr_a, perf.template.pk, schemas.TemplateUpdate(version=perf.template.version, name="Renamed")
    )
    assert renamed.name == "Renamed" and renamed.version == perf.template.version + 1


def test_an_unused_template_can_change_its_competencies(world, perf):
    t = services.create_template(world.hr_a, schemas.TemplateCreate(site_id=world.site_a.pk, name="Draft"))
    t = services.update_template(
        world.hr_a,
        t.pk,
        schemas.TemplateUpdate(version=t.version, competencies=[schemas.CompetencyIn(name="Safety", weight=2)]),
    )
    assert list(t.competencies.values_list("name", flat=True)) == ["Safety"] and t.version == 2
    with pytest.raises(errors.ValidationFailed) as exc:
        services.update_template(
            world.hr_a,
            t.pk,
            schemas.TemplateUpdate(
                version=t.version, competencies=[schemas.CompetencyIn(name="A"), schemas.CompetencyIn(name="a")]
            ),
        )
    assert "competencies" in exc.value.fields


def test_coordinator_cannot_keep_templates(world, perf):
    with pytest.raises(errors.PermissionDenied):
        services.create_template(world.coordinator_a, schemas.TemplateCreate(site_id=world.site_a.pk, name="Mine"))


def test_reviewer_reassignment_needs_someone_who_reviews_the_unit(world, perf):
    review = perf.review
    with pytest.raises(errors.ValidationFailed) as exc:
        services.assign_reviewer(
            world.hr_a, review.pk, schemas.ReviewerAssign(version=review.version, reviewer_id=world.finance_a.pk)
        )
    assert "reviewer_id" in exc.value.fields
    done = services.assign_reviewer(
        world.hr_a, review.pk, schemas.ReviewerAssign(version=review.version, reviewer_id=world.assistant_a.pk)
    )
    assert done.reviewer == world.assistant_a
    with pytest.raises(errors.PermissionDenied):
        services.assign_reviewer(
            world.coordinator_a,
            review.pk,
            schemas.ReviewerAssign(version=done.version, reviewer_id=world.director_a.pk),
        )


def test_walk_factories_make_a_complete_draft(world):
    person = factories.staff(world.nurse_a, world.site_a, world.icu_a, number="W-1")
    t = factories.template(world.site_a)
    r = factories.complete_draft(factories.cycle(t, name="W"), person, world.coordinator_a)
    services.submit_review(world.superuser, r.pk, version=r.version)
    assert Review.objects.get(pk=r.pk).state == ReviewState.SUBMITTED

"""Who sees whose evaluations: the person (once submitted), their coordinator,
leadership and HR; not other clinicians, not finance, never another site."""

from __future__ import annotations

import pytest

from caredesk.core import errors
from caredesk.performance import queries
from caredesk.performance.profile import sections
from tests.performance.conftest import rate_all
from tests.performance.test_services import bring_to

pytestmark = pytest.mark.django_db

SEES = ["coordinator_a", "director_a", "assistant_a", "hr_a", "superuser"]
BLIND = ["finance_a", "compliance_a", "auditor_a", "admin_a", "director_b", "coordinator_b", "nurse_b"]


@pytest.mark.parametrize("persona", SEES)
def test_managers_and_hr_see_the_unit_reviews(world, perf, persona):
    assert queries.get_review(world.persona(persona), perf.review.pk) == perf.review


@pytest.mark.parametrize("persona", BLIND)
def test_others_do_not_see_a_review(world, perf, persona):
    bring_to(world, perf.review, "submitted")
    with pytest.raises(errors.NotFound):
        queries.get_review(world.persona(persona), perf.review.pk)
    assert not queries.reviews(world.persona(persona)).exists()


def test_a_clinician_cannot_see_another_clinicians_review(world, perf):
    bring_to(world, perf.review, "submitted")
    with pytest.raises(errors.NotFound):
        queries.get_review(perf.other_nurse_user, perf.review.pk)
    assert list(queries.reviews(perf.other_nurse_user)) == []


def test_the_employee_sees_their_own_review_once_submitted(world, perf):
    with pytest.raises(errors.NotFound):
        queries.get_review(world.nurse_a, perf.review.pk)  # the draft is the reviewer's working copy
    bring_to(world, perf.review, "submitted")
    assert queries.get_review(world.nurse_a, perf.review.pk) == perf.review
    assert list(queries.reviews(world.nurse_a)) == [perf.review]


def test_the_assigned_reviewer_sees_the_review_even_outside_their_unit(world, perf, django_user_model):
    from caredesk.performance import schemas, services
    from tests.conftest import make_user

    other_coord = make_user("coord_ms_a", role="coordinator", site=world.site_a, unit=world.ms_a)
    with pytest.raises(errors.NotFound):
        queries.get_review(other_coord, perf.review.pk)
    # Only someone who reviews the person's unit may be assigned, so a 4 West coordinator is refused...
    with pytest.raises(errors.ValidationFailed):
        services.assign_reviewer(
            world.hr_a, perf.review.pk, schemas.ReviewerAssign(version=perf.review.version, reviewer_id=other_coord.pk)
        )


@pytest.mark.parametrize(
    ("persona", "shown"),
    [
        ("nurse_a", True),
        ("coordinator_a", True),
        ("director_a", True),
        ("hr_a", True),
        ("finance_a", False),
        ("nurse2_a", False),
        ("director_b", False),
    ],
)
def test_profile_section_only_for_those_who_may_see_it(world, perf, rf, persona, shown):
    rate_all(perf.review, world.coordinator_a)
    user = perf.other_nurse_user if persona == "nurse2_a" else world.persona(persona)
    request = rf.get("/")
    request.user = user
    found = sections(request, perf.nurse)
    assert bool(found) is shown
    if shown:
        rows = found[0].context["perf_rows"]
        # The person does not see their reviewer's draft; their managers do.
        assert (perf.review in rows) is (persona != "nurse_a")

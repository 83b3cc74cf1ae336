"""Overdue: the due day has passed in the site's own zone and the review is not submitted."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from caredesk.performance import queries, schemas, services
from tests.conftest import make_user
from tests.performance import factories
from tests.performance.conftest import rate_all

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")


def overdue_ids(user):
    return set(queries.reviews(user, overdue=True).values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("moment", "late"),
    [
        (datetime(2026, 12, 15, 12, 0, tzinfo=UTC), False),
        # Due 15 December: New York's 15th ends at 05:00 UTC on the 16th (EST, UTC-5).
        (datetime(2026, 12, 16, 4, 59, 59, tzinfo=UTC), False),
        (datetime(2026, 12, 16, 5, 0, 0, tzinfo=UTC), True),
        (datetime(2027, 1, 10, tzinfo=UTC), True),
    ],
)
def test_overdue_at_the_due_day_boundary_in_the_site_zone(world, perf, moment, late):
    with time_machine.travel(moment, tick=False):
        assert (perf.review.pk in overdue_ids(world.director_a)) is late
        assert queries.is_overdue(perf.review, moment) is late


@pytest.mark.parametrize(
    ("due", "last_on_time", "first_late"),
    [
        # Summer (EDT, UTC-4): the 15th of July ends at 04:00 UTC on the 16th.
        (date(2026, 7, 15), datetime(2026, 7, 16, 3, 59, 59, tzinfo=UTC), datetime(2026, 7, 16, 4, 0, tzinfo=UTC)),
        # The day clocks fall back (1 November 2026 is 25 hours long): it ends at 05:00 UTC.
        (date(2026, 11, 1), datetime(2026, 11, 2, 4, 59, 59, tzinfo=UTC), datetime(2026, 11, 2, 5, 0, tzinfo=UTC)),
    ],
)
def test_overdue_boundary_follows_daylight_saving(world, perf, due, last_on_time, first_late):
    perf.cycle.due_on = due
    perf.cycle.save()
    with time_machine.travel(last_on_time, tick=False):
        assert perf.review.pk not in overdue_ids(world.hr_a)
    with time_machine.travel(first_late, tick=False):
        assert perf.review.pk in overdue_ids(world.hr_a)


def test_each_site_is_judged_in_its_own_zone(world, perf):
    person = factories.staff(world.nurse_b, world.site_b, world.ltc_b, number="B-1")
    t = factories.template(world.site_b, name="Bravo review")
    cycle_b = factories.cycle(t, name="Bravo annual", due=date(2026, 12, 15))
    review_b = factories.complete_draft(cycle_b, person, world.coordinator_b)
    # 23:30 UTC on the 15th: already the 16th in Paris, still the 15th in New York.
    with time_machine.travel(datetime(2026, 12, 15, 23, 30, tzinfo=UTC), tick=False):
        assert review_b.pk in overdue_ids(world.superuser)
        assert perf.review.pk not in overdue_ids(world.superuser)


def test_a_submitted_review_is_no_longer_overdue(world, perf):
    rate_all(perf.review, world.coordinator_a)
    perf.review.refresh_from_db()
    with time_machine.travel(datetime(2027, 1, 10, tzinfo=UTC), tick=False):
        assert perf.review.pk in overdue_ids(world.director_a)
        services.submit_review(world.coordinator_a, perf.review.pk, version=perf.review.version)
        assert perf.review.pk not in overdue_ids(world.director_a)


def test_overdue_is_grouped_per_reviewer_within_reach(world, perf):
    with time_machine.travel(datetime(2027, 1, 10, tzinfo=UTC), tick=False):
        groups = {g.reviewer_id: g for g in queries.overdue_by_reviewer(world.director_a)}
        assert groups[world.coordinator_a.pk].count == 2  # nurse_a and nurse2_a
        assert groups[world.director_a.pk].count == 1  # the coordinator's own review
        # The coordinator sees their unit's overdue reviews; another site's director sees none.
        assert sum(g.count for g in queries.overdue_by_reviewer(world.coordinator_a)) == 3
        assert queries.overdue_by_reviewer(world.director_b) == []
        assert queries.overdue_by_reviewer(world.nurse_a) == []


def test_overdue_api_and_page(world, perf, api, client):
    with time_machine.travel(datetime(2027, 1, 10, tzinfo=UTC), tick=False):
        body = api.get("/performance/overdue", user=world.director_a).json()
        counts = {item["reviewer_id"]: item["count"] for item in body["items"]}
        assert counts == {world.coordinator_a.pk: 2, world.director_a.pk: 1}
        listed = api.get("/performance/reviews?overdue=true", user=world.director_a).json()
        assert listed["count"] == 3 and all(item["overdue"] for item in listed["items"])
        assert api.get("/performance/overdue", user=world.director_b).json()["count"] == 0


def test_a_new_coordinator_unit_grant_sees_only_their_unit(world, perf):
    coord_ms = make_user("coord_ms_a", role="coordinator", site=world.site_a, unit=world.ms_a)
    with time_machine.travel(datetime(2027, 1, 10, tzinfo=UTC), tick=False):
        assert overdue_ids(coord_ms) == set()


def test_the_cycle_start_service_does_not_care_about_today(world, perf):
    # A cycle may be recorded late (its due date already past): its reviews are overdue at once.
    with time_machine.travel(datetime(2027, 2, 1, tzinfo=UTC), tick=False):
        cycle = services.start_cycle(
            world.hr_a,
            schemas.CycleStart(
                site_id=world.site_a.pk,
                template_id=perf.template.pk,
                name="Late",
                kind="ad_hoc",
                period_start=date(2026, 1, 1),
                period_end=date(2026, 12, 31),
                due_on=date(2027, 1, 15),
            ),
        )
        assert set(cycle.reviews.values_list("pk", flat=True)) <= overdue_ids(world.hr_a)

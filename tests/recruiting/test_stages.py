"""Every stage transition, allowed or refused, as a table: the board moves, the
offer and the hire. A refused move writes nothing and says why, naming the field."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from caredesk.core import clock, errors
from caredesk.core.models import AuditEvent
from caredesk.recruiting import schemas, services
from caredesk.recruiting.models import Application, Offer, Stage, StageChange
from tests.recruiting import factories

pytestmark = pytest.mark.django_db

OPEN = ["applied", "screened", "interviewed", "offered"]
ALL = [s.value for s in Stage]

# (from, to) pairs the board may make; everything else is refused.
ALLOWED_MOVES = {("applied", "screened"), ("screened", "interviewed")} | {
    (s, closing) for s in OPEN for closing in ("declined", "withdrawn")
}
MOVES = [(a, b) for a in ALL for b in ALL]


def snapshot(app: Application) -> tuple:
    app.refresh_from_db()
    return (app.stage, app.version, StageChange.objects.filter(application=app).count(), AuditEvent.objects.count())


@pytest.mark.parametrize(("from_stage", "to_stage"), MOVES, ids=[f"{a}->{b}" for a, b in MOVES])
def test_board_moves(world, from_stage, to_stage):
    app = factories.application(world, factories.requisition(world), stage=from_stage)
    factories.interview(world, app)  # held yesterday: only the stage rules decide here
    if (from_stage, to_stage) in ALLOWED_MOVES:
        moved = services.move_application(world.hr_a, app.pk, to_stage=to_stage, version=1, reason="r")
        assert moved.stage == to_stage and moved.version == 2
        assert StageChange.objects.filter(application=app, from_stage=from_stage, to_stage=to_stage).exists()
        assert AuditEvent.objects.filter(action="recruiting.move_application", object_id=str(app.pk)).exists()
    else:
        before = snapshot(app)
        with pytest.raises(errors.ValidationFailed) as exc:
            services.move_application(world.hr_a, app.pk, to_stage=to_stage, version=1)
        assert "to_stage" in exc.value.fields and exc.value.fields["to_stage"][0]
        assert snapshot(app) == before


@pytest.mark.parametrize(
    ("from_stage", "to_stage", "words"),
    [
        ("declined", "screened", "closed"),
        ("hired", "withdrawn", "closed"),
        ("withdrawn", "declined", "closed"),
        ("applied", "interviewed", "one stage at a time"),
        ("screened", "offered", "make an offer"),
        ("interviewed", "hired", "hire the candidate"),
        ("interviewed", "screened", "only move forward"),
        ("screened", "screened", "already"),
    ],
)
def test_refusals_say_why(world, from_stage, to_stage, words):
    app = factories.application(world, factories.requisition(world), stage=from_stage)
    assert words in (services.move_refusal(from_stage, to_stage, interview_held=True) or "")
    with pytest.raises(errors.ValidationFailed) as exc:
        services.move_application(world.hr_a, app.pk, to_stage=to_stage, version=1)
    assert words in exc.value.message


def test_interviewed_needs_an_interview_that_has_started(world):
    app = factories.application(world, factories.requisition(world), stage=Stage.SCREENED)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.move_application(world.hr_a, app.pk, to_stage="interviewed", version=1)
    assert "no interview" in exc.value.message
    iv = factories.interview(world, app, hours_ago=-1)
    with time_machine.travel(iv.starts_at - timedelta(seconds=1), tick=False), pytest.raises(errors.ValidationFailed):
        services.move_application(world.hr_a, app.pk, to_stage="interviewed", version=1)
    iv.cancelled_at = clock.now()
    iv.save()
    with time_machine.travel(iv.starts_at, tick=False):
        with pytest.raises(errors.ValidationFailed):
            services.move_application(world.hr_a, app.pk, to_stage="interviewed", version=1)
        iv.cancelled_at = None
        iv.save()
        assert services.move_application(world.hr_a, app.pk, to_stage="interviewed", version=1).stage == "interviewed"


def test_closing_an_offered_application_rescinds_its_open_offer(world):
    app = factories.application(world, factories.requisition(world), stage=Stage.OFFERED)
    offer = factories.offer(world, app)
    services.move_application(world.hr_a, app.pk, to_stage="withdrawn", version=1, reason="Took another job")
    offer.refresh_from_db()
    assert offer.status == "rescinded"


# The offer: only after an interview, and not while another offer is live.
OFFER_FROM = {"interviewed": True, "offered": True}


@pytest.mark.parametrize("from_stage", ALL)
def test_making_an_offer_from_each_stage(world, from_stage):
    app = factories.application(world, factories.requisition(world), stage=from_stage)
    data = schemas.OfferCreate(hourly_rate="50.00", start_date=(clock.now() + timedelta(days=20)).date())
    if OFFER_FROM.get(from_stage):
        offer = services.make_offer(world.hr_a, app.pk, data)
        app.refresh_from_db()
        assert offer.pk and app.stage == "offered"
    else:
        before = snapshot(app)
        with pytest.raises(errors.ValidationFailed) as exc:
            services.make_offer(world.hr_a, app.pk, data)
        assert "stage" in exc.value.fields
        if from_stage in ("applied", "screened"):
            assert "no offer before an interview" in exc.value.message
        assert snapshot(app) == before and not Offer.objects.exists()


@pytest.mark.parametrize("from_stage", ALL)
def test_hiring_from_each_stage(world, from_stage):
    factories.work_rules()
    app = factories.application(world, factories.requisition(world), stage=from_stage)
    offer = factories.offer(world, app)
    if from_stage == "offered":
        result = services.hire(world.hr_a, offer.pk, schemas.HireCreate(version=1))
        assert result.application.stage == "hired"
    else:
        before = snapshot(app)
        with pytest.raises(errors.ValidationFailed) as exc:
            services.hire(world.hr_a, offer.pk, schemas.HireCreate(version=1))
        assert "stage" in exc.value.fields
        assert snapshot(app) == before

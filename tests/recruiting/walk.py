"""Site A's recruiting records for the cross-site walk (tests/test_cross_site.py).

Besides the path parameters, a few body fields that the walk cannot invent
(money, dates, scores, interviewers) get valid values aimed at site A.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from caredesk.core import clock
from caredesk.recruiting.models import (
    Application,
    Candidate,
    FeedbackScore,
    Interview,
    InterviewFeedback,
    Offer,
    Requisition,
    Stage,
    StageChange,
)
from tests.recruiting import factories


def targets(world: Any) -> dict[str, Any]:
    factories.work_rules()
    req = factories.requisition(world, positions=3, fte=Decimal("1.00"))  # other walks may send fte "1.00"
    cand = factories.candidate(world, first="Alpha", last="Walker")  # applied to nothing yet
    interviewed = factories.application(world, req, stage=Stage.INTERVIEWED)
    iv = factories.interview(world, interviewed, interviewers=[world.coordinator_a])
    offered = factories.application(world, req, stage=Stage.OFFERED)
    offer = factories.offer(world, offered)
    start = clock.now() + timedelta(days=30)
    return {
        "requisition_id": req.pk,
        "candidate_id": cand.pk,
        "application_id": interviewed.pk,
        "interview_id": iv.pk,
        "offer_id": offer.pk,
        # body fields
        "hourly_rate_min": "40.00",
        "hourly_rate_max": "60.00",
        "hourly_rate": "48.00",
        "fte": "1.00",
        "start_date": start.date().isoformat(),
        "starts_at": start.isoformat(),
        "interviewer_ids": [world.coordinator_a.pk],
        "criterion_scores": [{"criterion": "Clinical knowledge", "score": 4}],
    }


def state(world: Any) -> list[Any]:
    site = world.site_a
    return [
        list(Requisition.objects.filter(site=site).values()),
        list(Candidate.objects.filter(site=site).values()),
        list(Application.objects.filter(requisition__site=site).values()),
        list(StageChange.objects.filter(application__requisition__site=site).values()),
        list(Interview.objects.filter(application__requisition__site=site).values()),
        list(InterviewFeedback.objects.filter(interview__application__requisition__site=site).values()),
        list(FeedbackScore.objects.filter(feedback__interview__application__requisition__site=site).values()),
        list(Offer.objects.filter(application__requisition__site=site).values()),
    ]

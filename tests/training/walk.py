"""Site-A training records for the cross-site walk (tests/test_cross_site.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from caredesk.core import clock
from caredesk.training.models import (
    BudgetEntry,
    Completion,
    Enrollment,
    ProgramStatus,
    TrainingBudget,
    TrainingProgram,
    TrainingProposal,
    TrainingSession,
)
from tests.conftest import make_user
from tests.training.helpers import make_budget, make_enrollment, make_program, make_session, make_staff


def targets(world: Any) -> dict[str, Any]:
    trainee_user = make_user("nurse_a_trainee", role="clinician", site=world.site_a, unit=world.icu_a, discipline="rn")
    trainee = make_staff(trainee_user, world.site_a, world.icu_a, number="ALPHA-T1")
    budget = make_budget(world.site_a, amount=100000)
    program, _ = make_program(world.site_a, title="Alpha BLS renewal", proposed_by=world.director_a)
    _pending_program, proposal = make_program(
        world.site_a, title="Alpha fire safety", status=ProgramStatus.PROPOSED, proposed_by=world.director_a
    )
    assert proposal is not None
    upcoming = make_session(program)
    past = make_session(program, starts=clock.now() - timedelta(days=2))
    enrollment = make_enrollment(past, trainee)
    return {
        "program_id": program.pk,
        "proposal_id": proposal.pk,
        "budget_id": budget.pk,
        "session_id": upcoming.pk,
        "enrollment_id": enrollment.pk,
        "staff_id": trainee.pk,
        # A valid start for the body of POST /training/sessions (the walk cannot invent a datetime).
        "starts_at": (clock.now() + timedelta(days=30)).isoformat(),
    }


def state(world: Any) -> list[Any]:
    site = world.site_a
    return [
        list(TrainingProgram.objects.filter(site=site).values()),
        list(TrainingProposal.objects.filter(program__site=site).values()),
        list(TrainingBudget.objects.filter(site=site).values()),
        list(BudgetEntry.objects.filter(budget__site=site).values()),
        list(TrainingSession.objects.filter(program__site=site).values()),
        list(Enrollment.objects.filter(session__program__site=site).values()),
        list(Completion.objects.filter(program__site=site).values()),
    ]

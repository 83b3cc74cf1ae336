"""Background work of assignment: an optimiser run off the request (the pages
and the API run it inline, as a unit solves in well under two seconds; a
caller with a longer time limit enqueues this task on the solver queue)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from caredesk.accounts.models import User


@task(queue_name="solver")
def optimise_shift_task(shift_id: int, user_id: int, time_limit_s: float = 2.0) -> dict[str, Any]:
    """Run `services.optimise_shift` as the user who asked (their permission is checked again)."""
    from caredesk.assignment import services

    actor = User.objects.get(pk=user_id)
    return services.optimise_shift(actor, shift_id, time_limit_s=time_limit_s).as_dict()

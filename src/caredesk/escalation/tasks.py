"""Background work of escalation: the sweep that moves unacknowledged alerts up."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from caredesk.core import clock, periodic
from caredesk.escalation import services


@periodic.every(timedelta(minutes=1))
@task(queue_name="alerts")
def escalate_due_alerts() -> int:
    """Every minute: each open alert whose delay has passed goes one level up (once)."""
    return services.escalate_due(clock.now())

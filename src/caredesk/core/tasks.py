"""Background housekeeping of core."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from caredesk.core import clock, periodic
from caredesk.core.models import WorkerHeartbeat


@periodic.every(timedelta(hours=1))
@task()
def prune_housekeeping() -> dict[str, int]:
    """Forget workers unseen for a day and task results older than 14 days."""
    from django_tasks_db.models import DBTaskResult

    now = clock.now()
    workers, _ = WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()
    results, _ = DBTaskResult.objects.finished().filter(finished_at__lt=now - timedelta(days=14)).delete()
    return {"workers": workers, "task_results": results}

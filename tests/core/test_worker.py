"""Periodic jobs are enqueued once per period however many workers run."""

from __future__ import annotations

from datetime import timedelta

import pytest

from caredesk.core import clock, periodic
from caredesk.core.models import PeriodicJob

pytestmark = pytest.mark.django_db


def test_due_jobs_are_enqueued_once_per_period(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "alerts", "solver"]}
    }
    name = "caredesk.core.tasks.prune_housekeeping"  # runs hourly
    now = clock.now()
    first = periodic.enqueue_due(now)
    assert name in first
    # A second worker polling at the same moment finds nothing to do.
    assert periodic.enqueue_due(now) == []
    job = PeriodicJob.objects.get(name=name)
    assert job.next_run_at == now + timedelta(hours=1)
    assert name not in periodic.enqueue_due(now + timedelta(minutes=59))
    assert name in periodic.enqueue_due(now + timedelta(hours=1))


def test_housekeeping_forgets_old_heartbeats():
    from caredesk.core.models import WorkerHeartbeat
    from caredesk.core.tasks import prune_housekeeping

    now = clock.now()
    WorkerHeartbeat.objects.create(
        worker_id="old", hostname="h", pid=1, started_at=now, seen_at=now - timedelta(days=2)
    )
    WorkerHeartbeat.objects.create(worker_id="new", hostname="h", pid=2, started_at=now, seen_at=now)
    result = prune_housekeeping.call()
    assert result["workers"] == 1
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["new"]

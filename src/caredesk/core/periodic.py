"""Periodic background jobs, declared as data by each app's tasks.py.

`caredesk worker` runs a scheduler thread beside the task worker: every few
seconds it enqueues each job whose time has come, claiming the run with a
compare-and-set update so that several workers enqueue it exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

from django.apps import apps

from caredesk.core import clock


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    task: Any  # a django_tasks Task


_jobs: dict[str, Job] = {}


def every(interval: timedelta, *, name: str | None = None) -> Any:
    """Decorate a django-tasks task to run every `interval`."""

    def register(task: Any) -> Any:
        job_name = name or f"{task.func.__module__}.{task.func.__name__}"
        _jobs[job_name] = Job(job_name, interval, task)
        return task

    return register


def jobs() -> list[Job]:
    for app in apps.get_app_configs():
        if app.name.startswith("caredesk."):
            try:
                import_module(f"{app.name}.tasks")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app.name}.tasks":
                    raise
    return sorted(_jobs.values(), key=lambda j: j.name)


def enqueue_due(now: datetime | None = None) -> list[str]:
    """Enqueue every job that is due; returns the names enqueued."""
    from caredesk.core.models import PeriodicJob

    moment = now or clock.now()
    enqueued = []
    for job in jobs():
        row, _created = PeriodicJob.objects.get_or_create(name=job.name, defaults={"next_run_at": moment})
        if row.next_run_at > moment:
            continue
        claimed = PeriodicJob.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
            next_run_at=moment + job.every, last_enqueued_at=moment
        )
        if claimed:
            job.task.enqueue()
            enqueued.append(job.name)
    return enqueued

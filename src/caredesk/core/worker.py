"""`caredesk worker`: the django-tasks database worker, plus a heartbeat that
/healthz reads and the scheduler of periodic jobs."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid

from django.conf import settings
from django.core.management import call_command
from django.db import close_old_connections

from caredesk.core import clock, periodic
from caredesk.core.models import WorkerHeartbeat

logger = logging.getLogger("caredesk.worker")


def _beat(worker_id: str, started: object, stop: threading.Event) -> None:
    interval = settings.CAREDESK_WORKER_HEARTBEAT_SECONDS
    while not stop.is_set():
        try:
            close_old_connections()
            WorkerHeartbeat.objects.update_or_create(
                worker_id=worker_id,
                defaults={
                    "hostname": socket.gethostname()[:255],
                    "pid": os.getpid(),
                    "started_at": started,
                    "seen_at": clock.now(),
                },
            )
            names = periodic.enqueue_due()
            if names:
                logger.info("enqueued periodic jobs: %s", ", ".join(names))
        except Exception:  # keep beating: a transient database error must not stop the worker
            logger.exception("heartbeat failed")
        finally:
            close_old_connections()
        stop.wait(interval)


def run(queues: str = "*", interval: float = 1.0) -> None:
    worker_id = uuid.uuid4().hex
    stop = threading.Event()
    beat = threading.Thread(target=_beat, args=(worker_id, clock.now(), stop), name="caredesk-heartbeat", daemon=True)
    beat.start()
    try:
        call_command("db_worker", queue_name=queues, interval=interval, worker_id=worker_id, reload=False, verbosity=1)
    finally:
        stop.set()
        WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()

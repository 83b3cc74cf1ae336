"""Demo data of scheduling: staffing needs and requests, then rosters (one
published, one draft), then timesheets of the days already worked."""

from __future__ import annotations

import importlib

from caredesk.core.seeding import SeedContext

ORDER = 85  # after assignment (shift patterns, 80), before medications (90)
AREAS = ("needs_requests", "rosters", "timesheets")


def run(ctx: SeedContext) -> None:
    for area in AREAS:
        importlib.import_module(f"caredesk.scheduling.seeding.{area}").run(ctx)

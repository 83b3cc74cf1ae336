"""Site-A scheduling records for the cross-site walk (tests/test_cross_site.py):
the union of each area's `walk_<area>.py` (needs and requests, rosters,
publishing, timesheets), in a fixed order."""

from __future__ import annotations

from typing import Any

from tests.scheduling import walk_needs, walk_publishing, walk_rosters, walk_timesheets

AREAS = (walk_needs, walk_rosters, walk_publishing, walk_timesheets)


def targets(world: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for area in AREAS:
        found.update(area.targets(world))
    return found


def state(world: Any) -> list[Any]:
    return [rows for area in AREAS if hasattr(area, "state") for rows in area.state(world)]

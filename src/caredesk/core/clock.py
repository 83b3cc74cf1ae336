"""The one source of the current time.

Services take `now` as an argument and default to `clock.now()`, so tests pin
time with time-machine and time-driven state is a pure function of `now`.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from django.utils import timezone

UTC = ZoneInfo("UTC")


def now() -> datetime:
    """Current time, timezone-aware, in UTC."""
    return timezone.now()


def to_zone(moment: datetime, zone: str | tzinfo) -> datetime:
    """Convert an aware datetime to a site's zone for display or local rules."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: CareDesk stores and compares aware datetimes only")
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    return moment.astimezone(tz)

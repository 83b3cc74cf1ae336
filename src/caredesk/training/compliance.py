"""Training compliance as a pure function of dates: no database, no clock.

A completion is current until its expiry date (inclusive: current on the
expiry day itself, overdue from the day after), "expiring" within the last
EXPIRING_DAYS days, and a mandatory program never completed is "never".
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

EXPIRING_DAYS = 30

CURRENT = "current"
EXPIRING = "expiring"
OVERDUE = "overdue"
NEVER = "never"
# States that count as "current" in unit figures (an expiring completion is still valid).
IN_DATE = (CURRENT, EXPIRING)


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later (the 31st clamps to the month's end)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def expiry(completed_on: date, recurrence_months: int | None) -> date | None:
    """Completion plus the recurrence (calendar months; the 31st clamps to the month's end)."""
    if not recurrence_months:
        return None
    return add_months(completed_on, recurrence_months)


def state(expires_on: date | None, today: date, *, completed: bool = True) -> str:
    if not completed:
        return NEVER
    if expires_on is None:
        return CURRENT
    if expires_on < today:
        return OVERDUE
    if (expires_on - today).days <= EXPIRING_DAYS:
        return EXPIRING
    return CURRENT


@dataclass(frozen=True)
class Rule:
    """Who a mandatory program applies to (empty tuples match everyone)."""

    site_id: int
    unit_id: int | None
    disciplines: tuple[str, ...]
    unit_kinds: tuple[str, ...]


def applies(rule: Rule, *, site_id: int, home_unit_id: int | None, discipline: str, unit_kind: str | None) -> bool:
    if rule.site_id != site_id:
        return False
    if rule.unit_id is not None and rule.unit_id != home_unit_id:
        return False
    if rule.disciplines and discipline not in rule.disciplines:
        return False
    return not (rule.unit_kinds and (unit_kind or "") not in rule.unit_kinds)

"""Input and output dataclasses of the rostering engine.

Everything here is plain data: the Django app converts its models to a
:class:`Problem`, calls :func:`caredesk.scheduling.solver.solve`, and stores the
:class:`SolveResult`.  Days are integer indices ``0..num_days-1`` counted from
``Problem.start_date``; a cell of the roster is one (staff, day) pair holding a
shift id or ``None`` (day off).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass, field

DAY_MINUTES = 24 * 60


class Boundary(enum.Enum):
    """What the solver assumes about days outside the planning horizon.

    ``OPEN``: unknown (the benchmark's semantics, FORMAT.md §4): rules that need
    a day outside the horizon to be violated are not checked, so minimum-block
    rules are exempt for blocks touching an edge, maximum-block rules count only
    days inside, and successions across the edge are not checked.
    ``OFF``: days outside are days off, so a block touching an edge must still
    respect the minimum-block rules.
    Known days before the horizon are given per staff member in
    :attr:`Staff.history` and always take precedence over this policy.
    """

    OPEN = "open"
    OFF = "off"


@dataclass(frozen=True)
class ShiftType:
    id: str
    start_minute: int  # minutes after midnight of the day the shift belongs to
    length_minutes: int
    required_skills: frozenset[str] = frozenset()
    #: Shift ids that may not be worked on the day after this one (all staff).
    not_followed_by: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SkillGrant:
    """A skill or credential, valid from/until the given dates (inclusive)."""

    skill: str
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    def valid_on(self, day: dt.date) -> bool:
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_until is None or day <= self.valid_until


@dataclass(frozen=True)
class Contract:
    """Per-staff limits over the planning period.  ``None`` means no limit."""

    max_minutes: int | None = None
    min_minutes: int | None = None
    #: Maximum number of shifts of a given type (0 forbids the type).
    max_shifts: dict[str, int] = field(default_factory=dict)
    max_consecutive_days: int | None = None
    min_consecutive_days: int | None = None
    min_consecutive_days_off: int | None = None
    max_weekends: int | None = None
    #: Minimum rest between the end of one shift and the start of the next.
    min_rest_minutes: int = 0
    #: Extra forbidden (shift, shift on the next day) pairs for this contract.
    forbidden_successions: frozenset[tuple[str, str]] = frozenset()
    #: Rolling limits as (days, max minutes): at most that many minutes in any
    #: run of that many consecutive days, e.g. ``((7, 48 * 60),)`` for 48 hours
    #: in any 7 days; days before the horizon count from ``Staff.history``.
    window_limits: tuple[tuple[int, int], ...] = ()
    #: Contracted minutes; minutes worked above this cost ``overtime_weight`` each.
    contracted_minutes: int | None = None
    overtime_weight: int = 0


@dataclass(frozen=True)
class Staff:
    id: str
    contract: Contract
    skills: tuple[SkillGrant, ...] = ()
    #: Days of leave / days off that must not be worked.
    leave: frozenset[int] = frozenset()
    #: Assignments on the days just before the horizon, oldest first (``None`` =
    #: off).  Used for rest, successions and consecutive-day rules across day 0.
    history: tuple[str | None, ...] | None = None

    def has_skills(self, skills: frozenset[str], day: dt.date) -> bool:
        return all(any(g.skill == sk and g.valid_on(day) for g in self.skills) for sk in skills)


@dataclass(frozen=True)
class Demand:
    """Wanted head-count on one shift of one day, optionally of one skill.

    ``minimum`` is hard when ``minimum_weight`` is ``None``, otherwise every
    missing person costs ``minimum_weight``.  ``preferred`` is soft: each person
    under costs ``under_weight``, each person over costs ``over_weight``.
    """

    day: int
    shift: str
    skill: str | None = None
    minimum: int = 0
    minimum_weight: int | None = None
    preferred: int | None = None
    under_weight: int = 0
    over_weight: int = 0


@dataclass(frozen=True)
class Request:
    """Staff wish: ``on=True`` wants to work ``shift`` (any shift if ``None``)
    that day; ``on=False`` wants not to.  Unmet wishes cost ``weight``."""

    staff: str
    day: int
    shift: str | None
    on: bool
    weight: int


@dataclass(frozen=True)
class Pin:
    """An assignment that must be kept (``shift=None`` pins a day off)."""

    staff: str
    day: int
    shift: str | None


@dataclass(frozen=True)
class Fairness:
    """Soft spread rule: among ``staff`` (comparable people), the difference
    between the most and the least loaded costs ``weight`` per unit.  The load
    is the number of shifts in ``shifts``, or of worked weekends when
    ``weekends`` is set."""

    name: str
    staff: tuple[str, ...]
    weight: int
    shifts: frozenset[str] = frozenset()
    weekends: bool = False


@dataclass(frozen=True)
class Replan:
    """Re-planning: every cell that differs from ``previous`` costs ``weight``."""

    previous: dict[str, tuple[str | None, ...]]
    weight: int


@dataclass
class Problem:
    num_days: int
    shifts: list[ShiftType]
    staff: list[Staff]
    demands: list[Demand] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    pins: list[Pin] = field(default_factory=list)
    fairness: list[Fairness] = field(default_factory=list)
    replan: Replan | None = None
    #: Date of day 0 (weekends and skill validity are computed from it).
    start_date: dt.date = dt.date(2024, 1, 1)  # a Monday
    boundary: Boundary = Boundary.OPEN
    name: str = ""

    def date_of(self, day: int) -> dt.date:
        return self.start_date + dt.timedelta(days=day)

    def weekends(self) -> list[tuple[int, ...]]:
        """Weekends as tuples of day indices (Saturday and/or Sunday inside the horizon)."""
        groups: dict[int, list[int]] = {}
        for d in range(self.num_days):
            date = self.date_of(d)
            if date.weekday() >= 5:
                monday = date - dt.timedelta(days=date.weekday())
                groups.setdefault(monday.toordinal(), []).append(d)
        return [tuple(v) for _, v in sorted(groups.items())]


@dataclass(frozen=True)
class Progress:
    objective: int
    bound: int
    elapsed: float


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class SolveParams:
    time_limit: float = 60.0
    workers: int = 2
    seed: int = 0
    progress: ProgressCallback | None = None
    #: ``auto`` chooses between one CP-SAT model and large-neighbourhood search by size.
    strategy: str = "auto"
    #: Optional starting roster (staff id -> cells), e.g. the published one.
    hint: dict[str, tuple[str | None, ...]] | None = None
    log: bool = False
    #: Polled during the search: when it returns True the search stops and the
    #: best roster found so far is returned (the "Stop" button).
    should_stop: Callable[[], bool] | None = None


class Status(enum.Enum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


@dataclass
class SolveResult:
    status: Status
    #: staff id -> one cell per day (shift id or ``None``); empty when no roster.
    roster: dict[str, list[str | None]]
    objective: int | None
    breakdown: dict[str, int]
    bound: int | None
    seconds: float
    log: list[str] = field(default_factory=list)

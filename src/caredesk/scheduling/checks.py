"""The rule check of a roster: what breaks if a person works a shift (or
nothing) on a day, and every problem of a whole roster.

Used by hand edits, swaps, open-shift claims and publication, so they can never
disagree. Times are real: a shift's start and end come from the site's zone
(a night across a daylight-saving change lasts 11 or 13 hours), limits come
from the person's work-rule pack (workforce.WorkRules), credentials from
`workforce.qualification` (the one answer to "may this person work then?").

Hard problems (rest, maximum hours, consecutive days, days off, weekends,
credentials, leave, skills, two shifts on one day) block an edit and the
publication; soft ones (overtime above the contract, a wish not met) are shown.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from caredesk.assignment.models import ShiftPattern
from caredesk.assignment.services import SKILL_OF_CREDENTIAL, shift_times
from caredesk.scheduling.models import RequestKind, RequestStatus, Roster, RosterEntry, RosterStatus, StaffRequest
from caredesk.workforce.models import Credential, StaffMember
from caredesk.workforce.qualification import Verdict, judge, may_work_many

#: rules whose breach refuses an edit and a publication
HARD_RULES = (
    "double_booked",
    "rest",
    "max_day",
    "max_week",
    "consecutive_days",
    "days_off",
    "weekends",
    "credentials",
    "leave",
    "skills",
)
#: days before and after the roster whose shifts count (rest, 7-day windows, runs)
MARGIN_DAYS = 7
LEAVE_KINDS = (RequestKind.TIME_OFF, RequestKind.UNAVAILABLE)
LEAVE_STATUSES = (RequestStatus.APPROVED,)
UNAVAILABLE_STATUSES = (RequestStatus.APPROVED, RequestStatus.NOTED)
WISH_STATUSES = (RequestStatus.PENDING, RequestStatus.NOTED, RequestStatus.APPROVED)


@dataclass(frozen=True)
class RuleProblem:
    rule: str
    staff_id: int
    date: date
    message: str
    hard: bool

    def key(self) -> tuple[str, int, dt.date]:
        return (self.rule, self.staff_id, self.date)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "staff_id": self.staff_id,
            "date": self.date.isoformat(),
            "message": self.message,
            "hard": self.hard,
        }


def weekend_limit(per_4_weeks: int | None, days: int) -> int | None:
    """Weekends a person may work in a roster of `days` days (pro rata, rounded down)."""
    if per_4_weeks is None:
        return None
    return (per_4_weeks * days) // 28


#: An RN with this many years since hire may take charge of a shift ("charge" skill of
#: the skill-mix rules): no credential records it, so experience stands for it.
CHARGE_YEARS = 2


def charge_from(staff: StaffMember) -> date | None:
    """From when the person counts as a charge nurse (None: never, not an RN)."""
    if staff.discipline != "rn":
        return None
    hired = staff.hire_date
    try:
        return hired.replace(year=hired.year + CHARGE_YEARS)
    except ValueError:  # 29 February
        return hired.replace(year=hired.year + CHARGE_YEARS, day=28)


def skills_on(staff: StaffMember, credentials: Iterable[Credential], on: date) -> set[str]:
    """The person's skills on a day: their discipline, "charge" (see CHARGE_YEARS),
    each credential valid that day (its code and, for the assignment skills, the
    skill it grants)."""
    out = {staff.discipline}
    charge = charge_from(staff)
    if charge is not None and charge <= on:
        out.add("charge")
    for c in credentials:
        if c.revoked_at is None and c.issued_on <= on and (c.expires_on is None or c.expires_on >= on):
            code = c.type.code
            out.add(code)
            if code in SKILL_OF_CREDENTIAL:
                out.add(SKILL_OF_CREDENTIAL[code])
    return out


@dataclass
class Facts:
    """Everything the check needs about some people around one roster, in a few queries."""

    roster: Roster
    zone: str
    patterns: dict[int, ShiftPattern]
    staff: dict[int, StaffMember]
    #: staff id -> date -> pattern id, this roster and the other live rosters around it
    cells: dict[int, dict[date, int]] = field(default_factory=lambda: defaultdict(dict))
    #: staff id -> date -> ids of the other rosters with a shift that day (double booking)
    elsewhere: dict[int, dict[date, list[int]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    leave: dict[int, list[StaffRequest]] = field(default_factory=lambda: defaultdict(list))
    wishes: dict[int, list[StaffRequest]] = field(default_factory=lambda: defaultdict(list))
    credentials: dict[int, list[Credential]] = field(default_factory=lambda: defaultdict(list))
    #: people whose credentials and status hold over the whole roster (no per-day check needed)
    qualified_throughout: set[int] = field(default_factory=set)
    #: may the others work a given shift (`qualification.judge`, loaded once for all of them)
    may_work: Callable[[StaffMember, datetime, datetime], Verdict] | None = None
    foreign_patterns: dict[int, ShiftPattern] = field(default_factory=dict)

    @property
    def first(self) -> date:
        return self.roster.start_date

    @property
    def last(self) -> date:
        return self.roster.start_date + timedelta(days=self.roster.days - 1)

    def pattern(self, pattern_id: int) -> ShiftPattern:
        return self.patterns.get(pattern_id) or self.foreign_patterns[pattern_id]

    def times(self, day: date, pattern_id: int) -> tuple[datetime, datetime]:
        p = self.pattern(pattern_id)
        return shift_times(self.zone, day, p.start_time, p.length_minutes)


def load_facts(roster: Roster, staff_ids: Iterable[int], *, entries: list[RosterEntry] | None = None) -> Facts:
    """Load the facts for `staff_ids`. `entries` replaces this roster's stored entries
    (a roster being built or checked before it is saved)."""
    ids = sorted(set(staff_ids))
    unit = roster.unit
    patterns = {p.pk: p for p in ShiftPattern.objects.filter(unit=unit)}
    facts = Facts(roster=roster, zone=unit.site.time_zone, patterns=patterns, staff={})
    facts.staff = {
        s.pk: s
        for s in StaffMember.objects.filter(pk__in=ids).select_related("work_rules", "user", "site", "home_unit")
    }
    lo, hi = facts.first - timedelta(days=MARGIN_DAYS), facts.last + timedelta(days=MARGIN_DAYS)
    own = (
        entries
        if entries is not None
        else list(RosterEntry.objects.filter(roster=roster, staff_id__in=ids).only("staff_id", "date", "pattern_id"))
    )
    for e in own:
        if e.staff_id in facts.staff:
            facts.cells[e.staff_id][e.date] = e.pattern_id
    others = (
        RosterEntry.objects.filter(staff_id__in=ids, date__gte=lo, date__lte=hi)
        .exclude(roster=roster)
        .exclude(roster__status=RosterStatus.ARCHIVED)
        .select_related("pattern")
    )
    for e in others:
        if e.pattern_id not in patterns:
            facts.foreign_patterns[e.pattern_id] = e.pattern
        if facts.first <= e.date <= facts.last:
            facts.elsewhere[e.staff_id][e.date].append(e.roster_id)
        else:
            facts.cells[e.staff_id].setdefault(e.date, e.pattern_id)
    requests = StaffRequest.objects.filter(staff_id__in=ids, start_date__lte=hi, end_date__gte=lo).filter(
        Q(kind=RequestKind.TIME_OFF, status__in=LEAVE_STATUSES)
        | Q(kind=RequestKind.UNAVAILABLE, status__in=UNAVAILABLE_STATUSES)
        | Q(kind__in=(RequestKind.SHIFT_WANTED, RequestKind.SHIFT_UNWANTED), status__in=WISH_STATUSES)
    )
    for r in requests:
        (facts.leave if r.kind in LEAVE_KINDS else facts.wishes)[r.staff_id].append(r)
    for c in Credential.objects.filter(staff_id__in=ids, revoked_at__isnull=True).select_related("type"):
        facts.credentials[c.staff_id].append(c)
    if facts.staff and patterns:
        # Valid over the whole span of the roster implies valid on each of its shifts.
        start, _end = shift_times(facts.zone, facts.first, time_min(patterns.values()), 60)
        _s, end = shift_times(facts.zone, facts.last, time_max(patterns.values()), max_len(patterns.values()))
        verdicts = may_work_many(facts.staff.values(), unit=unit, start=start, end=max(end, start + timedelta(hours=1)))
        facts.qualified_throughout = {pk for pk, v in verdicts.items() if v.ok}
        unqualified = [s for pk, s in facts.staff.items() if pk not in facts.qualified_throughout]
        if unqualified:
            facts.may_work = judge(unqualified, unit=unit)
    return facts


def time_min(patterns: Iterable[ShiftPattern]) -> Any:
    return min(p.start_time for p in patterns)


def time_max(patterns: Iterable[ShiftPattern]) -> Any:
    return max(p.start_time for p in patterns)


def max_len(patterns: Iterable[ShiftPattern]) -> int:
    return max(p.length_minutes for p in patterns)


def _fmt_hours(minutes: float) -> str:
    return f"{minutes / 60:g}"


def person_problems(facts: Facts, staff_id: int, cells: dict[date, int]) -> list[RuleProblem]:
    """Every problem of one person's shifts (`cells`: date -> pattern id, including
    the days around the roster); only days of the roster are reported."""
    staff = facts.staff[staff_id]
    rules = staff.work_rules
    out: list[RuleProblem] = []
    first, last = facts.first, facts.last

    def add(rule: str, day: date, message: str, hard: bool = True) -> None:
        if first <= day <= last:
            out.append(RuleProblem(rule, staff_id, day, message, hard))

    days = sorted(cells)
    times = {d: facts.times(d, cells[d]) for d in days}
    # one shift a day across rosters
    for d in days:
        if facts.elsewhere[staff_id].get(d):
            add("double_booked", d, _("%(name)s already works a shift on another roster that day.") % {"name": staff})
    # rest between consecutive shifts, from real times
    ordered = sorted(days, key=lambda d: times[d][0])
    for a, b in itertools.pairwise(ordered):
        gap = (times[b][0] - times[a][1]).total_seconds() / 60
        if gap < rules.min_rest_minutes:
            msg = _(
                "%(name)s would rest only %(gap)s h between the shift of %(a)s and that of %(b)s "
                "(at least %(min)s h: %(rules)s)."
            ) % {
                "name": staff,
                "gap": _fmt_hours(max(gap, 0)),
                "a": a,
                "b": b,
                "min": _fmt_hours(rules.min_rest_minutes),
                "rules": rules.name,
            }
            add("rest", b, msg)
            if not first <= b <= last:
                add("rest", a, msg)
    # length of each shift, and any 7 days
    minutes = {d: (times[d][1] - times[d][0]).total_seconds() / 60 for d in days}
    if rules.max_minutes_per_day:
        for d in days:
            if minutes[d] > rules.max_minutes_per_day:
                add(
                    "max_day",
                    d,
                    _("This shift lasts %(h)s h: more than %(name)s may work in a day (%(max)s h).")
                    % {"h": _fmt_hours(minutes[d]), "name": staff, "max": _fmt_hours(rules.max_minutes_per_day)},
                )
    if rules.max_minutes_per_week:
        reported = False
        for d0 in sorted({d - timedelta(days=k) for d in days for k in range(7)}):
            window = [d for d in days if d0 <= d < d0 + timedelta(days=7)]
            total = sum(minutes[d] for d in window)
            if total > rules.max_minutes_per_week and not reported:
                day = next((d for d in reversed(window) if first <= d <= last), None)
                if day is not None:
                    add(
                        "max_week",
                        day,
                        _("%(name)s would work %(h)s h in the 7 days from %(d0)s (at most %(max)s h: %(rules)s).")
                        % {
                            "name": staff,
                            "h": _fmt_hours(total),
                            "d0": d0,
                            "max": _fmt_hours(rules.max_minutes_per_week),
                            "rules": rules.name,
                        },
                    )
                    reported = True
    # runs of working days and of days off
    dayset = set(days)
    runs: list[tuple[date, int]] = []
    for d in days:
        if d - timedelta(days=1) not in dayset:
            n = 1
            while d + timedelta(days=n) in dayset:
                n += 1
            runs.append((d, n))
    if rules.max_consecutive_days:
        for start, n in runs:
            if n > rules.max_consecutive_days:
                add(
                    "consecutive_days",
                    max(start + timedelta(days=rules.max_consecutive_days), first),
                    _("%(name)s would work %(n)s days in a row from %(start)s (at most %(max)s).")
                    % {"name": staff, "n": n, "start": start, "max": rules.max_consecutive_days},
                )
    if rules.min_consecutive_days_off and rules.min_consecutive_days_off > 1:
        for (s1, n1), (s2, _n2) in itertools.pairwise(runs):
            off_first = s1 + timedelta(days=n1)
            off = (s2 - off_first).days
            if off < rules.min_consecutive_days_off and (first <= off_first <= last or first <= s2 <= last):
                add(
                    "days_off",
                    s2 if first <= s2 <= last else s1 + timedelta(days=n1 - 1),
                    _("%(name)s would have only %(n)s day(s) off from %(d)s (at least %(min)s in a row).")
                    % {"name": staff, "n": off, "d": off_first, "min": rules.min_consecutive_days_off},
                )
    # weekends, pro rata of the 4-week limit
    limit = weekend_limit(rules.max_weekends_per_4_weeks, facts.roster.days)
    if limit is not None:
        worked = sorted({d - timedelta(days=d.weekday()) for d in days if first <= d <= last and d.weekday() >= 5})
        if len(worked) > limit:
            day = max(d for d in days if first <= d <= last and d.weekday() >= 5)
            add(
                "weekends",
                day,
                _("%(name)s would work %(n)s weekends in this roster (at most %(max)s).")
                % {"name": staff, "n": len(worked), "max": limit},
            )
    # leave and unavailability, credentials, skills, wishes, on the roster's days
    for d in days:
        if not first <= d <= last:
            continue
        pid = cells[d]
        pattern = facts.pattern(pid)
        for r in facts.leave[staff_id]:
            if r.start_date <= d <= r.end_date and (r.pattern_id is None or r.pattern_id == pid):
                add(
                    "leave",
                    d,
                    _("%(name)s is on %(kind)s that day.") % {"name": staff, "kind": r.get_kind_display().lower()},
                )
                break
        if staff_id not in facts.qualified_throughout:
            start, end = times[d]
            ask = facts.may_work or judge([staff], unit=facts.roster.unit)
            verdict = ask(staff, start, end)
            if not verdict.ok:
                add(
                    "credentials",
                    d,
                    _("%(name)s may not work this shift: %(reasons)s")
                    % {"name": staff, "reasons": "; ".join(verdict.reasons)},
                )
        needed = {str(s) for s in (pattern.required_skills or [])}
        if needed:
            have = skills_on(staff, facts.credentials[staff_id], d)
            missing = sorted(needed - have)
            if missing:
                add(
                    "skills",
                    d,
                    _("%(name)s lacks the skill this shift requires: %(skills)s.")
                    % {"name": staff, "skills": ", ".join(missing)},
                )
        for r in facts.wishes[staff_id]:
            if (
                r.kind == RequestKind.SHIFT_UNWANTED
                and r.start_date <= d <= r.end_date
                and (r.pattern_id is None or r.pattern_id == pid)
            ):
                add("wish", d, _("%(name)s asked not to work this shift.") % {"name": staff}, hard=False)
    # overtime above the contract, over the roster
    inside = sum(minutes[d] for d in days if first <= d <= last)
    contracted = staff.contracted_minutes_per_week * facts.roster.days / 7
    if inside > contracted and days:
        day = max(d for d in days if first <= d <= last) if any(first <= d <= last for d in days) else None
        if day is not None:
            add(
                "overtime",
                day,
                _("%(name)s would work %(h)s h, %(over)s h above the contract for this roster.")
                % {"name": staff, "h": _fmt_hours(inside), "over": _fmt_hours(inside - contracted)},
                hard=False,
            )
    return out


def check_roster(
    roster: Roster, *, entries: list[RosterEntry] | None = None, staff_ids: Iterable[int] | None = None
) -> list[RuleProblem]:
    """Every problem of the roster (its stored entries, or `entries`), for everyone
    on it or for `staff_ids`."""
    rows = (
        entries
        if entries is not None
        else list(RosterEntry.objects.filter(roster=roster).only("staff_id", "date", "pattern_id"))
    )
    ids = set(staff_ids) if staff_ids is not None else {e.staff_id for e in rows}
    if not ids:
        return []
    facts = load_facts(roster, ids, entries=[e for e in rows if e.staff_id in ids])
    out: list[RuleProblem] = []
    for sid in sorted(ids):
        if sid in facts.staff:
            out += person_problems(facts, sid, facts.cells[sid])
    return sorted(out, key=lambda p: (p.date, p.staff_id, p.rule))


def check_change(
    roster: Roster, staff: StaffMember | int, day: date, pattern: ShiftPattern | int | None
) -> list[RuleProblem]:
    """What breaks if `staff` works `pattern` (None: nothing) on `day` of this roster:
    the problems of their shifts after the change that were not there before."""
    staff_id = staff if isinstance(staff, int) else staff.pk
    facts = load_facts(roster, [staff_id])
    if staff_id not in facts.staff:
        return []
    before_cells = dict(facts.cells[staff_id])
    after_cells = dict(before_cells)
    pattern_id = pattern if isinstance(pattern, int) or pattern is None else pattern.pk
    if pattern_id is None:
        after_cells.pop(day, None)
    else:
        if pattern_id not in facts.patterns:
            return [RuleProblem("skills", staff_id, day, _("This shift is not one of this unit's shifts."), True)]
        after_cells[day] = pattern_id
    before = {p.key() for p in person_problems(facts, staff_id, before_cells)}
    after = person_problems(facts, staff_id, after_cells)
    return [p for p in after if p.key() not in before]


def hard(problems: Iterable[RuleProblem]) -> list[RuleProblem]:
    return [p for p in problems if p.hard]

"""Nurse-to-patient ratio caps (RULES.md §2) for a unit on a care shift.

The cap of a unit on a shift is its rule pack's ratio for the unit type (a
rule for the shift's time, day or night, wins over one "at all times"),
tightened by the site's own cap `Unit.max_patients_per_nurse`. A ratio of N
nurses for P patients becomes per-nurse caps: with n nurses on the shift the
unit may hold at most floor(n * P / N) patients, split as evenly as possible
(2:5 with two nurses: 3 and 2). A unit without a pack has no cap from law, only
its own cap if it set one.

A site may only be stricter than its pack (RULES.md principle): an own cap
looser than a rule of the pack is refused.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from caredesk.org.models import RatioPack, RatioRule, RatioShift, Unit


@dataclass(frozen=True)
class UnitRatio:
    """What limits one nurse's patient count on a unit and shift."""

    rule: RatioRule | None
    own_cap: int | None
    has_pack: bool

    @property
    def pack_cap(self) -> int | None:
        """The most patients a single nurse may have under the rule (ceil(P / N))."""
        if self.rule is None:
            return None
        return math.ceil(self.rule.patients / self.rule.nurses)

    @property
    def per_nurse(self) -> int | None:
        """The largest cap any one nurse can get (None: no cap at all)."""
        caps = [c for c in (self.pack_cap, self.own_cap) if c is not None]
        return min(caps) if caps else None

    @property
    def label(self) -> str:
        parts = []
        if self.rule is not None:
            parts.append(
                _("%(pack)s %(nurses)s:%(patients)s")
                % {"pack": self.rule.pack.name, "nurses": self.rule.nurses, "patients": self.rule.patients}
            )
        if self.own_cap is not None:
            parts.append(_("site cap %(n)s per nurse") % {"n": self.own_cap})
        return "; ".join(parts) if parts else _("no ratio")

    def caps(self, n: int) -> list[int | None]:
        """Per-nurse caps for `n` nurses, highest first, so that the total never
        exceeds floor(n * P / N) (None: no cap for that nurse)."""
        if n <= 0:
            return []
        if self.rule is None:
            return [self.own_cap] * n
        total = (n * self.rule.patients) // self.rule.nurses
        base, extra = divmod(total, n)
        split = [base + 1] * extra + [base] * (n - extra)
        if self.own_cap is not None:
            split = [min(c, self.own_cap) for c in split]
        return list[int | None](split)


def applicable_rule(rules: Iterable[RatioRule], unit_kind: str, *, is_night: bool) -> RatioRule | None:
    """The rule for this unit type and time of day: day/night rules win over "any"."""
    wanted = RatioShift.NIGHT if is_night else RatioShift.DAY
    found: RatioRule | None = None
    for rule in rules:
        if rule.unit_kind != unit_kind:
            continue
        if rule.shift == wanted:
            return rule
        if rule.shift == RatioShift.ANY:
            found = rule
    return found


def unit_ratio(unit: Unit, *, is_night: bool) -> UnitRatio:
    pack = unit.ratio_pack if unit.ratio_pack_id else None
    rule = None
    if pack is not None and pack.is_active:
        rule = applicable_rule(pack.rules.select_related("pack").all(), unit.kind, is_night=is_night)
    return UnitRatio(rule=rule, own_cap=unit.max_patients_per_nurse, has_pack=pack is not None)


def looser_rule(pack: RatioPack | None, unit_kind: str, own_cap: int | None) -> RatioRule | None:
    """The first rule of `pack` for this unit type that `own_cap` would loosen
    (own_cap * N > P), or None when the own cap is at least as strict as all."""
    if pack is None or own_cap is None:
        return None
    for rule in pack.rules.filter(unit_kind=unit_kind).order_by("pk"):
        if own_cap * rule.nurses > rule.patients:
            return rule
    return None


def rule_text(rule: RatioRule) -> str:
    when = {RatioShift.DAY: _(" by day"), RatioShift.NIGHT: _(" at night")}.get(rule.shift, "")  # type: ignore[call-overload]
    return _("%(nurses)s nurse(s) for %(patients)s patients%(when)s") % {
        "nurses": rule.nurses,
        "patients": rule.patients,
        "when": when,
    }

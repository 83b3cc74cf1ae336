"""The demo's rostered units have the nurses their beds and ratio call for: the
arithmetic a hospital budgets with, on the seed's own data (no solve)."""

from __future__ import annotations

import math

import pytest

from caredesk.accounts.seed import STAFFING
from caredesk.assignment.seed import PACKS
from caredesk.core.roles import Discipline
from caredesk.org.seed import HOSPITAL_UNITS
from caredesk.scheduling.seeding.rosters import UNITS

SHIFTS_A_DAY = 2  # Day and Night, 12 h each
SHIFTS_A_WEEK_PER_NURSE = 3  # about 36 h
LICENSED = (Discipline.RN, Discipline.LPN)  # what the California ratio counts


@pytest.mark.parametrize("code", UNITS)
def test_rostered_units_are_staffed_for_a_full_unit(code: str) -> None:
    spec = next(u for u in HOSPITAL_UNITS if u.code == code)
    beds = spec.rooms * spec.beds_per_room
    california = next(p for p in PACKS if p["code"] == "us-ca-22ccr70217")
    _kind, _shift, nurses, patients, _note = next(r for r in california["rules"] if r[0] == spec.kind)
    per_shift = math.ceil(beds * nurses / patients)  # every bed full
    shifts_a_week = per_shift * SHIFTS_A_DAY * 7
    licensed = 1 + sum(n for d, n in STAFFING[code] if d in LICENSED)  # + the coordinator, a charge nurse
    assert licensed * SHIFTS_A_WEEK_PER_NURSE >= shifts_a_week, (code, licensed, shifts_a_week)
    # every other weekend off: half of them cover each weekend's shifts, two days each
    assert licensed // 2 * 2 >= per_shift * SHIFTS_A_DAY * 2, (code, licensed)

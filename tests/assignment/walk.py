"""Site-A assignment records for the cross-site walk (tests/test_cross_site.py)."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from caredesk.assignment.models import CareShift, PatientAssignment, ShiftPattern, ShiftStaff
from caredesk.core import clock
from caredesk.org.models import RatioPack
from caredesk.workforce.models import Credential, CredentialKind, CredentialType
from tests.assignment.helpers import assign, make_bed, make_nurse, make_pack, make_shift, make_stay


def targets(world: Any) -> dict[str, Any]:
    now = clock.now()
    on_shift = make_nurse(world.site_a, world.icu_a, "walk_icu_one")
    free = make_nurse(world.site_a, world.icu_a, "walk_icu_two")
    bls, _ = CredentialType.objects.get_or_create(
        code="bls", defaults={"name": "Basic Life Support (BLS)", "kind": CredentialKind.CERTIFICATION}
    )
    for person in (on_shift, free):  # the workforce walk requires BLS of everyone on site A
        Credential.objects.create(staff=person, type=bls, issued_on=date(2025, 1, 1), expires_on=date(2099, 1, 1))
    pattern = ShiftPattern.objects.create(
        unit=world.icu_a, code="walk", name="Walk", start_time=time(6, 30), length_minutes=480
    )
    shift = make_shift(world.icu_a, now - timedelta(hours=1), [on_shift], label="Alpha ICU walk")
    stay = make_stay(world.icu_a, make_bed(world.icu_a, "AW-ASG", 98), family="Alpha ICU patient")
    assign(shift, stay, on_shift)
    pack = make_pack("walk-pack", [("icu", "any", 1, 2)], site=world.site_a)
    return {
        "care_shift_id": shift.pk,
        "shift_staff_id": ShiftStaff.objects.get(shift=shift, staff=on_shift).pk,
        "shift_stay_id": stay.pk,
        "shift_pattern_id": pattern.pk,
        "ratio_pack_id": pack.pk,
        "nurse_id": on_shift.pk,
        "staff_member_id": free.pk,
        "start_time": "06:30:00",
        "shift_date": (clock.to_zone(now, world.site_a.time_zone).date() + timedelta(days=3)).isoformat(),
    }


def state(world: Any) -> list[Any]:
    site = world.site_a
    return [
        list(ShiftPattern.objects.filter(unit__site=site).values()),
        list(CareShift.objects.filter(unit__site=site).values()),
        list(ShiftStaff.objects.filter(shift__unit__site=site).values()),
        list(PatientAssignment.objects.filter(shift__unit__site=site).values()),
        list(RatioPack.objects.filter(site=site).values()),
    ]

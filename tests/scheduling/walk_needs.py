"""Site-A needs and requests for the cross-site walk (tests/test_cross_site.py):
`targets(world)` and `state(world)`, merged by tests/scheduling/walk.py."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from caredesk.assignment.models import ShiftPattern
from caredesk.scheduling.models import SkillMixRule, StaffingNeed, StaffRequest
from caredesk.workforce.models import StaffMember
from tests.scheduling.helpers_needs import CALIFORNIA, make_nurse, make_request, pack, today

API = "/api/v1/scheduling"


def targets(world: Any) -> dict[str, Any]:
    unit = world.icu_a
    if unit.ratio_pack_id is None:  # derive needs a ratio: California 1:2
        unit.ratio_pack = pack("walk-needs-ca", CALIFORNIA)
        unit.save(update_fields=["ratio_pack"])
    day = ShiftPattern.objects.create(
        unit=unit, code="needs-day", name="Alpha needs day", start_time=time(7), length_minutes=720
    )
    ShiftPattern.objects.create(
        unit=unit, code="needs-night", name="Alpha needs night", start_time=time(19), length_minutes=720, is_night=True
    )
    first = today(world.site_a) + timedelta(days=21)
    monday = first - timedelta(days=first.weekday())
    need = StaffingNeed.objects.create(unit=unit, date=monday, pattern=day, minimum=3)
    rule = SkillMixRule.objects.create(unit=unit, skill="charge", count=1)
    nurse = make_nurse(world.site_a, unit, "nurse_a_needs")
    request = make_request(nurse, start=first)
    # The control calls are made by the superuser: give it a staff record so it may ask for itself.
    if not StaffMember.objects.filter(user=world.superuser).exists():
        make_nurse(world.site_a, unit, user=world.superuser)
    later = monday + timedelta(days=7)
    return {
        "need_id": need.pk,
        "rule_id": rule.pk,
        "request_id": request.pk,
        f"{API}/needs:pattern_id": day.pk,
        f"{API}/needs:date": monday.isoformat(),
        f"{API}/needs:start": monday.isoformat(),
        f"{API}/needs:from": monday.isoformat(),
        f"{API}/needs:to": (monday + timedelta(days=6)).isoformat(),
        f"{API}/needs:from_start": monday.isoformat(),
        f"{API}/needs:to_start": later.isoformat(),
        f"{API}/needs/{{:version": 1,
        f"{API}/shift-types:pattern_id": day.pk,
        f"{API}/requests:start_date": (later + timedelta(days=14)).isoformat(),
        f"{API}/requests:end_date": (later + timedelta(days=15)).isoformat(),
        "/scheduling/needs/shift-types:pattern_id": day.pk,
    }


def state(world: Any) -> list[Any]:
    site = world.site_a
    return [
        list(StaffingNeed.objects.filter(unit__site=site).values()),
        list(SkillMixRule.objects.filter(unit__site=site).values()),
        list(StaffRequest.objects.filter(staff__site=site).values()),
        list(ShiftPattern.objects.filter(unit__site=site).values("id", "required_skills", "version")),
    ]

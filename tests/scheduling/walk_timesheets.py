"""Site-A timesheet records for the cross-site walk (tests/test_cross_site.py),
merged by tests/scheduling/walk.py. Body fields under the timesheets API prefix
get valid values so that the walk's control call (a superuser) succeeds."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

from caredesk.accounts.models import User
from caredesk.core import clock
from caredesk.scheduling.models import TimesheetEntry
from caredesk.workforce.models import StaffMember
from tests.conftest import make_user
from tests.scheduling.helpers_timesheets import make_entry, make_staff

PREFIX = "/api/v1/scheduling/timesheets"
IMPORT_CSV = "employee_number,date,clock_in,clock_out,break_minutes,unit_code\n"


def targets(world: Any) -> dict[str, Any]:
    user = User.objects.filter(username="nurse_a_timesheets").first() or make_user(
        "nurse_a_timesheets", role="clinician", site=world.site_a, unit=world.icu_a, discipline="rn"
    )
    staff = StaffMember.objects.filter(user=user).first() or make_staff(
        user, world.site_a, world.icu_a, number="ALPHA-TS1"
    )
    today = clock.to_zone(clock.now(), world.site_a.time_zone).date()
    entry = TimesheetEntry.objects.filter(staff=staff).first() or make_entry(
        staff, world.icu_a, today - timedelta(days=3), hours=8
    )
    return {
        "timesheet_entry_id": entry.pk,
        "timesheet_staff_id": staff.pk,
        f"{PREFIX}:staff_id": staff.pk,
        f"{PREFIX}:date": (today - timedelta(days=1)).isoformat(),
        f"{PREFIX}:clock_in": "07:00",
        f"{PREFIX}:clock_out": "09:00",
        f"{PREFIX}:file_name": "clock.csv",
        f"{PREFIX}:file_base64": base64.b64encode(IMPORT_CSV.encode()).decode(),
    }


def state(world: Any) -> list[Any]:
    return [list(TimesheetEntry.objects.filter(unit__site=world.site_a).values())]

"""Site-A publishing, swaps, open shifts and calendar feeds for the cross-site walk
(tests/test_cross_site.py; merged into tests/scheduling/walk.py by the lead).

The walk's control calls are made by the superuser: so that the personal routes
(propose, answer, claim, my calendar feed) reach real data, the superuser gets a
staff record on site A's ICU here, with shifts and swaps of their own.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from caredesk.assignment.models import ShiftPattern
from caredesk.core import clock
from caredesk.scheduling.models import CalendarFeed, OpenShift, Roster, RosterEntry, RosterVersion, SwapRequest
from caredesk.scheduling.services import feeds, swaps
from caredesk.scheduling.services import publishing as pub
from caredesk.workforce.models import Credential, CredentialKind, CredentialType, StaffMember
from tests.conftest import make_user
from tests.scheduling.helpers_publishing import make_staff

API = "/api/v1/scheduling"


def targets(world: Any) -> dict[str, Any]:
    now = clock.now()
    day0 = clock.to_zone(now, world.site_a.time_zone).date() + timedelta(days=7)
    pattern = ShiftPattern.objects.create(
        unit=world.icu_a, code="pub-day", name="Publishing walk day", start_time=time(7), length_minutes=480
    )
    x_user = make_user("walk_pub_x", role="clinician", site=world.site_a, unit=world.icu_a, discipline="rn")
    y_user = make_user("walk_pub_y", role="clinician", site=world.site_a, unit=world.icu_a, discipline="rn")
    # Another area's walk may already have given the superuser a staff record.
    me = StaffMember.objects.filter(user=world.superuser).first() or make_staff(
        world.superuser, world.site_a, world.icu_a
    )
    if me.home_unit_id != world.icu_a.pk:
        me.other_units.add(world.icu_a)
    x = make_staff(x_user, world.site_a, world.icu_a)
    y = make_staff(y_user, world.site_a, world.icu_a)
    bls, _ = CredentialType.objects.get_or_create(
        code="bls", defaults={"name": "Basic Life Support (BLS)", "kind": CredentialKind.CERTIFICATION}
    )
    for person in (me, x, y):
        Credential.objects.create(staff=person, type=bls, issued_on=date(2025, 1, 1), expires_on=date(2099, 1, 1))
    while Roster.objects.filter(unit=world.icu_a, start_date=day0).exists():  # another walk's roster
        day0 += timedelta(days=1)
    roster = Roster.objects.create(unit=world.icu_a, start_date=day0, days=14, created_by=world.coordinator_a)

    def put(staff: Any, offset: int) -> RosterEntry:
        return RosterEntry.objects.create(
            roster=roster, staff=staff, date=day0 + timedelta(days=offset), pattern=pattern
        )

    mine, mine_swapped, x_first, x_second = put(me, 1), put(me, 3), put(x, 5), put(x, 7)
    pub.publish(world.coordinator_a, roster.pk, expected_version=roster.version, now=now)
    to_cancel = swaps.propose_swap(world.superuser, mine_swapped.pk, x.pk, None, now=now)
    to_answer = swaps.propose_swap(x_user, x_first.pk, me.pk, None, now=now)
    to_decide = swaps.propose_swap(x_user, x_second.pk, y.pk, None, now=now)
    swaps.respond_swap(y_user, to_decide.pk, accept=True, now=now)
    to_decide.refresh_from_db()
    open_shift = swaps.post_open_shift(world.coordinator_a, roster.pk, day0 + timedelta(days=9), pattern.pk, now=now)
    claimed = swaps.post_open_shift(world.coordinator_a, roster.pk, day0 + timedelta(days=11), pattern.pk, now=now)
    swaps.claim_open_shift(y_user, claimed.pk, now=now)
    claimed.refresh_from_db()
    feeds.create_feed(world.superuser, now=now)
    roster.refresh_from_db()

    found: dict[str, Any] = {
        "swap_id": to_answer.pk,
        "open_shift_id": open_shift.pk,
        "entry_id": mine.pk,
        # Bodies: a swap of the superuser's own shift; an open shift of the walk's roster.
        f"{API}/swaps:entry_id": mine.pk,
        f"{API}/swaps:colleague_id": x.pk,
        f"{API}/swaps/{{swap_id}}/decide:swap_id": to_decide.pk,
        f"{API}/swaps/{{swap_id}}/decide:version": to_decide.version,
        f"{API}/swaps/{{swap_id}}/cancel:swap_id": to_cancel.pk,
        f"{API}/open-shifts:roster_id": roster.pk,
        f"{API}/open-shifts:date": (day0 + timedelta(days=12)).isoformat(),
        f"{API}/open-shifts:pattern_id": pattern.pk,
        f"{API}/open-shifts/{{open_shift_id}}/decide:open_shift_id": claimed.pk,
        f"{API}/open-shifts/{{open_shift_id}}/decide:version": claimed.version,
        "/scheduling/swaps/propose/<int:entry_id>:entry_id": mine.pk,
        "/scheduling/open-shifts/<int:open_shift_id>/decide:open_shift_id": claimed.pk,
    }
    for route in ("publish", "publication", "published-versions", "replan"):
        found[f"{API}/rosters/{{roster_id}}/{route}:roster_id"] = roster.pk
        found[f"{API}/rosters/{{roster_id}}/{route}:version"] = roster.version
    for route in ("publish", "replan", "changes", "published", "export.xlsx", "export.pdf"):
        found[f"/scheduling/rosters/<int:roster_id>/{route}:roster_id"] = roster.pk
    found["/scheduling/open-shifts/new/<int:roster_id>:roster_id"] = roster.pk
    return found


def state(world: Any) -> list[Any]:
    return [
        list(Roster.objects.filter(unit__site=world.site_a).values("id", "version", "published_version", "status")),
        list(RosterVersion.objects.filter(roster__unit__site=world.site_a).values("id", "number")),
        list(
            RosterEntry.objects.filter(roster__unit__site=world.site_a).values("id", "staff_id", "date", "pattern_id")
        ),
        list(SwapRequest.objects.filter(roster__unit__site=world.site_a).values("id", "status", "version")),
        list(OpenShift.objects.filter(roster__unit__site=world.site_a).values("id", "status", "claimed_by_id")),
        list(CalendarFeed.objects.filter(staff__site=world.site_a).values("id", "revoked_at")),
    ]

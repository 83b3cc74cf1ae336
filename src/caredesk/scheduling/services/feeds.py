"""A person's calendar feed: a secret address (shown once, only its SHA-256 kept)
answering an iCalendar file of their published shifts. One live feed per person:
making a new one revokes the old; revoking makes the address answer 404."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from caredesk.core import audit, clock, errors
from caredesk.scheduling.models import CalendarFeed
from caredesk.workforce.models import StaffMember, StaffStatus

TOKEN_PREFIX = "cal_"
# How far back a feed reaches (calendars keep what they already have).
FEED_PAST_DAYS = 35


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _own_staff(actor: Any) -> StaffMember:
    staff = StaffMember.objects.filter(user_id=getattr(actor, "pk", 0) or 0).select_related("site").first()
    if staff is None:
        raise errors.PermissionDenied(_("You have no staff record, so no shifts to put in a calendar."))
    return staff


def live_feed(staff: StaffMember) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(staff=staff, revoked_at__isnull=True).first()


@transaction.atomic
def create_feed(actor: Any, *, now: datetime | None = None) -> tuple[CalendarFeed, str]:
    """A new secret address for the actor's own shifts; the token is returned once."""
    moment = now or clock.now()
    staff = _own_staff(actor)
    for old in CalendarFeed.objects.select_for_update().filter(staff=staff, revoked_at__isnull=True):
        old.revoked_at = moment
        old.version += 1
        old.save(update_fields=["revoked_at", "version", "updated_at"])
        audit.record(actor=actor, action="scheduling.revoke_feed", obj=old, after={"revoked_at": moment}, at=moment)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(staff=staff, token_hash=token_hash(token))
    audit.record(actor=actor, action="scheduling.create_feed", obj=feed, after={"staff_id": staff.pk}, at=moment)
    return feed, token


@transaction.atomic
def revoke_feed(actor: Any, *, now: datetime | None = None) -> CalendarFeed | None:
    moment = now or clock.now()
    staff = _own_staff(actor)
    feed = CalendarFeed.objects.select_for_update().filter(staff=staff, revoked_at__isnull=True).first()
    if feed is None:
        return None
    feed.revoked_at = moment
    feed.version += 1
    feed.save(update_fields=["revoked_at", "version", "updated_at"])
    audit.record(actor=actor, action="scheduling.revoke_feed", obj=feed, after={"revoked_at": moment}, at=moment)
    return feed


def feed_for_token(token: str, *, now: datetime | None = None) -> CalendarFeed:
    """The live feed of this token (its last use noted), or NotFound."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        raise errors.NotFound()
    feed = (
        CalendarFeed.objects.filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .select_related("staff", "staff__site", "staff__user")
        .first()
    )
    if feed is None or feed.staff.status == StaffStatus.TERMINATED:
        raise errors.NotFound()
    moment = now or clock.now()
    if feed.last_used_at is None or moment - feed.last_used_at > timedelta(minutes=5):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=moment)
        feed.last_used_at = moment
    return feed


def ics(staff: StaffMember, *, now: datetime | None = None) -> bytes:
    """The iCalendar file of the person's published shifts (times in UTC; a night
    across a daylight-saving change has its true length)."""
    from icalendar import Calendar, Event

    from caredesk.scheduling.queries import publishing as q

    moment = now or clock.now()
    today = clock.to_zone(moment, staff.site.time_zone).date()
    cal = Calendar()
    cal.add("prodid", "-//CareDesk//Staff scheduling//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("My shifts"))
    cal.add("x-wr-timezone", staff.site.time_zone)
    for shift in q.published_shifts(staff, start=today - timedelta(days=FEED_PAST_DAYS)):
        event = Event()
        event.add("uid", f"caredesk-roster{shift.roster_id}-staff{staff.pk}-{shift.date.isoformat()}@caredesk")
        event.add("summary", f"{shift.unit_name} – {shift.pattern_name}")
        event.add("dtstart", shift.starts_at.astimezone(clock.UTC))
        event.add("dtend", shift.ends_at.astimezone(clock.UTC))
        event.add("dtstamp", moment.astimezone(clock.UTC))
        event.add("sequence", shift.version)
        event.add("categories", [shift.pattern_code])
        cal.add_component(event)
    return cal.to_ical()

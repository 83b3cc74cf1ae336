"""The calendar feed: a secret token, revocable, one live per person; events in
UTC with their true length across the end of daylight saving."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from icalendar import Calendar

from caredesk.core import clock
from caredesk.scheduling.models import CalendarFeed
from caredesk.scheduling.services import feeds
from caredesk.scheduling.services import publishing as pub
from tests.scheduling.helpers_publishing import NOW, START, entry, no_problems, ward

pytestmark = pytest.mark.django_db

UTC = clock.UTC
DST_NIGHT = START + timedelta(days=5)  # Saturday 2026-10-31: clocks go back at 02:00 on Sunday


def test_token_works_new_one_revokes_old_and_revoke_gives_404(world: Any, client: Any) -> None:
    w = ward(world)
    feed, token = feeds.create_feed(world.nurse_a, now=NOW)
    assert feed.token_hash == feeds.token_hash(token) and token not in feed.token_hash
    url = f"/scheduling/feeds/{token}.ics"
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert CalendarFeed.objects.get(pk=feed.pk).last_used_at is not None
    _second, token2 = feeds.create_feed(world.nurse_a, now=NOW)
    assert client.get(url).status_code == 404
    assert client.get(f"/scheduling/feeds/{token2}.ics").status_code == 200
    assert CalendarFeed.objects.filter(staff=w.ann, revoked_at__isnull=True).count() == 1
    feeds.revoke_feed(world.nurse_a, now=NOW)
    assert client.get(f"/scheduling/feeds/{token2}.ics").status_code == 404
    assert client.get("/scheduling/feeds/cal_unknown.ics").status_code == 404


def test_events_in_utc_with_the_true_length_across_dst(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    no_problems(monkeypatch)
    w = ward(world)
    entry(w.roster, w.ann, DST_NIGHT, w.night)
    entry(w.roster, w.ann, START, w.day)
    entry(w.roster, w.bob, START, w.day)
    w.roster.refresh_from_db()
    pub.publish(world.coordinator_a, w.roster.pk, expected_version=w.roster.version, now=NOW)
    cal = Calendar.from_ical(feeds.ics(w.ann, now=NOW))
    events = sorted(cal.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert len(events) == 2
    day, night = events
    assert day.decoded("dtstart") == datetime(2026, 10, 26, 11, 0, tzinfo=UTC)  # 07:00 EDT
    assert night.decoded("dtstart") == datetime(2026, 10, 31, 23, 0, tzinfo=UTC)  # 19:00 EDT
    assert night.decoded("dtend") == datetime(2026, 11, 1, 12, 0, tzinfo=UTC)  # 07:00 EST
    assert night.decoded("dtend") - night.decoded("dtstart") == timedelta(hours=13)
    assert str(night["summary"]) == "Alpha ICU – Night"
    assert str(night["uid"]) == f"caredesk-roster{w.roster.pk}-staff{w.ann.pk}-{DST_NIGHT.isoformat()}@caredesk"
    # A new version keeps the UIDs (calendars update the event, not duplicate it).
    again = Calendar.from_ical(feeds.ics(w.ann, now=NOW))
    assert {str(e["uid"]) for e in again.walk("VEVENT")} == {str(e["uid"]) for e in events}

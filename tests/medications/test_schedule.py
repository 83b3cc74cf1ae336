"""Doses from orders in the site's zone, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from caredesk.medications import schedule

NY = "America/New_York"
PARIS = "Europe/Paris"


def local(moments: list[datetime], zone: str) -> list[str]:
    return [m.astimezone(ZoneInfo(zone)).strftime("%m-%d %H:%M %Z") for m in moments]


def occ(frequency: str, times: list[str], start: datetime, until: datetime, zone: str = NY) -> list[datetime]:
    return schedule.occurrences(
        frequency=frequency, times_of_day=times, starts_at=start, ends_at=None, zone=zone, until=until
    )


def test_spring_forward_new_york_gap_time_moves_to_first_valid_instant():
    start = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
    got = occ("daily", ["02:30"], start, start + timedelta(days=2))
    assert local(got, NY) == ["03-08 03:00 EDT", "03-09 02:30 EDT"]
    assert got[0] == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)  # the transition instant


def test_spring_forward_q6h_keeps_wall_times_and_the_interval_shrinks():
    start = datetime(2026, 3, 8, 4, 0, tzinfo=UTC)  # 23:00 EST on the 7th
    got = occ("q6h", [], start, start + timedelta(hours=20))
    assert local(got, NY) == ["03-08 00:00 EST", "03-08 06:00 EDT", "03-08 12:00 EDT", "03-08 18:00 EDT"]
    assert got[1] - got[0] == timedelta(hours=5)


def test_fall_back_repeated_time_is_given_once():
    start = datetime(2026, 10, 31, 12, 0, tzinfo=UTC)
    got = occ("daily", ["01:30"], start, start + timedelta(days=2))
    assert local(got, NY) == ["11-01 01:30 EDT", "11-02 01:30 EST"]
    assert got[0] == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # fold=0: the first 01:30


def test_fall_back_q6h_interval_grows():
    start = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)  # 23:00 EDT on Oct 31
    got = occ("q6h", [], start, start + timedelta(hours=14))
    assert local(got, NY)[:2] == ["11-01 00:00 EDT", "11-01 06:00 EST"]
    assert got[1] - got[0] == timedelta(hours=7)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (
            datetime(2026, 3, 28, 12, tzinfo=UTC),
            ["03-28 09:00 CET", "03-28 21:00 CET", "03-29 09:00 CEST", "03-29 21:00 CEST"],
        ),
        (
            datetime(2026, 10, 24, 12, tzinfo=UTC),
            ["10-24 09:00 CEST", "10-24 21:00 CEST", "10-25 09:00 CET", "10-25 21:00 CET"],
        ),
    ],
)
def test_paris_bid_stays_on_the_wall_clock(day, expected):
    start = day.replace(hour=6)
    got = occ("bid", ["09:00", "21:00"], start, start + timedelta(days=2) - timedelta(hours=1), zone=PARIS)
    assert local(got, PARIS) == expected


def test_paris_spring_gap_0230():
    start = datetime(2026, 3, 28, 12, tzinfo=UTC)
    got = occ("daily", ["02:30"], start, start + timedelta(days=1), zone=PARIS)
    assert local(got, PARIS) == ["03-29 03:00 CEST"]


def test_two_times_in_the_gap_become_one_dose():
    start = datetime(2026, 3, 8, 5, 0, tzinfo=UTC)
    got = occ("q12h", ["02:15", "02:45"], start, start + timedelta(hours=10))
    assert local(got, NY) == ["03-08 03:00 EDT"]


def test_weekly_and_once_and_prn():
    start = datetime(2026, 6, 1, 12, tzinfo=UTC)
    assert len(occ("weekly", ["09:00"], start, start + timedelta(days=21))) == 3
    assert occ("once", [], start, start + timedelta(days=1)) == [start]
    assert occ("prn", [], start, start + timedelta(days=1)) == []


def test_order_end_is_exclusive():
    start = datetime(2026, 6, 1, 12, tzinfo=UTC)  # 08:00 EDT
    got = schedule.occurrences(
        frequency="bid",
        times_of_day=["09:00", "21:00"],
        starts_at=start,
        ends_at=datetime(2026, 6, 2, 1, 0, tzinfo=UTC),  # 21:00 EDT
        zone=NY,
        until=start + timedelta(days=3),
    )
    assert local(got, NY) == ["06-01 09:00 EDT"]

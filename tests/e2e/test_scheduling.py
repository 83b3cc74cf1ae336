"""End-to-end: Monday morning on 4 West, in a real browser (issue 4's walk).

The coordinator generates the draft roster and watches the progress panel,
tries to put a nurse on a day of approved leave and is told why not, and
publishes; the nurse then sees the shifts on their own page and in their
calendar feed. The server runs with its background worker (conftest.py).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.test_browser import expect, log_in

pytestmark = pytest.mark.e2e


def test_generate_edit_into_a_rule_break_publish_and_the_nurse_sees_it(page: Any, caredesk_server: str) -> None:
    base = caredesk_server
    log_in(page, base, "coord.4west")
    expect(page).to_have_url(f"{base}/")

    # Workforce → Schedule → the 4 West roster (a draft in the demo).
    page.locator("#mainnav").get_by_role("button", name="Workforce").click()
    page.locator("#mainnav").get_by_role("link", name="Schedule", exact=True).click()
    expect(page).to_have_url(f"{base}/scheduling/")
    row = page.locator("#roster-list tbody tr", has_text="4 West Med-Surg").first
    row.get_by_role("link", name="Open").click()
    expect(page).to_have_url(re.compile(r"/scheduling/rosters/\d+/$"))
    roster_url = page.url

    # Generate with the shortest limit: the progress panel appears and polls until the engine is done.
    page.select_option("#id_time_limit_s", index=0)
    page.get_by_role("button", name="Generate").click()
    progress = page.locator("#run-progress")
    expect(progress).to_be_visible()
    expect(progress.locator(".run-status")).to_have_text(re.compile(r"Done|Stopped"), timeout=90_000)
    page.goto(roster_url)

    # A shift on a day of approved leave: refused at once, with the rule named.
    leave = page.locator("#roster-grid td.table-info a").first
    expect(leave).to_be_visible()
    leave.click()
    cell = page.locator("form.roster-cell-form")
    expect(cell).to_be_visible()
    cell.locator("select[name=pattern_id]").select_option(index=1)
    cell.get_by_role("button", name="Save").click()
    message = page.locator("#cell-message")
    expect(message).to_be_visible()
    expect(message).to_have_class(re.compile(r"alert-danger"))
    expect(message).to_contain_text(re.compile(r"leave|time off", re.IGNORECASE))

    # Publish: the roster becomes visible to staff.
    page.goto(roster_url)
    page.locator("#publishing-actions").get_by_role("button", name="Publish").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#publishing-actions")).to_contain_text("Published version 1")

    # The nurse of 4 West: their shifts on their page, then in their calendar feed.
    page.click("#user-menu")
    page.locator("#logout-button").click()
    log_in(page, base, "nurse.4west")
    page.goto(f"{base}/scheduling/my-shifts/")
    shifts = page.locator("#my-shifts li", has_text="4 West Med-Surg")
    expect(shifts.first).to_be_visible()
    page.get_by_role("button", name="Get a calendar address").click()
    feed_url = page.locator("#feed-url").input_value()
    assert re.search(r"/scheduling/feeds/[^/]+\.ics$", feed_url)
    feed = page.request.get(feed_url)
    assert feed.status == 200 and feed.headers["content-type"].startswith("text/calendar")
    body = feed.text()
    assert "BEGIN:VCALENDAR" in body and body.count("BEGIN:VEVENT") >= 1 and "4 West Med-Surg" in body

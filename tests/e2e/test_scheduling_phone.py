"""End-to-end: a nurse's own schedule pages on a phone (390 x 844).

The ICU nurse (whose unit's roster is published in the demo) opens My shifts
from the menu, proposes a swap, sees the unit's open shift and claims it, asks
for time off and enters hours. On every page nothing is wider than the screen
(no sideways scrolling) and the main buttons are on screen and work, even with
a long link pasted into a note. The server is the session's demo server
(conftest.py); the director offers the open shift from a desktop.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import fresh_page
from tests.e2e.test_browser import expect, log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
# A note nobody can break at a space: it must wrap, not widen the page.
LONG_LINK = "https://intranet.example.org/forms/leave/attachments/2026/a-very-long-file-name-without-any-spaces.pdf"
OPEN_NOTE = "E2E phone: call-out, please help"
SITE_ZONE = ZoneInfo("America/New_York")  # the demo hospital's, where the ICU is


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A fresh page the size of a phone, with touch, in English."""
    with fresh_page(browser, viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True) as pg:
        yield pg


def assert_fits(page: Any) -> None:
    """No horizontal overflow: the page is not wider than the screen."""
    width, inner = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width <= inner + 1, f"{page.url} is {width} px wide on a {inner} px screen"


def assert_on_screen(locator: Any) -> None:
    """Visible, enabled or not, and entirely within the screen's width."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, box


def offer_open_shift(page: Any, base: str, day: date) -> None:
    """The director offers a Day shift of the ICU's published roster."""
    log_in(page, base, "director")
    page.goto(f"{base}/scheduling/")
    page.locator("#roster-list tbody tr", has_text="Intensive Care").first.get_by_role("link", name="Open").click()
    expect(page).to_have_url(re.compile(r"/scheduling/rosters/\d+/$"))
    page.locator("#publishing-actions").get_by_role("link", name="Offer an open shift").click()
    page.fill("#id_date", day.isoformat())
    page.select_option("#id_pattern", index=0)
    page.fill("#id_note", OPEN_NOTE)
    page.get_by_role("button", name="Offer").click()
    expect(page.locator(".alert-success", has_text="Open shift offered")).to_be_visible()


def test_nurse_pages_fit_a_phone_and_their_buttons_work(page: Any, phone: Any, caredesk_server: str) -> None:
    base = caredesk_server
    today = datetime.now(SITE_ZONE).date()
    offer_open_shift(page, base, today + timedelta(days=5))

    log_in(phone, base, "nurse.icu")
    expect(phone).to_have_url(f"{base}/")
    assert_fits(phone)

    # My shifts, from the menu (the hamburger, then the user menu).
    phone.locator(".navbar-toggler").click()
    expect(phone.locator("#mainnav")).to_have_class(re.compile(r"\bshow\b"))  # opened, not still sliding
    phone.locator("#user-menu").click()
    menu = phone.locator("#user-menu + .dropdown-menu")
    expect(menu).to_be_visible()
    menu.get_by_role("link", name="My shifts", exact=True).click()
    expect(phone).to_have_url(f"{base}/scheduling/my-shifts/")
    first_shift = phone.locator("#my-shifts li").first
    expect(first_shift).to_contain_text("Intensive Care")
    assert_fits(phone)
    swap = first_shift.get_by_role("link", name="Swap")
    assert_on_screen(swap)

    # Propose a swap of that shift: the form fits, and the swap is listed with its Withdraw button.
    swap.click()
    expect(phone).to_have_url(re.compile(r"/scheduling/swaps/propose/\d+$"))
    assert_fits(phone)
    phone.fill("#id_note", LONG_LINK)
    propose = phone.get_by_role("button", name="Propose")
    assert_on_screen(propose)
    propose.click()
    expect(phone).to_have_url(f"{base}/scheduling/swaps/")
    expect(phone.locator(".alert-success", has_text="Swap proposed")).to_be_visible()
    assert_fits(phone)
    mine = phone.locator("#my-swaps li", has_text=LONG_LINK[:40])
    assert_on_screen(mine.get_by_role("button", name="Withdraw"))

    # The open shift of the unit, with its Claim button; claiming answers with a message either way
    # (taken, or refused with the rule or the missing skill named).
    offered = phone.locator("#open-shifts li", has_text=OPEN_NOTE)
    claim = offered.get_by_role("button", name="Claim")
    assert_on_screen(claim)
    if claim.is_enabled():
        claim.click()
        expect(phone.locator(".alert", has_text=re.compile(r"Claimed|cannot|rule", re.IGNORECASE))).to_be_visible()
        assert_fits(phone)
    else:
        expect(offered).to_contain_text("You cannot claim it")

    # My requests: ask for two days off, with a long link as the reason.
    phone.goto(f"{base}/scheduling/requests/mine/")
    assert_fits(phone)
    phone.select_option("#id_kind", "time_off")
    phone.fill("#id_start_date", (today + timedelta(days=60)).isoformat())
    phone.fill("#id_end_date", (today + timedelta(days=61)).isoformat())
    phone.fill("#id_reason", LONG_LINK)
    send = phone.locator("#request-form").get_by_role("button", name="Send")
    assert_on_screen(send)
    send.click()
    expect(phone.locator(".alert-success")).to_be_visible()
    request = phone.locator("#my-requests li", has_text=LONG_LINK[:40])
    expect(request).to_contain_text("Pending")
    assert_fits(phone)
    assert_on_screen(request.get_by_role("button", name="Cancel"))

    # My hours: enter a day worked three weeks ago; it waits for approval, with its Correct button.
    phone.goto(f"{base}/scheduling/timesheets/mine/")
    assert_fits(phone)
    worked = today - timedelta(days=20)
    phone.fill("#id_date", worked.isoformat())
    phone.fill("#id_clock_in", "07:00")
    phone.fill("#id_clock_out", "19:30")
    phone.fill("#id_break_minutes", "30")
    phone.fill("#id_note", LONG_LINK)
    hours = phone.get_by_role("button", name="Send my hours")
    assert_on_screen(hours)
    hours.click()
    expect(phone.locator(".alert-success", has_text="sent for approval")).to_be_visible()
    entry = phone.locator("#my-hours li", has_text=LONG_LINK[:40])
    expect(entry).to_contain_text("12 h")
    assert_fits(phone)
    assert_on_screen(entry.get_by_role("link", name="Correct"))

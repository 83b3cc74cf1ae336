"""End-to-end: a coordinator's first minutes in CareDesk, in a real browser.

Log in, open the units list from the navigation, switch to French on the
profile page, log out from the user menu. The server is a real `caredesk serve`
with the scale-1 demo data (see conftest.py).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from caredesk.core.seeding import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def expect(target: Any) -> Any:
    from playwright.sync_api import expect as _expect

    return _expect(target)


def log_in(page: Any, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-button")


def test_coordinator_units_french_and_log_out(page: Any, caredesk_server: str) -> None:
    base = caredesk_server

    # Log in as the ICU's clinical coordinator: the home page greets them.
    log_in(page, base, "coord.icu")
    expect(page).to_have_url(f"{base}/")
    expect(page.locator("#user-menu")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # Units, through the main navigation rather than a typed address.
    page.locator("#mainnav").get_by_role("button", name="Organisation").click()
    page.locator("#mainnav").get_by_role("link", name="Units", exact=True).click()
    expect(page).to_have_url(f"{base}/org/units/")
    icu_row = page.locator("#unit-table tbody tr", has_text="Intensive Care")
    expect(icu_row).to_have_count(1)
    expect(icu_row.get_by_role("link", name="Intensive Care")).to_be_visible()

    # Switch to French on the profile page (reached from the user menu).
    page.click("#user-menu")
    page.locator(".dropdown-menu").get_by_role("link", name="My profile and language").click()
    expect(page).to_have_url(f"{base}/accounts/profile/")
    form = page.locator("#language-form")
    form.locator("select[name=language]").select_option("fr")
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(f"{base}/accounts/profile/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#language-form select[name=language]")).to_have_value("fr")
    # CareDesk's own catalogue (src/caredesk/locale/fr), not just Django's.
    expect(page.locator("h1")).to_have_text("Mon profil")
    expect(page.locator("#mainnav").get_by_role("button", name="Organisation")).to_be_visible()
    expect(page.locator("#mainnav a.dropdown-item", has_text="Unités")).to_have_count(1)

    # Log out from the user menu: back on the log-in page.
    page.click("#user-menu")
    logout = page.locator("#logout-button")
    expect(logout).to_be_visible()
    logout.click()
    expect(page).to_have_url(re.compile(re.escape(f"{base}/accounts/login/")))
    expect(page.locator("#login-button")).to_be_visible()
    expect(page.locator("#user-menu")).to_have_count(0)


def test_wrong_password_shows_an_error_and_stays_on_log_in(page: Any, caredesk_server: str) -> None:
    base = caredesk_server
    log_in(page, base, "nurse.icu", "not-the-password")

    expect(page).to_have_url(f"{base}/accounts/login/")
    error = page.locator(".alert-danger[role=alert]")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Log-in or password is wrong")
    expect(page.locator("#login-button")).to_be_visible()
    expect(page.locator("#user-menu")).to_have_count(0)

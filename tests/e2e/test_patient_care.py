"""End-to-end: a med-surg coordinator's hour on the ward, in a real browser.

From the unit board to a patient, a new one-time order, the dose on the
medication-pass board, a wrong wristband refused with its message, the right
one recorded once; then the shift's assignment optimised and the alerts page.
The server is a real `caredesk serve` with the scale-1 demo data (conftest.py).
(`coord.icu` is not used here: the other browser test switches them to French.)
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.test_browser import expect, log_in

pytestmark = pytest.mark.e2e


def open_care(page: Any, name: str) -> None:
    page.locator("#mainnav").get_by_role("button", name="Patient care").click()
    page.locator("#mainnav").get_by_role("link", name=name, exact=True).click()


def test_coordinator_orders_and_records_a_dose_then_optimises_the_shift(page: Any, caredesk_server: str) -> None:
    base = caredesk_server
    log_in(page, base, "coord.4west")
    expect(page).to_have_url(f"{base}/")

    # Census → the 4 West board → the patient in the first occupied bed.
    open_care(page, "Census")
    expect(page).to_have_url(f"{base}/census/")
    page.get_by_role("link", name="4 West Med-Surg").first.click()
    board = page.locator("#board-table")
    expect(board).to_be_visible()
    board.locator("tbody td a[href*='/census/patients/']").first.click()
    expect(page.locator("#allergies")).to_be_visible()
    patient_name = page.locator("h1").evaluate("h => h.firstChild.textContent.trim()")
    wristband = page.locator("dt", has_text="Wristband").locator("xpath=following-sibling::dd[1]").inner_text().strip()
    assert wristband

    # The stay's medication record: a one-time (STAT) order, due at once.
    page.locator("#stay-records").get_by_role("link", name="Medications").click()
    page.get_by_role("link", name="New order").click()
    page.fill("#id_drug", "Ceftriaxone E2E")
    page.fill("#id_dose", "1")
    page.fill("#id_dose_unit", "g")
    page.select_option("#id_route", "iv")
    page.select_option("#id_frequency", "once")
    page.fill("#id_prescriber", "Dr Browser")
    page.locator("form:has(#id_drug) button[type=submit]").first.click()
    expect(page.locator(".alert-success", has_text="Order entered")).to_be_visible()

    # The unit's pass board shows the dose; record it from its card.
    page.locator(".breadcrumb").get_by_role("link", name="4 West Med-Surg").click()
    expect(page).to_have_url(re.compile(r"/medications/units/\d+/board/$"))
    card = page.locator(".dose-card", has_text="Ceftriaxone E2E")
    expect(card).to_have_count(1)
    card.get_by_role("link", name="Record", exact=True).click()

    # A wristband of nobody: refused, with the field named, nothing recorded.
    page.fill("#id_wristband_id", "NOT-THIS-PATIENT")
    page.locator("form:has(#id_wristband_id) button[type=submit]").click()
    expect(page.locator("#id_wristband_id-error")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/medications/doses/\d+/record/$"))

    # The right wristband: recorded, back on the board, under "recently documented".
    page.fill("#id_wristband_id", wristband)
    page.locator("form:has(#id_wristband_id) button[type=submit]").click()
    expect(page.locator(".alert-success", has_text=f"Ceftriaxone E2E recorded for {patient_name}")).to_be_visible()
    expect(page.locator("#group-recent .dose-card", has_text="Ceftriaxone E2E")).to_have_count(1)

    # Assignment: the unit's current shift, optimised at the press of a button.
    open_care(page, "Assignment")
    expect(page).to_have_url(f"{base}/assignment/")
    page.locator("a.list-group-item.active").first.click()
    page.get_by_role("button", name="Optimise").click()
    expect(page.get_by_text(re.compile(r"Optimised \((optimal|feasible)"))).to_be_visible()

    # Alerts: the coordinator's page of the unit's alerts answers.
    open_care(page, "Alerts")
    expect(page).to_have_url(f"{base}/escalation/")
    expect(page.locator("h1")).to_be_visible()

"""Requests pages: "My requests" on a phone, the coordinator's queue with the
inline (htmx) decision, the 4-week view of who is off."""

from __future__ import annotations

from datetime import timedelta

import pytest

from caredesk.scheduling.models import StaffRequest
from tests.scheduling.helpers_needs import make_request, patterns, staff_for, today

pytestmark = pytest.mark.django_db


def test_my_requests_ask_and_cancel(world, client):
    staff_for(world.nurse_a, world.site_a, world.icu_a)
    patterns(world.icu_a)
    client.force_login(world.nurse_a)
    r = client.get("/scheduling/requests/mine/")
    assert r.status_code == 200 and 'id="request-form"' in r.content.decode()
    first = today(world.site_a) + timedelta(days=12)
    r = client.post(
        "/scheduling/requests/mine/",
        {"kind": "time_off", "start_date": first.isoformat(), "end_date": (first - timedelta(days=2)).isoformat()},
    )
    assert r.status_code == 200 and "the last day cannot be before the first" in r.content.decode()
    r = client.post(
        "/scheduling/requests/mine/",
        {"kind": "time_off", "start_date": first.isoformat(), "end_date": first.isoformat(), "reason": "exam"},
        follow=True,
    )
    assert "your coordinator will decide" in r.content.decode() and "Pending" in r.content.decode()
    req = StaffRequest.objects.get()
    r = client.post(f"/scheduling/requests/{req.pk}/cancel/", {"version": "1"})
    assert r.status_code == 302 and StaffRequest.objects.get().status == "cancelled"


def test_page_without_staff_record(world, client):
    client.force_login(world.nurse_a)
    r = client.get("/scheduling/requests/mine/")
    assert r.status_code == 200 and "no staff record" in r.content.decode()


def test_queue_and_inline_decision(world, client):
    nurse = staff_for(world.nurse_a, world.site_a, world.icu_a)
    req = make_request(nurse)
    client.force_login(world.coordinator_a)
    r = client.get(f"/scheduling/requests/?unit={world.icu_a.pk}")
    assert r.status_code == 200 and f'id="request-{req.pk}"' in r.content.decode()
    r = client.post(
        f"/scheduling/requests/{req.pk}/decide/",
        {"version": "1", "decision": "decline", "reason": ""},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200 and "say why the time off is declined" in r.content.decode()
    assert r.content.decode().startswith("<tr")
    r = client.post(
        f"/scheduling/requests/{req.pk}/decide/",
        {"version": "1", "decision": "decline", "reason": "short-staffed"},
        HTTP_HX_REQUEST="true",
    )
    assert "Declined" in r.content.decode() and "short-staffed" in r.content.decode()
    assert StaffRequest.objects.get().status == "declined"


def test_queue_permissions(world, client):
    nurse = staff_for(world.nurse_a, world.site_a, world.icu_a)
    req = make_request(nurse)
    client.force_login(world.nurse_a)
    assert client.get("/scheduling/requests/").status_code == 403
    assert (
        client.post(f"/scheduling/requests/{req.pk}/decide/", {"version": "1", "decision": "approve"}).status_code
        == 404
    )
    client.force_login(world.coordinator_b)
    assert client.get(f"/scheduling/requests/?unit={world.icu_a.pk}").status_code == 404
    assert f"request-{req.pk}" not in client.get("/scheduling/requests/").content.decode()


def test_who_is_off(world, client):
    nurse = staff_for(world.nurse_a, world.site_a, world.icu_a)
    make_request(nurse, start=today(world.site_a) + timedelta(days=1), status="approved")
    client.force_login(world.coordinator_a)
    r = client.get(f"/scheduling/requests/off/?unit={world.icu_a.pk}")
    assert r.status_code == 200 and str(nurse) in r.content.decode()

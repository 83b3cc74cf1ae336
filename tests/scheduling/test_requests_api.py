"""Requests over the JSON API: mine, a unit's queue, ask, cancel, decide."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.scheduling.helpers_needs import make_request, staff_for, today

pytestmark = pytest.mark.django_db


def test_ask_list_decide_cancel(world, api):
    staff_for(world.nurse_a, world.site_a, world.icu_a)
    first = today(world.site_a) + timedelta(days=9)
    body = {"kind": "time_off", "start_date": first.isoformat(), "end_date": (first + timedelta(days=1)).isoformat()}
    r = api.post("/scheduling/requests", body, user=world.nurse_a)
    assert r.status_code == 201, r.content
    req = r.json()
    assert req["status"] == "pending" and req["unit_id"] == world.icu_a.pk
    assert api.get("/scheduling/requests/mine", user=world.nurse_a).json()["count"] == 1
    assert api.get("/scheduling/requests", user=world.nurse_a).json()["count"] == 0
    assert api.get("/scheduling/requests", user=world.coordinator_a).json()["count"] == 1
    assert api.get("/scheduling/requests", user=world.coordinator_b).json()["count"] == 0
    assert api.get(f"/scheduling/requests/{req['id']}", user=world.coordinator_b).status_code == 404
    assert api.get(f"/scheduling/requests/{req['id']}", user=world.nurse_a).status_code == 200

    r = api.post(f"/scheduling/requests/{req['id']}/decide", {"approve": False, "version": 1}, user=world.coordinator_a)
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"reason": ["say why the time off is declined"]}
    r = api.post(f"/scheduling/requests/{req['id']}/decide", {"approve": True, "version": 1}, user=world.nurse_a)
    assert r.status_code == 403
    r = api.post(f"/scheduling/requests/{req['id']}/decide", {"approve": True, "version": 1}, user=world.coordinator_a)
    assert r.status_code == 200 and r.json()["request"]["status"] == "approved" and r.json()["warnings"] == []
    r = api.post(f"/scheduling/requests/{req['id']}/cancel", {"version": 2}, user=world.nurse_a)
    assert r.status_code == 403
    r = api.post(f"/scheduling/requests/{req['id']}/cancel", {"version": 2}, user=world.coordinator_a)
    assert r.json()["status"] == "cancelled"


def test_end_before_start_is_a_field_error(world, api):
    staff_for(world.nurse_a, world.site_a, world.icu_a)
    first = today(world.site_a) + timedelta(days=9)
    body = {"kind": "unavailable", "start_date": first.isoformat(), "end_date": (first - timedelta(days=1)).isoformat()}
    r = api.post("/scheduling/requests", body, user=world.nurse_a)
    assert r.status_code == 422 and "end_date" in r.json()["error"]["fields"]


def test_site_b_sees_nothing(world, api):
    nurse = staff_for(world.nurse_a, world.site_a, world.icu_a)
    req = make_request(nurse)
    assert api.get("/scheduling/requests", user=world.director_b).json()["count"] == 0
    r = api.post(f"/scheduling/requests/{req.pk}/decide", {"approve": True, "version": 1}, user=world.director_b)
    assert r.status_code == 404
    r = api.post(f"/scheduling/requests/{req.pk}/cancel", {"version": 1}, user=world.nurse_b)
    assert r.status_code == 404

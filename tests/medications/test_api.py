"""The medications API: orders, doses, idempotent administrations, board, late doses, policy."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine

from tests.conftest import bearer
from tests.medications.helpers import dose_at

pytestmark = pytest.mark.django_db

GIVE = {"wristband_id": "WB-A1", "drug": "Metoprolol", "dose": "25", "route": "po"}


def test_order_create_list_change_stop(world, meds, api):
    with time_machine.travel(meds.now, tick=False):
        r = api.post(
            "/medications/orders",
            {
                "stay_id": meds.stay.pk,
                "drug": "Vancomycin",
                "dose": "1000",
                "dose_unit": "mg",
                "route": "iv",
                "frequency": "q12h",
                "times_of_day": ["09:00", "21:00"],
                "prescriber": "Dr. A",
            },
            user=world.coordinator_a,
        )
        assert r.status_code == 201, r.content
        order = r.json()
        assert order["time_critical"] is True
        listed = api.get(f"/medications/orders?stay_id={meds.stay.pk}", user=world.nurse_a).json()
        assert listed["count"] == 2
        r = api.patch(f"/medications/orders/{order['id']}", {"version": 1, "dose": "1250"}, user=world.coordinator_a)
        assert r.status_code == 200 and r.json()["version"] == 2
        r = api.patch(f"/medications/orders/{order['id']}", {"version": 1, "dose": "1500"}, user=world.coordinator_a)
        assert r.status_code == 409
        r = api.post(
            f"/medications/orders/{order['id']}/stop", {"version": 2, "reason": "levels high"}, user=world.coordinator_a
        )
        assert r.status_code == 200 and r.json()["status"] == "stopped"


def test_record_with_idempotency_header_replays_and_conflicts(world, meds, client):
    d = dose_at(meds.order, meds.now)
    url = f"/api/v1/medications/doses/{d.pk}/administrations"
    headers = {**bearer(world.nurse_a), "Idempotency-Key": "tablet-1"}
    with time_machine.travel(meds.now, tick=False):
        first = client.post(url, data=json.dumps(GIVE), content_type="application/json", headers=headers)
        assert first.status_code == 201, first.content
        again = client.post(url, data=json.dumps(GIVE), content_type="application/json", headers=headers)
        assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
        other = client.post(
            url,
            data=json.dumps({**GIVE, "idempotency_key": "tablet-2"}),
            content_type="application/json",
            headers=bearer(world.nurse_a),
        )
        assert other.status_code == 409
        assert other.json()["error"]["code"] == "conflict"
        dose = client.get(f"/api/v1/medications/doses/{d.pk}", headers=bearer(world.nurse_a)).json()
        assert dose["status"] == "given_on_time"


def test_five_rights_failure_is_422_with_the_field(world, meds, api):
    d = dose_at(meds.order, meds.now)
    with time_machine.travel(meds.now, tick=False):
        r = api.post(
            f"/medications/doses/{d.pk}/administrations", {**GIVE, "wristband_id": "WB-A2"}, user=world.nurse_a
        )
    assert r.status_code == 422
    assert r.json()["error"]["fields"]["wristband_id"] == ["this wristband belongs to another patient"]


def test_entered_in_error_and_administration_list(world, meds, api):
    d = dose_at(meds.order, meds.now)
    with time_machine.travel(meds.now, tick=False):
        admin = api.post(f"/medications/doses/{d.pk}/administrations", GIVE, user=world.nurse_a).json()
        r = api.post(
            f"/medications/administrations/{admin['id']}/entered-in-error", {"reason": "wrong dose"}, user=world.nurse_a
        )
        assert r.status_code == 201 and r.json()["corrects_id"] == admin["id"]
        items = api.get(f"/medications/administrations?stay_id={meds.stay.pk}", user=world.nurse_a).json()["items"]
        assert {i["id"]: i["is_corrected"] for i in items}[admin["id"]] is True


def test_boards_and_late_doses(world, meds, api):
    with time_machine.travel(meds.now + timedelta(hours=2), tick=False):
        board = api.get(f"/medications/board/units/{world.icu_a.pk}", user=world.nurse_a).json()
        assert board["counts"]["late"] == 1 and board["counts"]["missed"] == 1  # the board looks back 24 h
        assert api.get("/medications/board/mine", user=world.nurse_a).status_code == 200
        late = api.get("/medications/late-doses", user=world.director_a).json()
        assert late["count"] == 2  # default: the last 24 hours
        assert api.get("/medications/late-doses?kind=missed", user=world.director_a).json()["count"] == 1
        assert api.get("/medications/late-doses", user=world.director_b).json()["count"] == 0
        doses = api.get(f"/medications/doses?stay_id={meds.stay.pk}", user=world.nurse_a).json()
        assert doses["count"] >= 4


def test_policy_get_and_patch(world, meds, api):
    r = api.get(f"/medications/policy/{world.site_a.pk}", user=world.nurse_a)
    assert (
        r.status_code == 200
        and r.json()["time_critical_minutes"] == 30
        and "insulin" in r.json()["time_critical_drugs"]
    )
    r = api.patch(
        f"/medications/policy/{world.site_a.pk}", {"version": 1, "daily_or_less_minutes": 90}, user=world.director_a
    )
    assert r.status_code == 200 and r.json()["daily_or_less_minutes"] == 90
    r = api.patch(
        f"/medications/policy/{world.site_a.pk}", {"version": 2, "time_critical_minutes": 45}, user=world.director_a
    )
    assert r.status_code == 422 and "time_critical_minutes" in r.json()["error"]["fields"]
    assert api.patch(f"/medications/policy/{world.site_a.pk}", {"version": 2}, user=world.nurse_a).status_code == 403


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (timedelta(minutes=-120), "due_soon"),  # window (±60) opens in 60 min: due soon starts, inclusive
        (timedelta(minutes=-121), "upcoming"),
        (timedelta(minutes=-60), "due"),
        (timedelta(minutes=60), "due"),
        (timedelta(minutes=60, seconds=1), "late"),
        (timedelta(hours=12), "missed"),  # the 21:00 dose is due
    ],
)
def test_dose_status_frozen_at_the_window_edges(world, meds, api, offset, expected):
    d = dose_at(meds.order, meds.now)
    with time_machine.travel(meds.now + offset, tick=False):
        assert api.get(f"/medications/doses/{d.pk}", user=world.nurse_a).json()["status"] == expected

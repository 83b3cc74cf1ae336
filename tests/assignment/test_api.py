"""The JSON API of assignment."""

from __future__ import annotations

from datetime import timedelta

import pytest

from caredesk.assignment.models import CareShift, PatientAssignment
from caredesk.core import clock
from tests.assignment.helpers import assign, make_bed, make_nurse, make_pack, make_shift, make_stay

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(world):
    world.icu_a.ratio_pack = make_pack()
    world.icu_a.save()
    now = clock.now()
    nurses = [make_nurse(world.site_a, world.icu_a) for _ in range(2)]
    stays = [make_stay(world.icu_a, make_bed(world.icu_a, f"R{i}", i)) for i in range(3)]
    shift = make_shift(world.icu_a, now - timedelta(hours=1), nurses, label="Day", charge=nurses[0])
    return world, nurses, stays, shift


def test_patterns_and_opening_a_shift(world, api):
    r = api.post(
        "/assignment/patterns",
        {"unit_id": world.icu_a.pk, "code": "day", "name": "Day", "start_time": "07:00", "length_minutes": 720},
        user=world.coordinator_a,
    )
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    assert api.get(f"/assignment/patterns?unit_id={world.icu_a.pk}", user=world.nurse_a).json()["count"] == 1
    r = api.post(
        "/assignment/shifts",
        {"unit_id": world.icu_a.pk, "shift_pattern_id": pid, "shift_date": "2026-03-08"},
        user=world.coordinator_a,
    )
    assert r.status_code == 201 and r.json()["local_start"].startswith("2026-03-08T07:00")
    assert (
        api.get(f"/assignment/shifts?unit_id={world.icu_a.pk}&on=2026-03-08", user=world.auditor_a).json()["count"] == 1
    )
    r = api.post(
        "/assignment/patterns",
        {"unit_id": world.icu_a.pk, "code": "x", "name": "X", "start_time": "07:00", "length_minutes": 720},
        user=world.nurse_a,
    )
    assert r.status_code == 403


def test_shift_detail_optimise_and_assign(scene, api):
    world, nurses, _stays, shift = scene
    r = api.post(f"/assignment/shifts/{shift.pk}/optimise", user=world.coordinator_a)
    assert r.status_code == 200 and r.json()["assigned"] == 3, r.content
    detail = api.get(f"/assignment/shifts/{shift.pk}", user=world.nurse_a).json()
    assert len(detail["assignments"]) == 3 and {w["staff_id"] for w in detail["workload"]} == {n.pk for n in nurses}
    assert all(w["cap"] in (1, 2) for w in detail["workload"])
    # Give the third patient to whoever has two already: a cap break, refused without a reason.
    heavy = next(w for w in detail["workload"] if w["patients"] == 2)
    light_stay = next(w for w in detail["workload"] if w["patients"] == 1)["stay_ids"][0]
    body = {"nurse_id": heavy["staff_id"]}
    r = api.put(f"/assignment/shifts/{shift.pk}/assignments/{light_stay}", body, user=world.coordinator_a)
    assert r.status_code == 422 and "override_reason" in r.json()["error"]["fields"]
    body["override_reason"] = "Transfer out within the hour"
    r = api.put(f"/assignment/shifts/{shift.pk}/assignments/{light_stay}", body, user=world.coordinator_a)
    assert r.status_code == 200 and r.json()["warnings"]
    r = api.patch(f"/assignment/shifts/{shift.pk}/assignments/{light_stay}", {"pinned": True}, user=world.coordinator_a)
    assert r.json()["pinned"] is True
    r = api.put(
        f"/assignment/shifts/{shift.pk}/assignments/{light_stay}", {"nurse_id": nurses[0].pk}, user=world.nurse_a
    )
    assert r.status_code == 403


def test_staff_on_shift_endpoints(scene, api):
    world, _nurses, _stays, shift = scene
    extra = make_nurse(world.site_a, world.icu_a)
    r = api.post(
        f"/assignment/shifts/{shift.pk}/staff",
        {"staff_member_id": extra.pk, "max_patients": 1},
        user=world.coordinator_a,
    )
    assert r.status_code == 201, r.content
    row = r.json()
    r = api.patch(
        f"/assignment/shifts/{shift.pk}/staff/{row['id']}",
        {"version": row["version"], "is_charge": True},
        user=world.coordinator_a,
    )
    assert r.json()["is_charge"] is True
    assert api.delete(f"/assignment/shifts/{shift.pk}/staff/{row['id']}", user=world.coordinator_a).status_code == 204
    assert api.get(f"/assignment/shifts/{shift.pk}", user=world.nurse_b).status_code == 404


def test_ratio_packs_and_unit_ratio(world, api):
    pack = make_pack()
    make_pack("bravo-own", site=world.site_b)
    codes = [p["code"] for p in api.get("/assignment/ratio-packs", user=world.nurse_a).json()["items"]]
    assert "test-ca" in codes and "bravo-own" not in codes
    r = api.patch(
        f"/assignment/units/{world.ms_a.pk}/ratio",
        {"ratio_pack_id": pack.pk, "max_patients_per_nurse": 6},
        user=world.director_a,
    )
    assert r.status_code == 422 and "stricter" in r.json()["error"]["message"]
    r = api.patch(
        f"/assignment/units/{world.ms_a.pk}/ratio",
        {"ratio_pack_id": pack.pk, "max_patients_per_nurse": 4},
        user=world.director_a,
    )
    assert r.status_code == 200 and r.json()["day_cap"] == 4
    assert (
        api.patch(
            f"/assignment/units/{world.icu_a.pk}/ratio", {"ratio_pack_id": None}, user=world.coordinator_a
        ).status_code
        == 403
    )
    assert api.get(f"/assignment/units/{world.icu_a.pk}/ratio", user=world.nurse_a).json()["warnings"]
    assert api.get(f"/assignment/ratio-packs/{pack.pk}", user=world.nurse_a).json()["rules"]


def test_copy_previous_over_the_api(scene, api):
    world, nurses, stays, shift = scene
    prev = make_shift(world.icu_a, shift.starts_at - timedelta(hours=12), nurses, label="Night")
    assign(prev, stays[0], nurses[1])
    r = api.post(f"/assignment/shifts/{shift.pk}/copy-previous", user=world.coordinator_a)
    assert r.status_code == 200
    assert PatientAssignment.objects.get(shift=shift, stay=stays[0]).staff_id == nurses[1].pk
    assert CareShift.objects.count() == 2

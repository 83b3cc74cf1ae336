"""Rosters over the JSON API and as pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from caredesk.scheduling import tasks
from caredesk.scheduling.models import Roster, RosterEntry, RosterRun, RunStatus
from tests.scheduling import helpers_rosters as h

pytestmark = pytest.mark.django_db

D = h.MONDAY


@pytest.fixture
def setup(world: Any) -> Any:
    day, night = h.patterns(world.icu_a)
    people = h.small_unit(world, 4)
    h.needs(world.icu_a, D, 28, 1, 1)
    r = h.roster(world.icu_a, world.coordinator_a)
    return {"world": world, "roster": r, "day": day, "night": night, "people": people}


def test_api_create_list_get(api: Any, setup: Any) -> None:
    w = setup["world"]
    res = api.post(
        "/scheduling/rosters", {"unit_id": w.icu_a.pk, "start_date": "2027-06-07", "days": 42}, user=w.coordinator_a
    )
    assert res.status_code == 201, res.content
    rid = res.json()["id"]
    assert res.json()["days"] == 42
    res = api.post(
        "/scheduling/rosters", {"unit_id": w.icu_a.pk, "start_date": "2027-06-08", "days": 28}, user=w.coordinator_a
    )
    assert res.status_code == 422 and "Monday" in res.json()["error"]["message"]
    listed = api.get("/scheduling/rosters", user=w.coordinator_a).json()
    assert {r["id"] for r in listed} >= {rid, setup["roster"].pk}
    assert api.get("/scheduling/rosters", user=w.nurse_a).json() == []  # drafts: managers only
    got = api.get(f"/scheduling/rosters/{setup['roster'].pk}", user=w.coordinator_a).json()
    assert len(got["people"]) == 4 and len(got["coverage"]) == 56
    assert api.get(f"/scheduling/rosters/{setup['roster'].pk}", user=w.nurse_a).status_code == 404
    assert api.get(f"/scheduling/rosters/{setup['roster'].pk}", user=w.director_b).status_code == 404


def test_api_set_entry_version_and_rules(api: Any, setup: Any) -> None:
    w, r, p = setup["world"], setup["roster"], setup["people"][1]
    body = {"staff_id": p.pk, "date": D.isoformat(), "pattern_id": setup["night"].pk, "expected_version": r.version}
    res = api.put(f"/scheduling/rosters/{r.pk}/entries", body, user=w.coordinator_a)
    assert res.status_code == 200, res.content
    version = res.json()["roster_version"]
    assert version == r.version + 1
    stale = api.put(f"/scheduling/rosters/{r.pk}/entries", {**body, "pattern_id": setup["day"].pk}, user=w.director_a)
    assert stale.status_code == 409
    assert "since you opened it" in stale.json()["error"]["message"]
    refused = api.put(
        f"/scheduling/rosters/{r.pk}/entries",
        {
            "staff_id": p.pk,
            "date": (D + timedelta(days=1)).isoformat(),
            "pattern_id": setup["day"].pk,
            "expected_version": version,
        },
        user=w.coordinator_a,
    )
    assert refused.status_code == 422 and "rest" in refused.json()["error"]["message"]
    checked = api.post(
        f"/scheduling/rosters/{r.pk}/check",
        {"staff_id": p.pk, "date": (D + timedelta(days=1)).isoformat(), "pattern_id": setup["day"].pk},
        user=w.coordinator_a,
    ).json()
    assert [c["rule"] for c in checked] == ["rest"]
    pinned = api.post(
        f"/scheduling/rosters/{r.pk}/pin",
        {"staff_id": p.pk, "date": D.isoformat(), "pinned": True, "expected_version": version},
        user=w.coordinator_a,
    )
    assert pinned.status_code == 200 and pinned.json()["pinned"]
    assert api.put(f"/scheduling/rosters/{r.pk}/entries", body, user=w.nurse_a).status_code in (403, 404)


def test_api_generate_progress_stop(api: Any, setup: Any) -> None:
    w, r = setup["world"], setup["roster"]
    res = api.post(f"/scheduling/rosters/{r.pk}/generate", {"time_limit_s": 5}, user=w.coordinator_a)
    assert res.status_code == 202, res.content
    run_id = res.json()["id"]
    again = api.post(f"/scheduling/rosters/{r.pk}/generate", {"time_limit_s": 5}, user=w.coordinator_a)
    assert again.status_code == 409 and "already being generated" in again.json()["error"]["message"]
    tasks.run_generation(run_id)
    got = api.get(f"/scheduling/rosters/runs/{run_id}", user=w.coordinator_a).json()
    assert got["status"] == "done" and got["progress"]
    assert "labour_cost" not in got["summary"]  # a coordinator does not see money
    assert "labour_cost" in api.get(f"/scheduling/rosters/runs/{run_id}", user=w.director_a).json()["summary"]
    assert api.get(f"/scheduling/rosters/runs/{run_id}", user=w.nurse_a).status_code == 404
    stop = api.post(f"/scheduling/rosters/runs/{run_id}/stop", user=w.coordinator_a)
    assert stop.status_code == 422
    run2 = api.post(f"/scheduling/rosters/{r.pk}/generate", {"time_limit_s": 5}, user=w.coordinator_a).json()["id"]
    stop = api.post(f"/scheduling/rosters/runs/{run2}/stop", user=w.coordinator_a)
    assert stop.status_code == 200 and stop.json()["stop_requested"]


def _login(client: Any, user: Any) -> None:
    client.force_login(user)


def test_pages_home_grid_cell_and_progress(client: Any, setup: Any) -> None:
    w, r, p = setup["world"], setup["roster"], setup["people"][1]
    _login(client, w.coordinator_a)
    home = client.get(reverse("scheduling:home"))
    assert home.status_code == 200 and b"New roster" in home.content
    page = client.get(reverse("scheduling:rosters_detail", args=[r.pk]))
    assert page.status_code == 200 and b"roster-grid" in page.content and b"Generate" in page.content
    editor = client.get(
        reverse("scheduling:rosters_cell_edit", args=[r.pk]),
        {"staff_id": p.pk, "date": D.isoformat()},
        HTTP_HX_REQUEST="true",
    )
    assert editor.status_code == 200 and b"<select" in editor.content
    res = client.post(
        reverse("scheduling:rosters_cell", args=[r.pk]),
        {"staff_id": p.pk, "date": D.isoformat(), "pattern_id": setup["night"].pk, "version": r.version},
        HTTP_HX_REQUEST="true",
    )
    assert res.status_code == 200 and b"Saved." in res.content
    res = client.post(
        reverse("scheduling:rosters_cell", args=[r.pk]),
        {
            "staff_id": p.pk,
            "date": (D + timedelta(days=1)).isoformat(),
            "pattern_id": setup["day"].pk,
            "version": r.version + 1,
        },
        HTTP_HX_REQUEST="true",
    )
    assert b"would rest only" in res.content
    res = client.post(
        reverse("scheduling:rosters_cell", args=[r.pk]),
        {
            "staff_id": p.pk,
            "date": (D + timedelta(days=3)).isoformat(),
            "pattern_id": setup["day"].pk,
            "version": r.version,
        },
        HTTP_HX_REQUEST="true",
    )
    assert b"since you opened it" in res.content
    assert RosterEntry.objects.filter(roster=r).count() == 1
    client.post(reverse("scheduling:rosters_generate", args=[r.pk]), {"time_limit_s": 30})
    run = RosterRun.objects.get(roster=r)
    RosterRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, progress=[[0.5, 900, 100], [2.0, 500, 200]])
    partial = client.get(reverse("scheduling:rosters_run_progress", args=[run.pk]))
    assert partial.status_code == 200 and b"<polyline" in partial.content and b"every 2s" in partial.content
    assert b"Stop" in partial.content
    stop = client.post(reverse("scheduling:rosters_run_stop", args=[run.pk]))
    assert stop.status_code == 302
    assert RosterRun.objects.get(pk=run.pk).stop_requested


def test_pages_refused_to_others(client: Any, setup: Any) -> None:
    w, r = setup["world"], setup["roster"]
    _login(client, w.nurse_a)
    assert client.get(reverse("scheduling:home")).status_code == 200
    assert client.get(reverse("scheduling:rosters_detail", args=[r.pk])).status_code == 404
    Roster.objects.filter(pk=r.pk).update(status="published", published_version=1)
    page = client.get(reverse("scheduling:rosters_detail", args=[r.pk]))
    assert page.status_code == 200 and b"Generate" not in page.content
    assert client.post(reverse("scheduling:rosters_generate", args=[r.pk])).status_code == 403
    client.logout()
    _login(client, w.director_b)
    assert client.get(reverse("scheduling:rosters_detail", args=[r.pk])).status_code == 404


def test_walk_targets_build(world: Any) -> None:
    from tests.scheduling import walk_rosters

    t = walk_rosters.targets(world)
    assert Roster.objects.get(pk=t["roster_id"]).unit == world.icu_a
    assert walk_rosters.state(world)[1]


def test_page_shows_the_result_and_cost_only_to_those_who_may(client: Any, setup: Any) -> None:
    w, r = setup["world"], setup["roster"]
    run = RosterRun.objects.create(
        roster=r,
        requested_by=w.coordinator_a,
        status=RunStatus.DONE,
        objective=120,
        bound=100,
        progress=[[0.4, 300, 0], [1.0, 120, 100]],
        summary={
            "unmet": [{"level": "minimum", "text": "2027-03-01 Day: 1 short of the minimum of 2."}],
            "people": [
                {
                    "staff_id": 1,
                    "name": "Ann",
                    "shifts": 3,
                    "nights": 1,
                    "weekends": 1,
                    "hours": 36.0,
                    "contracted_hours": 36,
                    "overtime_hours": 0,
                    "cost": "1500.00",
                }
            ],
            "labour_cost": "1500.00",
            "seconds": 1.0,
        },
    )
    client.force_login(w.coordinator_a)
    page = client.get(reverse("scheduling:rosters_detail", args=[r.pk]))
    assert b"1 short of the minimum of 2" in page.content and b"fairness" in page.content
    assert b"1500.00" not in page.content
    assert b"<polyline" in page.content and b"every 2s" not in page.content
    client.force_login(w.director_a)
    page = client.get(reverse("scheduling:rosters_detail", args=[r.pk]))
    assert b"labour-cost" in page.content and b"1500.00" in page.content
    assert run.pk

"""Publishing, swaps, open shifts and feeds over the JSON API, with permissions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from caredesk.scheduling.models import OpenShift, RosterEntry
from caredesk.scheduling.services import publishing as pub
from tests.scheduling.helpers_publishing import START, Problem, at_now, entry, make_staff, no_problems, ward

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]
__all__ = ["at_now"]

D1, D2 = START + timedelta(days=1), START + timedelta(days=3)


def _publish(api: Any, world: Any, w: Any) -> Any:
    w.roster.refresh_from_db()
    return api.post(
        f"/scheduling/rosters/{w.roster.pk}/publish", {"version": w.roster.version}, user=world.coordinator_a
    )


def test_publish_refused_through_the_api_with_a_hard_problem(
    api: Any, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = ward(world)
    entry(w.roster, w.ann, D1, w.day)
    monkeypatch.setattr(pub, "check_roster", lambda r: [Problem("rest", w.ann.pk, D1, "too little rest", True)])
    r = _publish(api, world, w)
    assert r.status_code == 422, r.content
    assert "too little rest" in r.json()["error"]["message"]
    w.roster.refresh_from_db()
    assert w.roster.published_version == 0


def test_publish_conflict_and_permissions(api: Any, world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    no_problems(monkeypatch)
    w = ward(world)
    entry(w.roster, w.ann, D1, w.day)
    r = api.post(
        f"/scheduling/rosters/{w.roster.pk}/publish", {"version": w.roster.version + 5}, user=world.coordinator_a
    )
    assert r.status_code == 409
    r = api.post(f"/scheduling/rosters/{w.roster.pk}/publish", {"version": w.roster.version}, user=world.nurse_a)
    assert r.status_code == 403
    r = api.post(f"/scheduling/rosters/{w.roster.pk}/publish", {"version": w.roster.version}, user=world.director_b)
    assert r.status_code == 404
    # A draft is invisible to a nurse of the unit.
    assert api.get(f"/scheduling/rosters/{w.roster.pk}/publication", user=world.nurse_a).status_code == 404
    r = _publish(api, world, w)
    assert r.status_code == 201 and r.json()["number"] == 1
    status = api.get(f"/scheduling/rosters/{w.roster.pk}/publication", user=world.nurse_a).json()
    assert status["published_version"] == 1 and status["changes"] == []
    assert api.get(f"/scheduling/rosters/{w.roster.pk}/publication", user=world.nurse_b).status_code == 404
    assert api.get(f"/scheduling/rosters/{w.roster.pk}/published-versions", user=world.auditor_a).status_code == 200
    mine = api.get("/scheduling/my-shifts", user=world.nurse_a).json()
    assert [(s["date"], s["shift_code"]) for s in mine] == [(D1.isoformat(), "D")]


def test_swap_and_open_shift_through_the_api(api: Any, world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    no_problems(monkeypatch)
    w = ward(world)
    entry(w.roster, w.ann, D1, w.day)
    entry(w.roster, w.bob, D2, w.night)
    assert _publish(api, world, w).status_code == 201
    ann_entry = RosterEntry.objects.get(staff=w.ann, date=D1)
    r = api.post("/scheduling/swaps", {"entry_id": ann_entry.pk, "colleague_id": w.bob.pk}, user=world.nurse_a)
    assert r.status_code == 201, r.content
    swap = r.json()
    assert swap["status"] == "proposed" and swap["taken"] is None
    assert api.get(f"/scheduling/swaps/{swap['id']}", user=world.nurse_b).status_code == 404
    assert api.get(f"/scheduling/swaps/{swap['id']}", user=w.cid_user).status_code == 404
    r = api.post(f"/scheduling/swaps/{swap['id']}/answer", {"accept": True}, user=w.bob_user)
    assert r.json()["status"] == "accepted"
    queue = api.get("/scheduling/swaps?status=accepted", user=world.coordinator_a).json()
    assert [s["id"] for s in queue] == [swap["id"]]
    r = api.post(f"/scheduling/swaps/{swap['id']}/decide", {"approve": True}, user=world.nurse_a)
    assert r.status_code == 403
    r = api.post(f"/scheduling/swaps/{swap['id']}/decide", {"approve": True}, user=world.coordinator_a)
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert [s["date"] for s in api.get("/scheduling/my-shifts", user=w.bob_user).json()] == [
        D1.isoformat(),
        D2.isoformat(),
    ]

    body = {"roster_id": w.roster.pk, "date": D2.isoformat(), "pattern_id": w.day.pk, "note": "call-out"}
    assert api.post("/scheduling/open-shifts", body, user=world.nurse_a).status_code == 403
    assert api.post("/scheduling/open-shifts", body, user=world.coordinator_b).status_code == 404
    r = api.post("/scheduling/open-shifts", body, user=world.coordinator_a)
    assert r.status_code == 201
    open_id = r.json()["id"]
    make_staff(world.nurse_b, world.site_b, world.ltc_b)
    assert api.post(f"/scheduling/open-shifts/{open_id}/claim", user=world.nurse_b).status_code == 404
    assert open_id not in [o["id"] for o in api.get("/scheduling/open-shifts", user=world.nurse_b).json()]
    assert open_id in [o["id"] for o in api.get("/scheduling/open-shifts", user=w.cid_user).json()]
    r = api.post(f"/scheduling/open-shifts/{open_id}/claim", user=w.cid_user)
    assert r.status_code == 200 and r.json()["status"] == "claimed"
    r = api.post(f"/scheduling/open-shifts/{open_id}/decide", {"approve": True}, user=world.coordinator_a)
    assert r.status_code == 200 and r.json()["status"] == "filled"
    assert OpenShift.objects.get(pk=open_id).status == "filled"


def test_calendar_feed_through_the_api(api: Any, world: Any, client: Any) -> None:
    ward(world)
    assert api.get("/scheduling/calendar-feed", user=world.nurse_a).status_code == 404
    r = api.post("/scheduling/calendar-feed", user=world.nurse_a)
    assert r.status_code == 201
    url = r.json()["url"]
    assert url.endswith(".ics") and r.json()["token"] in url
    assert client.get(url).status_code == 200
    assert api.get("/scheduling/calendar-feed", user=world.nurse_a).json()["revoked_at"] is None
    assert api.delete("/scheduling/calendar-feed", user=world.nurse_a).status_code == 204
    assert client.get(url).status_code == 404
    # Nobody without a staff record has a feed.
    assert api.post("/scheduling/calendar-feed", user=world.director_b).status_code == 404

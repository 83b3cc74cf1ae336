"""Escalation over the JSON API: alerts, incident drafts, the site policy."""

from __future__ import annotations

import pytest

from caredesk.core.models import AuditEvent
from caredesk.escalation.models import CareAlert, IncidentDraft
from tests.escalation.helpers import make_alert, make_stay

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(world):
    stay = make_stay(world.icu_a, bed=world.bed_a)
    return make_alert(stay, kind="dose_missed", recipients=[world.nurse_a])


def test_list_mine_and_the_units_alerts(world, api, alert):
    r = api.get("/escalation/alerts?mine=true", user=world.nurse_a)
    assert r.status_code == 200 and [a["id"] for a in r.json()["items"]] == [alert.pk]
    item = r.json()["items"][0]
    assert item["recipients"][0]["user_id"] == world.nurse_a.pk and item["bed"] == "A201-A"
    assert api.get("/escalation/alerts?mine=true", user=world.coordinator_a).json()["count"] == 0
    assert api.get("/escalation/alerts", user=world.coordinator_a).json()["count"] == 1
    assert api.get("/escalation/alerts", user=world.director_b).json()["count"] == 0
    assert api.get("/escalation/alerts", user=world.hr_a).json()["count"] == 0


def test_get_one_alert_is_audited_as_a_patient_view(world, api, alert):
    r = api.get(f"/escalation/alerts/{alert.pk}", user=world.auditor_a)
    assert r.status_code == 200 and r.json()["kind"] == "dose_missed"
    assert AuditEvent.objects.filter(action="view", object_type="escalation.carealert").count() == 1
    assert api.get(f"/escalation/alerts/{alert.pk}", user=world.nurse_b).status_code == 404


def test_acknowledge_requires_a_note(world, api, alert):
    r = api.post(f"/escalation/alerts/{alert.pk}/acknowledge", {"note": ""}, user=world.nurse_a)
    assert r.status_code == 422 and "note" in r.json()["error"]["fields"]
    r = api.post(f"/escalation/alerts/{alert.pk}/acknowledge", {"note": "Given 10:40"}, user=world.nurse_a)
    assert r.status_code == 200 and r.json()["status"] == "acknowledged" and r.json()["escalate_at"] is None
    again = api.post(f"/escalation/alerts/{alert.pk}/acknowledge", {"note": "x"}, user=world.nurse_a)
    assert again.status_code == 422


def test_acknowledge_refused_to_an_auditor_and_to_another_site(world, api, alert):
    assert (
        api.post(f"/escalation/alerts/{alert.pk}/acknowledge", {"note": "x"}, user=world.auditor_a).status_code == 403
    )
    assert api.post(f"/escalation/alerts/{alert.pk}/acknowledge", {"note": "x"}, user=world.nurse_b).status_code == 404
    assert CareAlert.objects.get().status == "open"


def test_resolve(world, api, alert):
    r = api.post(f"/escalation/alerts/{alert.pk}/resolve", {"note": "Given, prescriber told"}, user=world.coordinator_a)
    assert r.status_code == 200 and r.json()["status"] == "resolved"


def test_incident_drafts_create_list_get_patch(world, api, alert):
    r = api.post("/escalation/incident-drafts", {"alert_id": alert.pk, "ncc_merp_category": "A"}, user=world.nurse_a)
    assert r.status_code == 422
    assert r.json()["error"]["fields"]["ncc_merp_category"] == [
        "an omission reaches the patient, so its category is C or more"
    ]
    r = api.post("/escalation/incident-drafts", {"alert_id": alert.pk}, user=world.nurse_a)
    assert r.status_code == 201
    draft = r.json()
    assert draft["ncc_merp_category"] == "C" and draft["is_omission"] is True
    assert api.get("/escalation/incident-drafts", user=world.coordinator_a).json()["count"] == 1
    assert api.get("/escalation/incident-drafts", user=world.director_b).json()["count"] == 0
    assert api.get(f"/escalation/incident-drafts/{draft['id']}", user=world.nurse_a).status_code == 200
    r = api.patch(
        f"/escalation/incident-drafts/{draft['id']}",
        {"version": draft["version"], "ncc_merp_category": "E"},
        user=world.nurse_a,
    )
    assert r.status_code == 200 and r.json()["ncc_merp_category"] == "E"
    r = api.patch(
        f"/escalation/incident-drafts/{draft['id']}",
        {"version": draft["version"], "description": "later"},
        user=world.nurse_a,
    )
    assert r.status_code == 409
    r = api.patch(
        f"/escalation/incident-drafts/{draft['id']}", {"version": 2, "ncc_merp_category": "B"}, user=world.nurse_a
    )
    assert r.status_code == 422
    assert api.post("/escalation/incident-drafts", {"alert_id": alert.pk}, user=world.auditor_a).status_code == 403
    assert IncidentDraft.objects.count() == 1


def test_policy_get_and_patch(world, api):
    r = api.get(f"/escalation/policies/{world.site_a.pk}", user=world.nurse_a)
    assert r.status_code == 200 and r.json()["critical_delay_minutes"] == 15
    assert api.get(f"/escalation/policies/{world.site_a.pk}", user=world.director_b).status_code == 404
    r = api.patch(
        f"/escalation/policies/{world.site_a.pk}", {"version": 1, "standard_delay_minutes": 20}, user=world.director_a
    )
    assert r.status_code == 200 and r.json()["standard_delay_minutes"] == 20 and r.json()["version"] == 2
    r = api.patch(
        f"/escalation/policies/{world.site_a.pk}", {"version": 2, "critical_delay_minutes": 0}, user=world.director_a
    )
    assert r.status_code == 422
    assert (
        api.patch(f"/escalation/policies/{world.site_a.pk}", {"version": 2}, user=world.coordinator_a).status_code
        == 403
    )

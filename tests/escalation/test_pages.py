"""Escalation pages through the test client."""

from __future__ import annotations

import pytest

from caredesk.escalation.models import CareAlert, EscalationPolicy, IncidentDraft
from tests.escalation.helpers import make_alert, make_stay

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(world):
    stay = make_stay(world.icu_a, bed=world.bed_a)
    return make_alert(stay, kind="dose_missed", recipients=[world.nurse_a])


def test_alerts_page_lists_mine_with_an_acknowledge_form(world, client, alert):
    client.force_login(world.nurse_a)
    r = client.get("/escalation/")
    text = r.content.decode()
    assert r.status_code == 200
    assert "Vancomycin 1 g IV missed" in text and "Zephyr" in text
    assert f'hx-post="/escalation/alerts/{alert.pk}/acknowledge/"' in text
    assert 'href="/escalation/"' in text  # the nav entry
    partial = client.get("/escalation/?partial=1", headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "<html" not in partial.content.decode()


def test_alerts_page_refused_without_the_permission(world, client):
    client.force_login(world.hr_a)
    assert client.get("/escalation/").status_code == 403


def test_acknowledge_from_the_list_with_htmx(world, client, alert):
    client.force_login(world.nurse_a)
    url = f"/escalation/alerts/{alert.pk}/acknowledge/"
    r = client.post(url, {"note": ""}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and "write what you did" in r.content.decode()
    assert CareAlert.objects.get().status == "open"
    r = client.post(url, {"note": "Given at 10:40"}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and "Given at 10:40" in r.content.decode()
    assert CareAlert.objects.get().status == "acknowledged"


def test_alert_detail_offers_an_incident_report_and_saves_the_draft(world, client, alert):
    client.force_login(world.nurse_a)
    r = client.get(f"/escalation/alerts/{alert.pk}/")
    assert r.status_code == 200 and f"/escalation/alerts/{alert.pk}/incident/" in r.content.decode()
    form = client.get(f"/escalation/alerts/{alert.pk}/incident/")
    assert form.status_code == 200 and 'value="C" selected' in form.content.decode()
    r = client.post(f"/escalation/alerts/{alert.pk}/incident/", {"ncc_merp_category": "B", "description": "x"})
    assert r.status_code == 200 and "C or more" in r.content.decode()
    r = client.post(f"/escalation/alerts/{alert.pk}/incident/", {"ncc_merp_category": "D", "description": "Missed"})
    draft = IncidentDraft.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/escalation/incidents/{draft.pk}/"
    assert client.get("/escalation/incidents/").status_code == 200
    page = client.get(f"/escalation/incidents/{draft.pk}/")
    assert page.status_code == 200
    r = client.post(
        f"/escalation/incidents/{draft.pk}/",
        {
            "ncc_merp_category": "E",
            "description": "Missed, then given",
            "occurred_at": "2026-03-10 09:00",
            "version": draft.version,
        },
    )
    assert r.status_code == 302
    draft.refresh_from_db()
    assert draft.ncc_merp_category == "E" and draft.occurred_at.hour == 13  # 09:00 in New York is 13:00 UTC (EDT)


def test_auditor_sees_the_alert_but_no_forms(world, client, alert):
    client.force_login(world.auditor_a)
    text = client.get(f"/escalation/alerts/{alert.pk}/").content.decode()
    assert "Acknowledge" not in text and "Open an incident report" not in text
    assert client.get(f"/escalation/alerts/{alert.pk}/incident/").status_code == 403
    assert client.post(f"/escalation/alerts/{alert.pk}/acknowledge/", {"note": "x"}).status_code == 403
    assert CareAlert.objects.get().status == "open"


def test_policy_page_edited_by_leadership_only(world, client):
    client.force_login(world.coordinator_a)
    assert client.get(f"/escalation/policies/{world.site_a.pk}/").status_code == 200
    assert client.post(f"/escalation/policies/{world.site_a.pk}/", {"critical_delay_minutes": 5}).status_code == 403
    client.force_login(world.director_a)
    r = client.post(
        f"/escalation/policies/{world.site_a.pk}/",
        {"critical_delay_minutes": 10, "standard_delay_minutes": 25, "leadership_delay_minutes": "", "version": 1},
    )
    assert r.status_code == 302
    policy = EscalationPolicy.objects.get(site=world.site_a)
    assert policy.critical_delay_minutes == 10 and policy.leadership_delay_minutes is None
    assert not policy.send_email


def test_times_show_in_the_sites_zone(world, client, alert):
    from caredesk.core import clock

    client.force_login(world.nurse_a)
    local = clock.to_zone(alert.due_at, world.site_a.time_zone).strftime("%Y-%m-%d %H:%M")
    assert local in client.get(f"/escalation/alerts/{alert.pk}/").content.decode()
    assert local in client.get("/escalation/").content.decode()

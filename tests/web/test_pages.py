"""Pages: home figures, the site/unit switcher, organisation forms, audit page,
health check."""

from __future__ import annotations

from datetime import timedelta

import pytest

from caredesk.core import clock
from caredesk.core.models import AuditEvent, WorkerHeartbeat
from caredesk.org.models import Room, Site, Unit

pytestmark = pytest.mark.django_db


def test_home_shows_figures_within_reach(world, client):
    client.force_login(world.director_a)
    page = client.get("/").content.decode()
    assert 'id="fig-units">2<' in page and 'id="fig-beds">1<' in page and 'id="fig-sites">1<' in page
    assert "Bravo" not in page
    client.force_login(world.coordinator_a)
    page = client.get("/").content.decode()
    assert 'id="fig-units">1<' in page and "Alpha 4 West" not in page


def test_scope_switcher_focuses_the_pages(world, client):
    client.force_login(world.superuser)
    client.post("/scope/", {"site": world.site_b.pk, "next": "/org/units/"})
    page = client.get("/org/units/").content.decode()
    assert "Bravo Birch Wing" in page and "Alpha ICU" not in page
    # A site out of reach is ignored rather than trusted.
    client.force_login(world.director_b)
    client.post("/scope/", {"site": world.site_a.pk})
    page = client.get("/org/units/").content.decode()
    assert "Alpha" not in page and "Bravo Birch Wing" in page


def test_scope_switcher_refuses_foreign_redirects(world, client):
    client.force_login(world.director_a)
    response = client.post("/scope/", {"site": world.site_a.pk, "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_site_form_shows_field_errors_and_saves_nothing(world, client):
    client.force_login(world.director_a)
    response = client.post(
        "/org/sites/new/", {"name": "Echo", "code": "alpha", "kind": "clinic", "time_zone": "America/Chicago"}
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Site.objects.count() == 2
    response = client.post(
        "/org/sites/new/", {"name": "Echo", "code": "ECHO", "kind": "clinic", "time_zone": "America/Chicago"}
    )
    assert response.status_code == 302
    assert Site.objects.filter(code="ECHO").exists()


def test_stale_edit_form_reports_a_conflict(world, client):
    client.force_login(world.director_a)
    data = {"name": "Alpha ICU", "code": "A-ICU", "kind": "icu", "floor": "2", "phone": "", "version": 1}
    assert client.post(f"/org/units/{world.icu_a.pk}/edit/", data).status_code == 302
    response = client.post(f"/org/units/{world.icu_a.pk}/edit/", data | {"floor": "9"})
    assert response.status_code == 200 and "changed by someone else" in response.content.decode()
    assert Unit.objects.get(pk=world.icu_a.pk).floor == "2"


def test_coordinator_adds_a_room_with_beds_from_the_unit_page(world, client):
    client.force_login(world.coordinator_a)
    response = client.post(f"/org/units/{world.icu_a.pk}/rooms/", {"name": "A202", "position": 2, "beds": 2})
    assert response.status_code == 302
    room = Room.objects.get(unit=world.icu_a, name="A202")
    assert sorted(room.beds.values_list("label", flat=True)) == ["A", "B"]
    assert "A202" in client.get(f"/org/units/{world.icu_a.pk}/").content.decode()


def test_nurse_sees_the_unit_but_not_the_management_buttons(world, client):
    client.force_login(world.nurse_a)
    page = client.get(f"/org/units/{world.icu_a.pk}/").content.decode()
    assert "Alpha ICU" in page and "Add room" not in page and "/edit/" not in page
    assert client.get(f"/org/units/{world.icu_a.pk}/edit/").status_code == 403


def test_audit_page_filters_and_exports(world, client):
    from caredesk.org import schemas, services

    services.update_unit(world.director_a, world.icu_a.pk, schemas.UnitUpdate(version=1, phone="555-0199"))
    client.force_login(world.auditor_a)
    page = client.get("/audit/?action=org.update_unit&user=director").content.decode()
    assert "org.update_unit" in page and "555-0199" in page
    assert "org.update_unit" not in client.get("/audit/?user=nobody").content.decode()
    response = client.get("/audit/export.csv?action=org.")
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert rows[0].startswith("seq,at,actor_username") and any("org.update_unit" in r for r in rows[1:])
    client.force_login(world.director_a)
    assert client.get("/audit/").status_code == 403  # directors are not auditors


def test_audit_page_reads_dates_in_the_sites_zone(world, client):
    client.force_login(world.auditor_a)
    today = clock.to_zone(clock.now(), "America/New_York").date()
    from django.db import transaction

    from caredesk.core import audit

    with transaction.atomic():
        audit.record(actor=world.director_a, action="test.today", obj=world.icu_a)
    page = client.get(f"/audit/?site={world.site_a.pk}&date_from={today}&date_to={today}&action=test.").content.decode()
    assert "test.today" in page
    page = client.get(
        f"/audit/?site={world.site_a.pk}&date_to={today - timedelta(days=1)}&action=test."
    ).content.decode()
    assert "test.today" not in page


def test_healthz_reports_database_and_worker(world, client):
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["worker"]["ok"] is False
    now = clock.now()
    WorkerHeartbeat.objects.create(worker_id="w1", hostname="h", pid=1, started_at=now, seen_at=now)
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["checks"]["database"]["ok"] and body["checks"]["worker"]["alive"] == 1


def test_pages_require_log_in(client, db):
    for url in ("/", "/org/sites/", "/org/units/", "/audit/", "/accounts/people/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_security_headers(world, client):
    client.force_login(world.nurse_a)
    response = client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_every_write_through_a_page_is_audited(world, client):
    client.force_login(world.coordinator_a)
    before = AuditEvent.objects.count()
    client.post(f"/org/units/{world.icu_a.pk}/rooms/", {"name": "A299", "position": 9, "beds": 1})
    actions = list(AuditEvent.objects.filter(seq__gt=before).values_list("action", "client_address", "channel"))
    assert [a[0] for a in actions] == ["org.create_room", "org.create_bed"]
    assert all(a[1] == "127.0.0.1" and a[2] == "web" for a in actions)

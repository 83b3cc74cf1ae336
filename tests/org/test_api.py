"""The organisation over the JSON API: happy paths, one error shape for every
failure with the right status, and nothing written when a request fails."""

from __future__ import annotations

import pytest

from caredesk.core.models import AuditEvent
from caredesk.org.models import Site, Unit

pytestmark = pytest.mark.django_db


def assert_error(response, status, code, field=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    if field:
        assert field in body["error"]["fields"], body


def test_create_read_update_site(world, api):
    r = api.post(
        "/sites",
        {"name": "Delta Rehab", "code": "DELTA", "kind": "rehabilitation", "time_zone": "America/Denver"},
        user=world.director_a,
    )
    assert r.status_code == 201, r.content
    site = r.json()
    assert site["version"] == 1
    r = api.patch(f"/sites/{site['id']}", {"version": 1, "city": "Boulder"}, user=world.director_a)
    assert r.status_code == 200 and r.json()["city"] == "Boulder" and r.json()["version"] == 2
    r = api.get(f"/sites/{site['id']}", user=world.director_a)
    assert r.json()["city"] == "Boulder"


def test_lists_are_paginated_and_scoped(world, api):
    for i in range(3):
        Unit.objects.create(site=world.site_a, name=f"Extra {i}", code=f"X{i}", kind="med_surg")
    r = api.get("/units?page_size=2", user=world.director_a)
    body = r.json()
    assert r.status_code == 200
    assert body["count"] == 5 and body["pages"] == 3 and len(body["items"]) == 2
    r = api.get("/units?page=3&page_size=2", user=world.director_a)
    assert len(r.json()["items"]) == 1
    r = api.get("/units", user=world.coordinator_a)
    assert [u["id"] for u in r.json()["items"]] == [world.icu_a.pk]


def test_missing_and_invalid_fields_give_422_naming_them_and_write_nothing(world, api):
    api.get("/me", user=world.director_a)  # creates the API token (an audited write) first
    events = AuditEvent.objects.count()
    r = api.post("/sites", {"name": "", "kind": "spaceport", "time_zone": "UTC"}, user=world.director_a)
    assert_error(r, 422, "validation_error")
    fields = r.json()["error"]["fields"]
    assert {"name", "code", "kind"} <= set(fields)
    r = api.post(
        "/sites", {"name": "X", "code": "XX", "kind": "clinic", "time_zone": "Nowhere/City"}, user=world.director_a
    )
    assert_error(r, 422, "validation_error", "time_zone")
    assert Site.objects.count() == 2 and AuditEvent.objects.count() == events


def test_malformed_json_gives_400(world, api):
    r = api.post("/sites", raw="{not json", user=world.director_a)
    assert_error(r, 400, "bad_request")


def test_no_credentials_give_401(world, api):
    assert_error(api.get("/sites"), 401, "not_authenticated")
    r = api.call("GET", "/sites", user=None)
    assert r.status_code == 401


def test_bad_or_revoked_token_gives_401(world, api, client):
    r = client.get("/api/v1/sites", headers={"Authorization": "Bearer cdk_not-a-real-token"})
    assert_error(r, 401, "not_authenticated")


def test_refused_action_gives_403(world, api):
    r = api.patch(f"/units/{world.icu_a.pk}", {"version": 1, "name": "Renamed"}, user=world.nurse_a)
    assert_error(r, 403, "permission_denied")
    assert Unit.objects.get(pk=world.icu_a.pk).name == "Alpha ICU"


def test_unknown_or_out_of_reach_gives_404(world, api):
    assert_error(api.get("/units/999999", user=world.director_a), 404, "not_found")
    assert_error(api.get(f"/units/{world.ltc_b.pk}", user=world.director_a), 404, "not_found")


def test_stale_version_gives_409(world, api):
    assert api.patch(f"/units/{world.icu_a.pk}", {"version": 1, "floor": "2"}, user=world.director_a).status_code == 200
    r = api.patch(f"/units/{world.icu_a.pk}", {"version": 1, "floor": "3"}, user=world.assistant_a)
    assert_error(r, 409, "conflict", "version")
    assert Unit.objects.get(pk=world.icu_a.pk).floor == "2"


def test_rooms_and_beds(world, api):
    r = api.post(
        "/rooms",
        {"unit_id": world.icu_a.pk, "name": "A210", "position": 10, "bed_labels": ["A"]},
        user=world.coordinator_a,
    )
    assert r.status_code == 201, r.content
    room = r.json()
    r = api.post("/beds", {"room_id": room["id"], "label": "B"}, user=world.coordinator_a)
    assert r.status_code == 201
    beds = api.get(f"/beds?room_id={room['id']}", user=world.coordinator_a).json()
    assert sorted(b["label"] for b in beds["items"]) == ["A", "B"]
    r = api.patch(f"/beds/{beds['items'][0]['id']}", {"version": 1, "is_active": False}, user=world.coordinator_a)
    assert r.json()["is_active"] is False
    assert len(api.get(f"/beds?room_id={room['id']}", user=world.coordinator_a).json()["items"]) == 1
    assert (
        len(api.get(f"/beds?room_id={room['id']}&include_inactive=true", user=world.coordinator_a).json()["items"]) == 2
    )


def _no_duplicate_keys(pairs):
    keys = [k for k, _ in pairs]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    assert not duplicates, f"duplicate keys in the OpenAPI document: {duplicates}"
    return dict(pairs)


def test_openapi_and_docs_are_served(client):
    import json

    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    # Swagger UI refuses a document with a repeated key (e.g. a response code declared twice).
    spec = json.loads(r.content, object_pairs_hook=_no_duplicate_keys)
    assert spec["info"]["title"] == "CareDesk API"
    assert "/api/v1/sites" in spec["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and b"swagger-ui-bundle.js" in docs.content
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200  # served locally, no CDN

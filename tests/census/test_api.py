"""The census API: the whole path of a patient, the error shape, the audit of reads."""

from __future__ import annotations

import pytest

from caredesk.census.models import Stay
from caredesk.core.models import AuditEvent
from tests.census.helpers import admit_patient, make_bed, make_checklist_scale, make_patient

pytestmark = pytest.mark.django_db


def test_register_admit_score_flag_transfer_discharge(world, api):
    r = api.post(
        "/census/patients",
        {
            "site_id": world.site_a.pk,
            "mrn": "A-555",
            "family_name": "Haddad",
            "given_name": "Samir",
            "birth_date": "1948-02-29",
            "language": "Arabic",
            "interpreter_needed": True,
            "allergies": "Penicillin",
        },
        user=world.coordinator_a,
    )
    assert r.status_code == 201, r.content
    patient = r.json()
    assert patient["wristband_id"] == "A-555" and patient["current_stay_id"] is None
    r = api.post(
        "/census/stays",
        {"patient_id": patient["id"], "unit_id": world.icu_a.pk, "bed_id": world.bed_a.pk, "reason": "Sepsis"},
        user=world.coordinator_a,
    )
    assert r.status_code == 201, r.content
    stay = r.json()
    assert stay["bed"] == "A201-A" and stay["status"] == "admitted"
    scale = make_checklist_scale()
    r = api.post(
        f"/census/stays/{stay['id']}/acuity",
        {"scale_id": scale.pk, "items": ["vitals", "mobility"]},
        user=world.nurse_a,
    )
    assert r.status_code == 201, r.content
    assert (r.json()["points"], r.json()["level"], r.json()["level_label"]) == (7, 3, "High")
    assert [s["points"] for s in api.get(f"/census/stays/{stay['id']}/acuity", user=world.nurse_a).json()] == [7]
    r = api.post(
        f"/census/stays/{stay['id']}/flags", {"kind": "isolation", "isolation_type": "airborne"}, user=world.nurse_a
    )
    assert r.status_code == 201 and r.json()["label"] == "Isolation"
    again = api.post(
        f"/census/stays/{stay['id']}/flags", {"kind": "isolation", "isolation_type": "airborne"}, user=world.nurse_a
    )
    assert again.status_code == 422 and "kind" in again.json()["error"]["fields"]
    board = api.get(f"/census/units/{world.icu_a.pk}/board", user=world.nurse_a).json()
    [row] = board["rows"]
    assert row["patient_name"] == "Haddad, Samir" and row["acuity_level"] == 3
    assert [f["kind"] for f in row["flags"]] == ["isolation"]
    bed = make_bed(world.ms_a, "401")
    r = api.post(
        f"/census/stays/{stay['id']}/transfer",
        {"version": 1, "unit_id": world.ms_a.pk, "bed_id": bed.pk},
        user=world.director_a,
    )
    assert r.status_code == 200 and r.json()["unit_name"] == "Alpha 4 West"
    r = api.post(f"/census/stays/{stay['id']}/discharge", {"version": 2, "disposition": "Home"}, user=world.director_a)
    assert r.status_code == 200 and r.json()["status"] == "discharged"
    detail = api.get(f"/census/stays/{stay['id']}", user=world.director_a).json()
    assert [m["kind"] for m in detail["movements"]] == ["admission", "transfer", "discharge"]


def test_errors_have_the_common_shape(world, api):
    stay = admit_patient(world.icu_a, world.bed_a)
    other = make_patient(world.site_a)
    r = api.post(
        "/census/stays",
        {"patient_id": other.pk, "unit_id": world.icu_a.pk, "bed_id": world.bed_a.pk},
        user=world.director_a,
    )
    assert r.status_code == 422
    assert r.json()["error"]["fields"] == {"bed_id": ["bed A201-A is occupied"]}
    r = api.post(f"/census/stays/{stay.pk}/discharge", {"version": 9, "disposition": "Home"}, user=world.director_a)
    assert r.status_code == 409 and "version" in r.json()["error"]["fields"]
    r = api.post(f"/census/stays/{stay.pk}/discharge", {"version": 1, "disposition": "Home"}, user=world.nurse_a)
    assert r.status_code == 403
    assert api.get(f"/census/stays/{stay.pk}", user=world.hr_a).status_code == 404
    assert api.get(f"/census/patients/{stay.patient_id}", user=world.nurse_b).status_code == 404
    assert Stay.objects.get(pk=stay.pk).discharged_at is None


def test_patient_reads_are_audited_and_lists_scoped(world, api):
    stay = admit_patient(world.icu_a, family_name="Audited")
    admit_patient(world.ms_a, family_name="Elsewhere")
    r = api.get(f"/census/patients/{stay.patient_id}", user=world.nurse_a)
    assert r.status_code == 200 and r.json()["current_stay_id"] == stay.pk
    assert (
        AuditEvent.objects.filter(action="view", object_type="census.patient", actor_id=world.nurse_a.pk).count() == 1
    )
    names = [p["family_name"] for p in api.get("/census/patients", user=world.nurse_a).json()["items"]]
    assert names == ["Audited"]
    assert api.get("/census/patients", user=world.hr_a).json()["count"] == 0
    stays = api.get(f"/census/stays?unit_id={world.icu_a.pk}", user=world.coordinator_a).json()
    assert [s["id"] for s in stays["items"]] == [stay.pk]


def test_patch_patient_and_contacts(world, api):
    stay = admit_patient(world.icu_a)
    r = api.patch(f"/census/patients/{stay.patient_id}", {"version": 1, "code_status": "dnr"}, user=world.nurse_a)
    assert r.status_code == 200 and r.json()["code_status"] == "dnr"
    r = api.patch(f"/census/patients/{stay.patient_id}", {"version": 2, "given_name": "X"}, user=world.nurse_a)
    assert r.status_code == 403
    r = api.post(
        f"/census/patients/{stay.patient_id}/contacts",
        {"name": "Rosa Lopez", "relationship": "daughter", "phone": "555-0102", "is_primary": True},
        user=world.nurse_a,
    )
    assert r.status_code == 201
    contact = r.json()
    r = api.patch(
        f"/census/contacts/{contact['id']}", {"version": 1, "may_receive_information": True}, user=world.nurse_a
    )
    assert r.status_code == 200 and r.json()["may_receive_information"] is True
    r = api.post(f"/census/contacts/{contact['id']}/deactivate", {"version": 2}, user=world.nurse_a)
    assert r.status_code == 200 and r.json()["is_active"] is False
    assert api.get(f"/census/patients/{stay.patient_id}/contacts", user=world.nurse_a).json() == []


def test_scales_api(world, api):
    r = api.post(
        "/census/acuity-scales",
        {
            "site_id": world.site_a.pk,
            "code": "alpha-rehab",
            "name": "Alpha rehab",
            "items": [{"code": "transfer", "label": "Two-person transfer", "points": 3}],
            "levels": [{"level": 1, "label": "Low", "min_points": 0}, {"level": 2, "label": "High", "min_points": 3}],
        },
        user=world.director_a,
    )
    assert r.status_code == 201, r.content
    assert r.json()["kind"] == "checklist"
    assert (
        api.post(
            "/census/acuity-scales", {"site_id": world.site_a.pk, "code": "x", "name": "X"}, user=world.coordinator_a
        ).status_code
        == 403
    )
    listed = api.get("/census/acuity-scales", user=world.nurse_a).json()
    assert [s["code"] for s in listed["items"]] == ["alpha-rehab"]
    assert api.get("/census/acuity-scales", user=world.director_b).json()["count"] == 0
    r = api.patch(f"/census/acuity-scales/{r.json()['id']}", {"version": 1, "is_active": False}, user=world.director_a)
    assert r.status_code == 200 and r.json()["is_active"] is False

"""Census pages through the test client: each page for the coordinator, the forms, refusals."""

from __future__ import annotations

import pytest

from caredesk.census.models import FamilyContact, PatientFlag, Stay
from tests.census.helpers import (
    admit_patient,
    make_bed,
    make_checklist_scale,
    make_contact,
    make_flag,
    make_level_scale,
    make_patient,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ward(world):
    stay = admit_patient(world.icu_a, world.bed_a, family_name="Okafor", given_name="Ngozi", allergies="Latex")
    flag = make_flag(stay, world.nurse_a, "difficult", care_plan="Two staff for personal care at night.")
    contact = make_contact(stay.patient, "Chidi Okafor")
    make_checklist_scale()
    return {"stay": stay, "flag": flag, "contact": contact}


def test_every_page_answers_the_coordinator(world, client, ward):
    stay = ward["stay"]
    client.force_login(world.coordinator_a)
    urls = [
        "/census/",
        "/census/patients/",
        "/census/patients/?q=okafor",
        "/census/patients/new/",
        f"/census/patients/{stay.patient_id}/",
        f"/census/patients/{stay.patient_id}/edit/",
        f"/census/patients/{stay.patient_id}/contacts/new/",
        f"/census/contacts/{ward['contact'].pk}/",
        f"/census/units/{world.icu_a.pk}/board/",
        f"/census/units/{world.icu_a.pk}/admit/",
        f"/census/stays/{stay.pk}/",
        f"/census/stays/{stay.pk}/transfer/",
        f"/census/stays/{stay.pk}/discharge/",
        f"/census/stays/{stay.pk}/acuity/",
        f"/census/stays/{stay.pk}/flags/new/",
        "/census/scales/",
    ]
    for url in urls:
        r = client.get(url)
        assert r.status_code == 200, url
    page = client.get(f"/census/patients/{stay.patient_id}/").content.decode()
    assert "Latex" in page and "Two staff for personal care at night." in page and "Chidi Okafor" in page
    board = client.get(f"/census/units/{world.icu_a.pk}/board/").content.decode()
    assert "Okafor, Ngozi" in board and "PLAN" in board and 'href="/census/"' in board


def test_htmx_board_refresh_returns_the_partial(world, client, ward):
    client.force_login(world.nurse_a)
    r = client.get(f"/census/units/{world.icu_a.pk}/board/", headers={"HX-Request": "true"})
    assert r.status_code == 200 and b"<html" not in r.content and b"Okafor, Ngozi" in r.content


def test_other_sites_and_non_clinical_roles_see_nothing(world, client, ward):
    stay = ward["stay"]
    for persona in ("director_b", "nurse_b", "hr_a", "finance_a", "auditor_a"):
        client.force_login(world.persona(persona))
        assert client.get(f"/census/patients/{stay.patient_id}/").status_code == 404, persona
        assert client.get(f"/census/units/{world.icu_a.pk}/board/").status_code == 404, persona
        assert client.get(f"/census/stays/{stay.pk}/").status_code == 404, persona
        home = client.get("/census/")
        if persona.endswith("_b"):  # their own census, without site A in it
            assert home.status_code == 200 and b"Alpha" not in home.content
        else:  # minimum necessary: no patients for HR, finance, auditors
            assert home.status_code == 403, persona
    client.force_login(world.nurse_a)  # a nurse may not admit or transfer
    assert client.get(f"/census/units/{world.icu_a.pk}/admit/").status_code == 403
    assert client.get(f"/census/stays/{stay.pk}/transfer/").status_code == 403
    assert client.get("/census/patients/new/").status_code == 403
    assert client.get("/census/scales/new/").status_code == 403


def test_register_then_admit_through_the_pages(world, client):
    client.force_login(world.coordinator_a)
    r = client.post(
        f"/census/patients/new/?unit={world.icu_a.pk}",
        {
            "site": world.site_a.pk,
            "mrn": "A-9001",
            "family_name": "Tran",
            "given_name": "Thuy",
            "birth_date": "1957-09-30",
            "sex": "female",
            "code_status": "full",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    assert r.url.startswith(f"/census/units/{world.icu_a.pk}/admit/?patient=")
    patient_id = int(r.url.split("=")[1])
    assert client.get(r.url).status_code == 200
    r = client.post(f"/census/units/{world.icu_a.pk}/admit/", {"patient": patient_id, "bed": world.bed_a.pk})
    assert r.status_code == 302
    assert Stay.objects.get(patient_id=patient_id).bed_id == world.bed_a.pk
    # The bed is taken now: admitting someone else there names the field.
    other = make_patient(world.site_a)
    r = client.post(f"/census/units/{world.icu_a.pk}/admit/", {"patient": other.pk, "bed": world.bed_a.pk})
    assert r.status_code == 200  # the bed is no longer offered


def test_transfer_discharge_score_flag_and_contact_pages(world, client, ward):
    stay = ward["stay"]
    bed = make_bed(world.icu_a, "A205")
    client.force_login(world.director_a)
    r = client.post(f"/census/stays/{stay.pk}/transfer/", {"version": 1, "destination": f"b{bed.pk}"})
    assert r.status_code == 302
    stay.refresh_from_db()
    assert stay.bed_id == bed.pk
    scale = make_level_scale()
    client.force_login(world.nurse_a)
    r = client.post(f"/census/stays/{stay.pk}/acuity/", {"scale": scale.pk, "level": 3})
    assert r.status_code == 302 and stay.acuity_scores.get().level == 3
    r = client.post(f"/census/stays/{stay.pk}/acuity/", {"scale": scale.pk})
    assert r.status_code == 200 and "choose a level" in r.content.decode()
    r = client.post(f"/census/stays/{stay.pk}/flags/new/", {"kind": "difficult", "care_plan": "x"})
    assert r.status_code == 200 and "already raised" in r.content.decode()
    r = client.post(f"/census/flags/{ward['flag'].pk}/clear/", {"version": 1})
    assert r.status_code == 302 and PatientFlag.objects.get(pk=ward["flag"].pk).cleared_at is not None
    r = client.post(
        f"/census/patients/{stay.patient_id}/contacts/new/", {"name": "Ada Okafor", "relationship": "sister"}
    )
    assert r.status_code == 302 and FamilyContact.objects.filter(name="Ada Okafor").exists()
    r = client.post(f"/census/contacts/{ward['contact'].pk}/deactivate/", {"version": 1})
    assert r.status_code == 302 and not FamilyContact.objects.get(pk=ward["contact"].pk).is_active
    r = client.post(f"/census/patients/{stay.patient_id}/edit/", {**_patient_form(stay), "allergies": "Latex\nIodine"})
    assert r.status_code == 302
    client.force_login(world.coordinator_a)
    r = client.post(f"/census/stays/{stay.pk}/discharge/", {"version": 2, "disposition": "Home"})
    assert r.status_code == 302
    stay.refresh_from_db()
    assert stay.discharged_at is not None


def _patient_form(stay: Stay) -> dict[str, object]:
    p = stay.patient
    p.refresh_from_db()
    return {
        "version": p.version,
        "mrn": p.mrn,
        "wristband_id": p.wristband_id,
        "family_name": p.family_name,
        "given_name": p.given_name,
        "birth_date": p.birth_date.isoformat(),
        "sex": p.sex,
        "language": p.language,
        "allergies": p.allergies,
        "code_status": p.code_status,
        "insurance_payer": p.insurance_payer,
    }


def test_scale_create_page(world, client):
    client.force_login(world.director_a)
    r = client.post(
        "/census/scales/new/",
        {
            "site": world.site_a.pk,
            "code": "alpha-own",
            "name": "Alpha own scale",
            "items": "iv | IV therapy | 2\nvent | Ventilation | 5",
            "levels": "1 | Low | 0\n2 | High | 4",
        },
    )
    assert r.status_code == 302
    r = client.post("/census/scales/new/", {"site": world.site_a.pk, "code": "bad", "name": "Bad", "items": "no pipes"})
    assert r.status_code == 200 and "expected 3 parts" in r.content.decode()


def test_times_typed_on_a_form_are_the_sites_wall_clock(world, client):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from caredesk.core import clock

    stay = admit_patient(world.icu_a, at=clock.now() - timedelta(days=3))
    local = clock.to_zone(clock.now() - timedelta(days=1), "America/New_York").replace(
        hour=10, minute=0, second=0, microsecond=0, tzinfo=None
    )
    client.force_login(world.coordinator_a)
    r = client.post(
        f"/census/stays/{stay.pk}/discharge/",
        {"version": 1, "disposition": "Skilled nursing facility", "at": local.strftime("%Y-%m-%dT%H:%M")},
    )
    assert r.status_code == 302
    stay.refresh_from_db()
    assert stay.discharged_at == datetime.combine(local.date(), local.time(), tzinfo=ZoneInfo("America/New_York"))

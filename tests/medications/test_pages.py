"""Pages: boards (with their htmx partial), recording a dose, the record, orders, late doses, policy."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from caredesk.medications.models import Administration, MedicationOrder
from tests.medications.helpers import dose_at, make_order, make_stay

pytestmark = pytest.mark.django_db


def test_unit_board_and_partial(world, meds, client):
    client.force_login(world.nurse_a)
    with time_machine.travel(meds.now, tick=False):
        page = client.get(f"/medications/units/{world.icu_a.pk}/board/")
        assert page.status_code == 200
        text = page.content.decode()
        assert 'hx-trigger="every 30s"' in text and "Alpha-Patient" in text and 'data-status="due"' in text
        partial = client.get(f"/medications/units/{world.icu_a.pk}/board/partial/")
        assert partial.status_code == 200 and "<html" not in partial.content.decode()
        assert client.get("/medications/board/mine/").status_code == 200
        assert client.get("/medications/board/mine/partial/").status_code == 200
        assert client.get("/medications/").status_code == 200


def test_record_dose_form(world, meds, client):
    d = dose_at(meds.order, meds.now)
    client.force_login(world.nurse_a)
    with time_machine.travel(meds.now, tick=False):
        form = client.get(f"/medications/doses/{d.pk}/record/")
        assert form.status_code == 200 and "autofocus" in form.content.decode()
        bad = client.post(
            f"/medications/doses/{d.pk}/record/",
            {
                "wristband_id": "WB-A2",
                "drug": "Metoprolol",
                "dose": "25",
                "route": "po",
                "status": "completed",
                "idempotency_key": "web-1",
            },
        )
        assert bad.status_code == 200 and "this wristband belongs to another patient" in bad.content.decode()
        ok = client.post(
            f"/medications/doses/{d.pk}/record/",
            {
                "wristband_id": "WB-A1",
                "drug": "Metoprolol",
                "dose": "25",
                "route": "po",
                "status": "completed",
                "idempotency_key": "web-2",
            },
        )
        assert ok.status_code == 302
    assert Administration.objects.get().idempotency_key == "web-2"


def test_stay_record_order_forms_and_entered_in_error(world, meds, client):
    client.force_login(world.coordinator_a)
    with time_machine.travel(meds.now, tick=False):
        r = client.post(
            f"/medications/stays/{meds.stay.pk}/orders/new/",
            {
                "drug": "Acetaminophen",
                "dose": "650",
                "dose_unit": "mg",
                "route": "po",
                "frequency": "prn",
                "prn_min_interval_minutes": "240",
                "prescriber": "Dr. A",
                "time_critical": "",
            },
        )
        assert r.status_code == 302, r.content.decode()[:2000]
        prn = MedicationOrder.objects.get(frequency="prn")
        r = client.post(
            f"/medications/orders/{meds.order.pk}/change/",
            {
                "version": 1,
                "dose": "50",
                "dose_unit": "mg",
                "route": "po",
                "frequency": "bid",
                "times_of_day": "08:00, 20:00",
                "prescriber": "Dr. A",
            },
        )
        assert r.status_code == 302
        assert client.get(f"/medications/orders/{meds.order.pk}/change/").status_code == 200
        r = client.post(
            f"/medications/orders/{prn.pk}/prn/",
            {
                "wristband_id": "WB-A1",
                "drug": "Acetaminophen",
                "dose": "650",
                "route": "po",
                "status": "completed",
                "idempotency_key": "prn-1",
            },
        )
        assert r.status_code == 302
        admin = Administration.objects.get()
        r = client.post(f"/medications/administrations/{admin.pk}/entered-in-error/", {"reason": "charted twice"})
        assert r.status_code == 302
        page = client.get(f"/medications/stays/{meds.stay.pk}/")
        assert page.status_code == 200 and "Entered in error" in page.content.decode()
        r = client.post(f"/medications/orders/{meds.order.pk}/stop/", {"version": 2, "reason": "done"})
        assert r.status_code == 302
    assert MedicationOrder.objects.get(pk=meds.order.pk).status == "stopped"


def test_late_page_and_policy_page(world, meds, client):
    client.force_login(world.coordinator_a)
    with time_machine.travel(meds.now + timedelta(hours=2), tick=False):
        page = client.get(f"/medications/units/{world.icu_a.pk}/late/?day=2026-06-10")
        assert page.status_code == 200 and 'data-status="late"' in page.content.decode()
    assert client.get(f"/medications/sites/{world.site_a.pk}/policy/").status_code == 200
    assert client.post(f"/medications/sites/{world.site_a.pk}/policy/", {"version": 1}).status_code == 403
    client.force_login(world.director_a)
    r = client.post(
        f"/medications/sites/{world.site_a.pk}/policy/",
        {
            "version": 1,
            "time_critical_minutes": 20,
            "more_than_daily_minutes": 60,
            "daily_or_less_minutes": 120,
            "due_soon_minutes": 45,
            "time_critical_drugs": "insulin, heparin",
        },
    )
    assert r.status_code == 302


def test_pages_refuse_other_site(world, meds, client):
    client.force_login(world.nurse_b)
    d = dose_at(meds.order, meds.now)
    for url in (
        f"/medications/units/{world.icu_a.pk}/board/",
        f"/medications/doses/{d.pk}/record/",
        f"/medications/stays/{meds.stay.pk}/",
    ):
        assert client.get(url).status_code == 404
    other = make_order(meds.stay, now=meds.now)
    assert client.get(f"/medications/orders/{other.pk}/change/").status_code == 404


def test_hospital_wide_late_page_lists_every_unit_and_filters_by_kind(
    world, meds, client, django_assert_max_num_queries
):
    # Two hours after the 09:00 dose's window closed, nothing recorded: late on the ICU.
    client.force_login(world.director_a)
    with time_machine.travel(meds.now + timedelta(hours=2), tick=False):
        page = client.get("/medications/late/")
        text = page.content.decode()
        assert page.status_code == 200
        assert 'data-status="late"' in text and "Alpha-Patient" in text and world.icu_a.name in text
        assert client.get("/medications/late/?kind=missed").content.decode().count('data-status="late"') == 0
        assert 'data-status="late"' in client.get("/medications/late/?kind=late&hours=168").content.decode()
        # Nonsense filters fall back to the defaults rather than failing.
        assert client.get("/medications/late/?hours=5&kind=x&page=abc").status_code == 200
        # More patients with late doses do not mean more queries.
        with django_assert_max_num_queries(30) as few:
            client.get("/medications/late/")
        for n in range(5):
            stay = make_stay(world.site_a, world.ms_a, family_name=f"More-{n}", admitted_at=meds.now.replace(day=1))
            make_order(stay, times=["09:00", "21:00"], starts_at=meds.now.replace(day=9, hour=12), now=meds.now)
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert client.get("/medications/late/").content.decode().count('data-status="late"') >= 6


def test_hospital_wide_late_page_shows_another_site_nothing(world, meds, client):
    client.force_login(world.director_b)
    with time_machine.travel(meds.now + timedelta(hours=2), tick=False):
        text = client.get("/medications/late/").content.decode()
    assert "Alpha-Patient" not in text and 'data-status="late"' not in text

"""The pages of assignment: home, the shift board with htmx actions, patterns, ratios."""

from __future__ import annotations

from datetime import timedelta

import pytest

from caredesk.assignment.models import PatientAssignment, ShiftPattern
from caredesk.core import clock
from tests.assignment.helpers import assign, make_bed, make_nurse, make_pack, make_shift, make_stay

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(world):
    nurses = [make_nurse(world.site_a, world.icu_a) for _ in range(2)]
    stays = [make_stay(world.icu_a, make_bed(world.icu_a, f"R{i}", i), family=f"Doe{i}") for i in range(3)]
    shift = make_shift(world.icu_a, clock.now() - timedelta(hours=1), nurses, label="Day", charge=nurses[0])
    return world, nurses, stays, shift


def test_home_lists_units_and_todays_shifts(scene, client):
    world, _n, _s, shift = scene
    client.force_login(world.nurse_a)
    r = client.get("/assignment/")
    assert (
        r.status_code == 200 and b"Alpha ICU" in r.content and f"/assignment/shifts/{shift.pk}/".encode() in r.content
    )
    assert b"no ratio rule pack" in r.content
    client.force_login(world.hr_a)
    assert client.get("/assignment/").status_code == 403


def test_shift_board_optimise_and_override_with_htmx(scene, client):
    world, nurses, _stays, shift = scene
    world.icu_a.ratio_pack = make_pack()
    world.icu_a.save()
    client.force_login(world.coordinator_a)
    page = client.get(f"/assignment/shifts/{shift.pk}/")
    assert page.status_code == 200 and b"Doe0" in page.content and b"Unassigned patients" in page.content
    r = client.post(f"/assignment/shifts/{shift.pk}/optimise/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and b'id="board"' in r.content and b"Optimised" in r.content
    assert PatientAssignment.objects.filter(shift=shift).count() == 3
    counts = {n.pk: PatientAssignment.objects.filter(shift=shift, staff=n).count() for n in nurses}
    heavy = max(counts, key=lambda k: counts[k])
    light = min(counts, key=lambda k: counts[k])
    stay = PatientAssignment.objects.filter(shift=shift, staff_id=light).values_list("stay_id", flat=True)[0]
    r = client.post(f"/assignment/shifts/{shift.pk}/assign/", {"stay": stay, "nurse": heavy}, HTTP_HX_REQUEST="true")
    assert b"alert-danger" in r.content and b"reason" in r.content
    r = client.post(
        f"/assignment/shifts/{shift.pk}/assign/",
        {"stay": stay, "nurse": heavy, "override_reason": "Short-staffed for 30 minutes"},
        HTTP_HX_REQUEST="true",
    )
    assert b"alert-warning" in r.content and b"Overridden" in r.content
    r = client.post(f"/assignment/shifts/{shift.pk}/pin/", {"stay": stay, "pinned": "on"})
    assert r.status_code == 302 and PatientAssignment.objects.get(shift=shift, stay_id=stay).pinned


def test_staff_add_and_remove_on_the_page(scene, client):
    world, _nurses, _s, shift = scene
    extra = make_nurse(world.site_a, world.icu_a)
    client.force_login(world.coordinator_a)
    r = client.post(
        f"/assignment/shifts/{shift.pk}/staff/", {"staff": extra.pk, "is_charge": "on"}, HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 200 and shift.staff.filter(staff=extra, is_charge=True).exists()
    row = shift.staff.get(staff=extra)
    r = client.post(f"/assignment/shifts/{shift.pk}/staff/{row.pk}/remove/")
    assert r.status_code == 302 and not shift.staff.filter(staff=extra).exists()


def test_clinician_sees_the_board_but_cannot_change_it(scene, client):
    world, nurses, stays, shift = scene
    assign(shift, stays[0], nurses[0])
    client.force_login(world.nurse_a)
    page = client.get(f"/assignment/shifts/{shift.pk}/")
    assert page.status_code == 200 and b"Optimise" not in page.content
    assert client.post(f"/assignment/shifts/{shift.pk}/optimise/").status_code == 403
    client.force_login(world.director_b)
    assert client.get(f"/assignment/shifts/{shift.pk}/").status_code == 404


def test_patterns_page_and_open_shift(world, client):
    client.force_login(world.coordinator_a)
    r = client.post(
        f"/assignment/units/{world.icu_a.pk}/patterns/",
        {"code": "day", "name": "Day", "start_time": "07:00", "length_minutes": "720"},
    )
    assert r.status_code == 302
    pattern = ShiftPattern.objects.get(unit=world.icu_a)
    r = client.post(f"/assignment/units/{world.icu_a.pk}/open/", {"pattern": pattern.pk, "date": "2026-11-01"})
    assert r.status_code == 302 and "/assignment/shifts/" in r["Location"]
    r = client.post(f"/assignment/units/{world.icu_a.pk}/patterns/{pattern.pk}/toggle/", {"version": pattern.version})
    assert r.status_code == 302 and not ShiftPattern.objects.get(pk=pattern.pk).is_active


def test_ratios_page_shows_citations_and_refuses_looser_caps(world, client):
    pack = make_pack()
    client.force_login(world.director_a)
    r = client.get("/assignment/ratios/")
    assert r.status_code == 200 and b"22 CCR" in r.content
    r = client.post(
        f"/assignment/ratios/units/{world.ms_a.pk}/",
        {"ratio_pack": pack.pk, "max_patients_per_nurse": "7"},
        follow=True,
    )
    assert b"stricter" in r.content
    world.ms_a.refresh_from_db()
    assert world.ms_a.ratio_pack_id is None
    client.force_login(world.coordinator_a)
    assert client.post(f"/assignment/ratios/units/{world.icu_a.pk}/", {"ratio_pack": pack.pk}).status_code == 403

"""Pages of publishing, swaps and feeds; the Excel and PDF exports."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from openpyxl import load_workbook

from caredesk.scheduling.models import RosterEntry
from caredesk.scheduling.services import publishing as pub
from tests.conftest import skip_or_fail
from tests.scheduling.helpers_publishing import START, Problem, at_now, entry, no_problems, ward

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]
__all__ = ["at_now"]

D1 = START + timedelta(days=1)


def login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def _published(world: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    no_problems(monkeypatch)
    w = ward(world)
    entry(w.roster, w.ann, START, w.day)
    entry(w.roster, w.ann, D1, w.night)
    entry(w.roster, w.bob, START, w.night)
    w.roster.refresh_from_db()
    pub.publish(world.coordinator_a, w.roster.pk, expected_version=w.roster.version)
    w.roster.refresh_from_db()
    return w


def test_publish_page_shows_the_refusal(client: Any, world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    w = ward(world)
    entry(w.roster, w.ann, D1, w.day)
    monkeypatch.setattr(pub, "check_roster", lambda r: [Problem("rest", w.ann.pk, D1, "too little rest", True)])
    login(client, world.coordinator_a)
    r = client.post(
        f"/scheduling/rosters/{w.roster.pk}/publish",
        {"version": w.roster.version, "next": "/scheduling/swaps/"},
        follow=True,
    )
    assert r.status_code == 200 and "too little rest" in r.content.decode()
    w.roster.refresh_from_db()
    assert w.roster.published_version == 0
    monkeypatch.setattr(pub, "check_roster", lambda r: [])
    r = client.post(f"/scheduling/rosters/{w.roster.pk}/publish", {"version": w.roster.version}, follow=True)
    w.roster.refresh_from_db()
    assert w.roster.published_version == 1 and "Version 1 published" in r.content.decode()


def test_actions_template(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    w = _published(world, monkeypatch)
    request = RequestFactory().get(f"/scheduling/rosters/{w.roster.pk}/")
    request.user = world.coordinator_a
    context = {"roster": w.roster, "request": request, "can_manage": True}
    html = render_to_string("scheduling/publishing_actions.html", context)
    for text in ("Publish", "Re-plan after a change", "export.xlsx", "export.pdf", f'value="{w.roster.version}"'):
        assert text in html
    staff_view = render_to_string("scheduling/publishing_actions.html", {**context, "can_manage": False})
    assert "Re-plan" not in staff_view and f'/rosters/{w.roster.pk}/publish"' not in staff_view
    assert f'/rosters/{w.roster.pk}/publish"' in html and "export.pdf" in staff_view


def test_staff_pages(client: Any, world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    w = _published(world, monkeypatch)
    entry(w.roster, w.ann, START + timedelta(days=4), w.day)  # not published
    login(client, world.nurse_a)
    page = client.get("/scheduling/my-shifts/").content.decode()
    assert page.count("Alpha ICU") == 2 and "Get a calendar address" in page
    r = client.get(f"/scheduling/rosters/{w.roster.pk}/published")
    assert r.status_code == 200 and str(w.bob) in r.content.decode()
    assert client.get(f"/scheduling/rosters/{w.roster.pk}/changes").status_code == 403
    ann_entry = RosterEntry.objects.get(staff=w.ann, date=START)
    r = client.get(f"/scheduling/swaps/propose/{ann_entry.pk}")
    assert r.status_code == 200 and str(w.bob) in r.content.decode()
    r = client.post(f"/scheduling/swaps/propose/{ann_entry.pk}", {"colleague": w.cid.pk, "note": "please"})
    assert r.status_code == 302
    assert "please" in client.get("/scheduling/swaps/").content.decode()
    r = client.post("/scheduling/my-calendar/new")
    assert r.status_code == 200 and "/scheduling/feeds/cal_" in r.content.decode()


def test_coordinator_pages(client: Any, world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    w = _published(world, monkeypatch)
    RosterEntry.objects.filter(staff=w.bob).update(staff=w.cid)
    login(client, world.coordinator_a)
    page = client.get(f"/scheduling/rosters/{w.roster.pk}/changes").content.decode()
    assert str(w.bob) in page and str(w.cid) in page
    r = client.post(
        f"/scheduling/open-shifts/new/{w.roster.pk}", {"date": D1.isoformat(), "pattern": w.day.pk, "note": "gap"}
    )
    assert r.status_code == 302
    assert D1.strftime("%d") in client.get("/scheduling/swaps/").content.decode()


def test_other_site_sees_nothing(client: Any, world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    w = _published(world, monkeypatch)
    login(client, world.nurse_b)
    for url in ("published", "changes", "export.xlsx", "export.pdf"):
        assert client.get(f"/scheduling/rosters/{w.roster.pk}/{url}").status_code == 404
    assert "Alpha" not in client.get("/scheduling/swaps/").content.decode()


def test_excel_export(client: Any, world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    w = _published(world, monkeypatch)
    login(client, world.nurse_a)
    r = client.get(f"/scheduling/rosters/{w.roster.pk}/export.xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert "Alpha ICU" in rows[0][0]
    people = {row[0]: row for row in rows[2:4]}
    ann = people[str(w.ann)]
    assert ann[1:3] == ("D", "N") and ann[15:17] == (2, 24)
    assert people[str(w.bob)][1] == "N"
    coverage = {row[0]: row for row in rows if row and isinstance(row[0], str) and " – " in row[0]}
    assert coverage["D – Day"][1] == 1 and coverage["N – Night"][1:3] == (1, 1)


def test_pdf_export(client: Any, world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        import weasyprint  # noqa: F401 - needs the Pango system library
    except (ImportError, OSError) as exc:
        skip_or_fail(f"PDF export needs WeasyPrint's Pango (apt-get install libpango-1.0-0 libpangoft2-1.0-0): {exc}")
    w = _published(world, monkeypatch)
    login(client, world.coordinator_a)
    r = client.get(f"/scheduling/rosters/{w.roster.pk}/export.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")


def test_draft_exports_only_for_managers(client: Any, world: Any) -> None:
    w = ward(world)
    entry(w.roster, w.ann, D1, w.day)
    login(client, world.nurse_a)
    assert client.get(f"/scheduling/rosters/{w.roster.pk}/export.xlsx").status_code == 404
    login(client, world.coordinator_a)
    assert client.get(f"/scheduling/rosters/{w.roster.pk}/export.xlsx").status_code == 200

"""Coverage under the roster grid: everyone on a shift against its need, and one
row per skill a need or a skill-mix rule asks for, marked in words when short;
the same rows on the published grid; queries constant in the number of people."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caredesk.scheduling.models import Roster, RosterVersion, SkillMixRule, StaffingNeed
from caredesk.scheduling.queries import publishing as pub_queries
from caredesk.scheduling.queries import rosters as queries
from caredesk.workforce.models import CredentialKind, CredentialType
from tests.scheduling import helpers_rosters as h

pytestmark = pytest.mark.django_db

D = h.MONDAY
D1 = D + timedelta(days=1)


def _new_nurse(world: Any, name: str, *, hired: date = date(2020, 1, 6)) -> Any:
    """An RN on Alpha ICU; hired less than two years before the roster: not yet a charge nurse."""
    person = h.nurse(world.site_a, world.icu_a, name)
    type(person).objects.filter(pk=person.pk).update(hire_date=hired)
    person.refresh_from_db()
    return person


@pytest.fixture
def unit(world: Any) -> dict[str, Any]:
    day, night = h.patterns(world.icu_a)
    h.needs(world.icu_a, D, 7, 3, 2, preferred=4)
    SkillMixRule.objects.create(unit=world.icu_a, skill="charge", count=1)
    ccrn = CredentialType.objects.create(
        code="ccrn", name="Critical care nursing certification (CCRN)", kind=CredentialKind.CERTIFICATION
    )
    # Tuesday's day shift asks for two critical-care nurses (a need by hand overrides the rule pattern).
    StaffingNeed.objects.create(unit=world.icu_a, date=D1, pattern=day, skill="critical_care", minimum=2)
    senior = h.nurse(world.site_a, world.icu_a, "senior")  # hired 2020: charge
    junior = _new_nurse(world, "junior", hired=D - timedelta(days=200))
    certified = _new_nurse(world, "certified", hired=D - timedelta(days=300))
    h.credential(certified, ccrn, issued=D - timedelta(days=30), expires=D1)  # valid through Tuesday only
    r = h.roster(world.icu_a, world.coordinator_a, days=7)
    return {
        "world": world,
        "roster": r,
        "day": day,
        "night": night,
        "senior": senior,
        "junior": junior,
        "certified": certified,
        "ccrn": ccrn,
    }


def _rows(rows: list[queries.CoverageRow]) -> dict[tuple[str, str], queries.CoverageRow]:
    return {(r.pattern.code, r.skill): r for r in rows}


def test_rows_per_shift_and_skill(unit: dict[str, Any]) -> None:
    r, day, night = unit["roster"], unit["day"], unit["night"]
    senior, junior, certified = unit["senior"], unit["junior"], unit["certified"]
    h.entry(r, senior, D, day)
    h.entry(r, junior, D, day)
    h.entry(r, certified, D, day)
    h.entry(r, junior, D1, day)
    h.entry(r, certified, D1, day)
    h.entry(r, senior, D1 + timedelta(days=1), night)
    g = queries.grid(r)
    rows = _rows(g.coverage_rows)
    # totals first, then the skills of that shift, in order
    assert [(x.pattern.code, x.skill) for x in g.coverage_rows] == [
        ("day", ""),
        ("day", "charge"),
        ("day", "critical_care"),
        ("night", ""),
        ("night", "charge"),
    ]
    total = rows[("day", "")].cells
    assert (total[0].assigned, total[0].minimum, total[0].preferred) == (3, 3, 4)
    assert not total[0].short and total[0].under_preferred
    assert total[1].short and total[1].missing == 1
    charge = rows[("day", "charge")]
    assert charge.label == "Charge nurse"
    assert [c.assigned for c in charge.cells[:2]] == [1, 0]  # only the senior nurse counts
    assert [c.minimum for c in charge.cells] == [1] * 7  # from the skill-mix rule
    assert charge.cells[1].short and not charge.cells[0].short
    assert charge.short_days == 6
    crit = rows[("day", "critical_care")]
    assert crit.label == "Critical care nursing certification (CCRN)"
    assert crit.cells[0].minimum is None and crit.cells[0].assigned == 1  # the need is on Tuesday only
    assert (crit.cells[1].assigned, crit.cells[1].minimum, crit.cells[1].short) == (1, 2, True)
    assert rows[("night", "charge")].cells[2].assigned == 1
    # the pairs the API reads are the totals
    assert [p.code for p, _cells in g.coverage] == ["day", "night"]
    assert g.coverage[0][1] is total


def test_a_rule_for_one_shift_and_a_need_of_its_own(unit: dict[str, Any]) -> None:
    r, day, night = unit["roster"], unit["day"], unit["night"]
    SkillMixRule.objects.create(unit=r.unit, pattern=night, skill="charge", count=2)
    StaffingNeed.objects.create(unit=r.unit, date=D, pattern=day, skill="charge", minimum=0)
    SkillMixRule.objects.create(unit=r.unit, skill="iv", count=1, is_active=False)
    rows = _rows(queries.grid(r).coverage_rows)
    assert [c.minimum for c in rows[("night", "charge")].cells] == [2] * 7  # the stricter rule
    day_charge = rows[("day", "charge")].cells
    assert day_charge[0].minimum == 0 and day_charge[1].minimum == 1  # the need wins on its day
    assert ("day", "iv") not in rows  # inactive rules ask nothing


def test_a_unit_without_skill_needs_shows_the_totals_only(world: Any) -> None:
    h.patterns(world.icu_a)
    h.needs(world.icu_a, D, 7, 1, 1)
    r = h.roster(world.icu_a, world.coordinator_a, days=7)
    assert [x.skill for x in queries.grid(r).coverage_rows] == ["", ""]


def _grow(unit: dict[str, Any], start: int, n: int) -> None:
    """`n` more nurses on the roster, each working Monday and Tuesday days; every
    other one has a licence that lapses on Wednesday (checked day by day)."""
    world, r, day = unit["world"], unit["roster"], unit["day"]
    licence = h.licence_rule("rn")
    for k in range(start, start + n):
        person = h.nurse(world.site_a, world.icu_a, f"extra{k}")
        expires = D + timedelta(days=2) if k % 2 else D + timedelta(days=400)
        h.credential(person, licence, issued=D - timedelta(days=100), expires=expires)
        h.credential(person, unit["ccrn"], issued=D - timedelta(days=100), expires=None)
        h.entry(r, person, D, day)
        h.entry(r, person, D1, day)


def _count(fn: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_grid_queries_do_not_grow_with_the_staff(unit: dict[str, Any]) -> None:
    r = unit["roster"]
    licence = h.licence_rule("rn")
    for p in (unit["senior"], unit["junior"], unit["certified"]):
        h.credential(p, licence, issued=D - timedelta(days=100), expires=None)
    _grow(unit, 0, 2)
    small = _count(lambda: queries.grid(r))
    _grow(unit, 2, 8)
    g = queries.grid(r)
    assert _rows(g.coverage_rows)[("day", "critical_care")].cells[1].assigned == 10
    assert _count(lambda: queries.grid(r)) == small


def test_page_shows_skill_rows_and_marks_shortfalls_in_words(client: Any, unit: dict[str, Any]) -> None:
    world, r, day = unit["world"], unit["roster"], unit["day"]
    h.entry(r, unit["junior"], D, day)
    client.force_login(world.coordinator_a)
    page = client.get(reverse("scheduling:rosters_detail", args=[r.pk])).content.decode()
    foot = page[page.index('id="roster-coverage"') : page.index("</tfoot>")]
    assert "Day: on / needed" in foot and "Charge nurse" in foot
    assert "Critical care nursing certification (CCRN)" in foot
    assert 'data-skill="charge"' in foot and 'data-skill="critical_care"' in foot
    assert "below the minimum" in foot  # not colour alone
    assert '<span aria-hidden="true">!</span>0/1' in foot  # Monday: no charge nurse on the day shift
    assert "1/3" in foot and "–4" in foot  # one of three, four preferred
    assert "7 days short" in foot
    assert "! below the minimum" in page  # the legend


def test_page_queries_do_not_grow_with_the_staff(client: Any, unit: dict[str, Any]) -> None:
    world, r = unit["world"], unit["roster"]
    client.force_login(world.coordinator_a)
    url = reverse("scheduling:rosters_detail", args=[r.pk])
    _grow(unit, 0, 2)
    client.get(url)
    small = _count(lambda: client.get(url))
    _grow(unit, 2, 8)
    assert _count(lambda: client.get(url)) == small


def _publish(unit: dict[str, Any]) -> RosterVersion:
    r, day = unit["roster"], unit["day"]
    entries = [
        {"staff_id": unit["senior"].pk, "date": D.isoformat(), "pattern_id": day.pk},
        {"staff_id": unit["junior"].pk, "date": D.isoformat(), "pattern_id": day.pk},
        {"staff_id": unit["certified"].pk, "date": D1.isoformat(), "pattern_id": day.pk},
    ]
    version = RosterVersion.objects.create(
        roster=r, number=1, published_at=r.created_at, published_by=unit["world"].coordinator_a, entries=entries
    )
    Roster.objects.filter(pk=r.pk).update(status="published", published_version=1)
    return version


def test_published_grid_has_the_same_rows(client: Any, unit: dict[str, Any]) -> None:
    version = _publish(unit)
    r = unit["roster"]
    data = pub_queries.grid(r, version.entries)
    rows = _rows(data["coverage_rows"])
    assert [c.assigned for c in rows[("day", "")].cells[:2]] == [2, 1]
    assert [c.assigned for c in rows[("day", "charge")].cells[:2]] == [1, 0]
    assert rows[("day", "critical_care")].cells[1].assigned == 1
    assert data["coverage"][0]["counts"][:2] == [2, 1]  # the exports' shape is kept
    client.force_login(unit["world"].nurse_a)  # staff of the unit see the published grid
    page = client.get(reverse("scheduling:publishing_published", args=[r.pk])).content.decode()
    foot = page[page.index('id="published-coverage"') : page.index("</tfoot>")]
    assert "Charge nurse" in foot and "below the minimum" in foot and "2/3" in foot


def test_published_grid_queries_do_not_grow_with_the_staff(unit: dict[str, Any]) -> None:
    version = _publish(unit)
    r = unit["roster"]
    small = _count(lambda: pub_queries.grid(r, version.entries))
    rows = list(version.entries)
    for k in range(8):
        person = h.nurse(unit["world"].site_a, unit["world"].icu_a, f"pub{k}")
        h.credential(person, unit["ccrn"], issued=D - timedelta(days=100), expires=None)
        rows.append({"staff_id": person.pk, "date": D.isoformat(), "pattern_id": unit["day"].pk})
    assert _count(lambda: pub_queries.grid(r, rows)) == small


# --- the same rows over the API and in the exports -------------------------------------------


def _week(unit: dict[str, Any]) -> None:
    """Monday day: senior (charge), junior, certified (CCRN); Tuesday day: certified only."""
    r, day = unit["roster"], unit["day"]
    for person in (unit["senior"], unit["junior"], unit["certified"]):
        h.entry(r, person, D, day)
    h.entry(r, unit["certified"], D1, day)


def _items(items: list[dict[str, Any]]) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {(x["shift"], x["skill"], x["date"]): x for x in items}


def test_api_grid_has_the_skill_rows(api: Any, unit: dict[str, Any]) -> None:
    world, r = unit["world"], unit["roster"]
    _week(unit)
    got = api.get(f"/scheduling/rosters/{r.pk}", user=world.coordinator_a)
    assert got.status_code == 200, got.content
    body = got.json()
    assert len(body["coverage"]) == 14 and {x["skill"] for x in body["coverage"]} == {""}
    total = _items(body["coverage"])[("day", "", D.isoformat())]
    assert total == {
        "pattern_id": unit["day"].pk,
        "shift": "day",
        "skill": "",
        "label": "Day",
        "date": D.isoformat(),
        "assigned": 3,
        "minimum": 3,
        "preferred": 4,
        "below_minimum": False,
        "missing": 0,
        "below_preferred": True,
    }
    skills = _items(body["skill_coverage"])
    assert len(body["skill_coverage"]) == 7 * 3  # day: charge and critical care; night: charge
    monday, tuesday = skills[("day", "charge", D.isoformat())], skills[("day", "charge", D1.isoformat())]
    assert monday["label"] == "Charge nurse" and (monday["assigned"], monday["minimum"]) == (1, 1)
    assert not monday["below_minimum"]
    assert (tuesday["assigned"], tuesday["below_minimum"], tuesday["missing"]) == (0, True, 1)
    crit = skills[("day", "critical_care", D1.isoformat())]
    assert crit["label"] == "Critical care nursing certification (CCRN)"
    assert (crit["assigned"], crit["minimum"], crit["preferred"], crit["below_minimum"]) == (1, 2, None, True)
    assert skills[("day", "critical_care", D.isoformat())]["minimum"] is None  # no need on Monday
    assert skills[("night", "charge", D.isoformat())]["below_minimum"]


def test_api_grid_queries_do_not_grow_with_the_staff(api: Any, unit: dict[str, Any]) -> None:
    world, r = unit["world"], unit["roster"]
    url = f"/scheduling/rosters/{r.pk}"
    _grow(unit, 0, 2)
    api.get(url, user=world.coordinator_a)
    small = _count(lambda: api.get(url, user=world.coordinator_a))
    _grow(unit, 2, 8)
    got = api.get(url, user=world.coordinator_a).json()
    assert _items(got["skill_coverage"])[("day", "critical_care", D1.isoformat())]["assigned"] == 10
    assert _count(lambda: api.get(url, user=world.coordinator_a)) == small


def test_api_publication_has_the_published_skill_rows(api: Any, unit: dict[str, Any]) -> None:
    world, r = unit["world"], unit["roster"]
    h.entry(r, unit["junior"], D1, unit["day"])  # the working copy differs; the published version counts
    status = api.get(f"/scheduling/rosters/{r.pk}/publication", user=world.coordinator_a).json()
    assert status["published_version"] == 0 and status["coverage"] == [] and status["skill_coverage"] == []
    _publish(unit)
    status = api.get(f"/scheduling/rosters/{r.pk}/publication", user=world.nurse_a)
    assert status.status_code == 200, status.content
    body = status.json()
    totals = _items(body["coverage"])
    assert [totals[("day", "", d.isoformat())]["assigned"] for d in (D, D1)] == [2, 1]
    skills = _items(body["skill_coverage"])
    charge = [skills[("day", "charge", d.isoformat())] for d in (D, D1)]
    assert [c["assigned"] for c in charge] == [1, 0] and [c["below_minimum"] for c in charge] == [False, True]
    assert skills[("day", "critical_care", D1.isoformat())]["assigned"] == 1


def _sheet(content: bytes) -> Any:
    import io

    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(content)).active


def test_excel_export_has_the_skill_rows_under_the_people(client: Any, unit: dict[str, Any]) -> None:
    from caredesk.scheduling import exports

    world, r = unit["world"], unit["roster"]
    _week(unit)
    client.force_login(world.coordinator_a)
    got = client.get(reverse("scheduling:publishing_export_xlsx", args=[r.pk]))
    assert got.status_code == 200
    ws = _sheet(got.content)
    labels = [ws.cell(row=k, column=1).value for k in range(1, ws.max_row + 1)]
    people = [str(unit[k]) for k in ("senior", "junior", "certified")]
    coverage = [
        "day – Day",
        "day – Day: Charge nurse",
        "day – Day: Critical care nursing certification (CCRN)",
        "night – Night",
        "night – Night: Charge nurse",
    ]
    at = {label: k for k, label in enumerate(labels, start=1) if label}
    assert all(at[p] < at["Coverage"] < at[coverage[0]] for p in people)
    assert [labels[at[coverage[0]] - 1 + k] for k in range(5)] == coverage  # in the page's order

    def row(label: str) -> list[Any]:
        return [ws.cell(row=at[label], column=c).value for c in range(2, 10)]

    # Monday, Tuesday, ... then the "Shifts" column holds the days short
    assert row("day – Day")[:3] == ["*3/3–4", "!1/3–4", "!0/3–4"]
    assert row("day – Day: Charge nurse")[:2] == ["1/1", "!0/1"] and row("day – Day: Charge nurse")[7] == (
        "! 6 days short"
    )
    crit = row("day – Day: Critical care nursing certification (CCRN)")
    assert crit[:3] == [1, "!1/2", 0] and crit[7] == "! 1 day short"  # no need on Monday or Wednesday
    assert row("night – Night: Charge nurse")[0] == "!0/1"
    # the shortfall is marked in text ("!") and by the fill; the preferred level by "*" and a lighter fill
    charge = at["day – Day: Charge nurse"]
    assert ws.cell(row=charge, column=3).fill.fgColor.rgb.endswith(exports.SHORT_FILL)
    assert ws.cell(row=charge, column=2).fill.fgColor.rgb.endswith("000000")  # met: no fill
    assert ws.cell(row=at["day – Day"], column=2).fill.fgColor.rgb.endswith(exports.UNDER_PREFERRED_FILL)
    assert any(isinstance(x, str) and x.startswith("Coverage: on the shift") for x in labels)  # the legend


def test_pdf_export_has_the_same_rows(client: Any, unit: dict[str, Any]) -> None:
    """The HTML the PDF is printed from (checked without Pango); the PDF itself is
    tested in test_publishing_pages when WeasyPrint can run."""
    from caredesk.scheduling import exports
    from caredesk.scheduling.services import publishing as pub

    r = unit["roster"]
    _week(unit)
    html = exports.pdf_html(r, pub.working_snapshot(r), label="working copy")
    foot = html[html.index("<tfoot>") : html.index("</tfoot>")]
    for shift, skill in (("day", ""), ("day", "charge"), ("day", "critical_care"), ("night", ""), ("night", "charge")):
        assert f'data-shift="{shift}" data-skill="{skill}"' in foot
    assert "Charge nurse" in foot and "Critical care nursing certification (CCRN)" in foot
    assert '<span aria-hidden="true">!</span>0/1' in foot  # Tuesday: no charge nurse, marked in text
    assert '<span aria-hidden="true">*</span>3/3' in foot and "below the minimum" in foot
    assert "6 days short" in foot
    assert "! below the minimum (red)" in html  # the legend
    assert ".table-danger" in html and ".visually-hidden" in html  # the page's classes styled for print


def test_exports_queries_do_not_grow_with_the_staff(unit: dict[str, Any]) -> None:
    from caredesk.scheduling import exports
    from caredesk.scheduling.services import publishing as pub

    r = unit["roster"]
    _grow(unit, 0, 2)
    rows = pub.working_snapshot(r)
    small_xlsx = _count(lambda: exports.xlsx(r, rows, label="x"))
    small_html = _count(lambda: exports.pdf_html(r, rows, label="x"))
    _grow(unit, 2, 8)
    rows = pub.working_snapshot(r)
    assert _count(lambda: exports.xlsx(r, rows, label="x")) == small_xlsx
    assert _count(lambda: exports.pdf_html(r, rows, label="x")) == small_html

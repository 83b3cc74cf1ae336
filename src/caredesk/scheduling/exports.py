"""The roster as files: an Excel workbook (people × days with shift codes,
totals per person, then the coverage rows of the roster grid: everyone on each
shift and one row per required skill, against the needs) and a PDF of the same
grid (WeasyPrint, from an HTML template, landscape A4)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from caredesk.scheduling.models import Roster
from caredesk.scheduling.queries import publishing as q
from caredesk.scheduling.queries.rosters import CoverageCell, CoverageRow

SHORT_FILL = "F8D7DA"  # below the minimum (with "!" in the cell)
UNDER_PREFERRED_FILL = "FFF3CD"  # below the preferred level (with "*")


def title(roster: Roster, label: str) -> str:
    return f"{roster.unit.name} · {roster.start_date.isoformat()} · {label}"


def legend() -> str:
    return _(
        "Coverage: on the shift / minimum–preferred, then one line per skill the needs or the skill mix ask for. "
        "! below the minimum (red); * below the preferred level (yellow)."
    )


def coverage_label(row: CoverageRow) -> str:
    """The first column of a coverage row: the shift, then the skill for a skill row."""
    shift = f"{row.pattern.code} – {row.pattern.name}"
    return f"{shift}: {row.label}" if row.skill else shift


def coverage_value(cell: CoverageCell) -> int | str:
    """A coverage cell as on the page: the number on it, or "on/minimum–preferred"
    marked "!" below the minimum and "*" below the preferred level."""
    if cell.minimum is None:
        return cell.assigned
    marker = "!" if cell.short else "*" if cell.under_preferred else ""
    preferred = f"–{cell.preferred}" if cell.preferred is not None and cell.preferred != cell.minimum else ""
    return f"{marker}{cell.assigned}/{cell.minimum}{preferred}"


def short_days(row: CoverageRow) -> str:
    n = row.short_days
    return ngettext("! %(n)s day short", "! %(n)s days short", n) % {"n": n} if n else ""


def xlsx(roster: Roster, rows: Iterable[Mapping[str, Any]], *, label: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    data = q.grid(roster, rows)
    days = data["days"]
    wb = Workbook()
    ws = wb.active
    ws.title = _("Roster")[:31]
    ws.append([title(roster, label)])
    ws["A1"].font = Font(bold=True, size=13)
    header = [_("Person"), *[d.strftime("%a %d/%m") for d in days], _("Shifts"), _("Hours")]
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", text_rotation=90 if cell.column > 1 else 0)
    weekend = PatternFill("solid", fgColor="EEEEEE")
    for person in data["people"]:
        ws.append([person["name"], *person["cells"], person["shifts"], person["hours"]])
    ws.append([])
    ws.append([_("Coverage")])
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    first_coverage = ws.max_row + 1
    for row in data["coverage_rows"]:
        ws.append([coverage_label(row), *[coverage_value(c) for c in row.cells], short_days(row)])
        ws.cell(row=ws.max_row, column=1).alignment = Alignment(indent=1 if row.skill else 0)
    if data["coverage_rows"]:
        ws.append([legend()])
    for i, d in enumerate(days, start=2):
        if d.weekday() >= 5:
            for column in ws.iter_rows(min_row=2, max_row=ws.max_row, min_col=i, max_col=i):
                for cell in column:
                    cell.fill = weekend
        ws.column_dimensions[get_column_letter(i)].width = 7
    short_fill = PatternFill("solid", fgColor=SHORT_FILL)
    under_fill = PatternFill("solid", fgColor=UNDER_PREFERRED_FILL)
    for r, row in enumerate(data["coverage_rows"], start=first_coverage):
        for col, c in enumerate(row.cells, start=2):
            cell = ws.cell(row=r, column=col)
            cell.alignment = Alignment(horizontal="center")
            if c.short:
                cell.fill, cell.font = short_fill, Font(bold=True)
            elif c.under_preferred:
                cell.fill = under_fill
        if row.short_days:
            ws.cell(row=r, column=len(days) + 2).font = Font(bold=True, color="B02A37")
    ws.column_dimensions["A"].width = 32
    ws.freeze_panes = "B3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def pdf_html(roster: Roster, rows: Iterable[Mapping[str, Any]], *, label: str) -> str:
    """The HTML the PDF is printed from (the grid, then the roster grid's coverage rows)."""
    data = q.grid(roster, rows)
    return render_to_string(
        "scheduling/publishing_export_pdf.html", {"roster": roster, "title": title(roster, label), **data}
    )


def pdf(roster: Roster, rows: Iterable[Mapping[str, Any]], *, label: str) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=pdf_html(roster, rows, label=label)).write_pdf())

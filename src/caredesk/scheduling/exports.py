"""The roster as files: an Excel workbook (people × days with shift codes,
totals per person, coverage per shift) and a PDF of the same grid (WeasyPrint,
from an HTML template, landscape A4)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from caredesk.scheduling.models import Roster
from caredesk.scheduling.queries import publishing as q


def title(roster: Roster, label: str) -> str:
    return f"{roster.unit.name} · {roster.start_date.isoformat()} · {label}"


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
    for item in data["coverage"]:
        ws.append([f"{item['pattern'].code} – {item['pattern'].name}", *item["counts"]])
    for i, d in enumerate(days, start=2):
        if d.weekday() >= 5:
            for row in ws.iter_rows(min_row=2, max_row=ws.max_row, min_col=i, max_col=i):
                for cell in row:
                    cell.fill = weekend
        ws.column_dimensions[get_column_letter(i)].width = 5
    ws.column_dimensions["A"].width = 28
    ws.freeze_panes = "B3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def pdf(roster: Roster, rows: Iterable[Mapping[str, Any]], *, label: str) -> bytes:
    from weasyprint import HTML

    data = q.grid(roster, rows)
    html = render_to_string(
        "scheduling/publishing_export_pdf.html", {"roster": roster, "title": title(roster, label), **data}
    )
    return bytes(HTML(string=html).write_pdf())

"""Import of hours worked (a time clock's export) from CSV or Excel (.xlsx).

Columns (first row: the names, in any order; extra columns are ignored):

    employee_number, date, clock_in, clock_out, break_minutes, unit_code

`date` is the local date of the clock-in (YYYY-MM-DD or an Excel date);
`clock_in` / `clock_out` are local times HH:MM (or Excel times), a clock-out
at or before the clock-in being the next morning; `break_minutes` may be
empty (0); `unit_code` is the unit's code on the site.

ALL OR NOTHING, like workforce.imports (whose reader helpers are reused): every
row is tried inside one transaction, each in its own savepoint so that every
refused row is reported with its row number and column; if any row is refused,
or on a dry run, everything is rolled back and nothing is written. Imported
entries are "submitted", for the coordinator to approve. The importer needs
scheduling.manage on the unit of each row.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from caredesk.core import audit, clock, errors, scoping, writes
from caredesk.org.models import Site, Unit
from caredesk.scheduling.models import TimeKind, TimeSource
from caredesk.scheduling.services import timesheets as services
from caredesk.workforce.imports import MAX_BYTES, MAX_ROWS, Problem, RowReport, _Bad, _cell, _date, _text
from caredesk.workforce.models import StaffMember

COLUMNS = ["employee_number", "date", "clock_in", "clock_out", "break_minutes", "unit_code"]
OPTIONAL = {"break_minutes"}
# Field names of the service -> the column of the file that carries them.
FIELD_COLUMN = {
    "date": "date",
    "clock_in": "clock_in",
    "clock_out": "clock_out",
    "break_minutes": "break_minutes",
    "unit_id": "unit_code",
    "staff_id": "employee_number",
    "staff": "employee_number",
    "unit": "unit_code",
    "__all__": "date",
}


@dataclass
class TimesheetImportReport:
    dry_run: bool
    written: bool = False
    problems: list[Problem] = field(default_factory=list)
    rows: list[RowReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(r.ok for r in self.rows)

    @property
    def refused(self) -> list[RowReport]:
        return [r for r in self.rows if not r.ok]

    @property
    def refused_rows(self) -> int:
        return len(self.refused)

    def as_error(self) -> errors.ValidationFailed:
        fields: dict[str, list[str]] = {}
        for p in self.problems:
            fields.setdefault(p.column or "file", []).append(p.message)
        for r in self.refused:
            for p in r.problems:
                fields.setdefault(f"row {r.row}: {p.column}", []).append(p.message)
        return errors.ValidationFailed(
            _("Nothing was imported: %(count)d rows were refused.")
            % {"count": self.refused_rows or len(self.problems)},
            fields=fields,
        )


def _table(title_rows: list[list[Any]]) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    nonblank = [i for i, r in enumerate(title_rows) if any(_cell(c) != "" for c in r)]
    if not nonblank:
        return [], []
    start = nonblank[0]
    header = [str(_cell(c)).lower().replace(" ", "_") for c in title_rows[start]]
    rows = []
    for i, values in enumerate(title_rows[start + 1 :], start=start + 2):
        cells = [_cell(c) for c in values]
        if all(c == "" for c in cells):
            continue
        rows.append((i, {h: (cells[n] if n < len(cells) else "") for n, h in enumerate(header) if h}))
    return header, rows


def read_file(name: str, content: bytes) -> tuple[list[tuple[int, dict[str, Any]]], list[Problem]]:
    """The rows (with their line number in the file) of the first sheet that
    names the columns, or the problems that stop reading it."""
    lower = name.lower()
    if len(content) > MAX_BYTES:
        return [], [Problem("file", _("the file is larger than 10 MB"))]
    tables: list[list[list[Any]]] = []
    if lower.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            return [], [Problem("file", _("a CSV file must be UTF-8 text"))]
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel  # type: ignore[assignment]
        tables.append([list(r) for r in csv.reader(io.StringIO(text), dialect)])
    elif lower.endswith(".xlsx"):
        import zipfile

        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except (zipfile.BadZipFile, OSError, KeyError, ValueError):
            return [], [Problem("file", _("this is not a readable Excel (.xlsx) workbook"))]
        tables = [[list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets]
        book.close()
    else:
        return [], [Problem("file", _("send a .csv or .xlsx file"))]
    for table in tables:
        header, rows = _table(table)
        if "employee_number" in header or "clock_in" in header:
            problems = [
                Problem(col, _("the file has no column %(column)s") % {"column": col})
                for col in COLUMNS
                if col not in header and col not in OPTIONAL
            ]
            if len(rows) > MAX_ROWS:
                problems.append(Problem("file", _("at most %(n)d rows per import") % {"n": MAX_ROWS}))
            return rows, problems
    return [], [Problem("file", _("no hours found: the first row must name the columns"))]


def _time(row: dict[str, Any], col: str) -> time:
    value = row.get(col, "")
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, float) and 0 <= value < 1:  # an Excel time as a fraction of a day
        minutes = round(value * 24 * 60)
        return time(minutes // 60 % 24, minutes % 60)
    text = _text(row, col)
    try:
        parsed = time.fromisoformat(text if len(text) > 4 else text.zfill(5))
    except ValueError:
        raise _Bad(col, _("%(value)s is not a time (HH:MM)") % {"value": text}) from None
    return parsed.replace(second=0, microsecond=0, tzinfo=None)


def _minutes(row: dict[str, Any], col: str) -> int:
    text = _text(row, col, required=False)
    if not text:
        return 0
    try:
        value = int(float(text.replace(",", ".")))
    except ValueError:
        raise _Bad(col, _("%(value)s is not a number of minutes") % {"value": text}) from None
    if value < 0 or value > 240:
        raise _Bad(col, _("must be between 0 and 240"))
    return value


def _row(actor: Any, site: Site, row: dict[str, Any], moment: datetime) -> None:
    number = _text(row, "employee_number")
    staff = StaffMember.objects.select_related("site", "user").filter(site=site, employee_number=number).first()
    if staff is None:
        raise _Bad("employee_number", _("no staff member %(number)s on this site") % {"number": number})
    code = _text(row, "unit_code")
    unit = Unit.objects.select_related("site").filter(site=site, code__iexact=code).first()
    if unit is None:
        raise _Bad("unit_code", _("no unit %(code)s on this site") % {"code": code})
    if not scoping.has(actor, "scheduling.manage", site_id=site.pk, unit_id=unit.pk):
        raise _Bad("unit_code", _("you do not manage the timesheets of unit %(code)s") % {"code": code})
    if not staff.may_work_on_unit(unit.pk):
        raise _Bad("unit_code", _("%(number)s does not work on unit %(code)s") % {"number": number, "code": code})
    day = _date(row, "date")
    assert day is not None
    clock_in, clock_out = _time(row, "clock_in"), _time(row, "clock_out")
    entry = services.build_entry(
        staff,
        unit,
        day,
        clock_in,
        clock_out,
        _minutes(row, "break_minutes"),
        kind=TimeKind.WORKED,
        note="",
        source=TimeSource.IMPORT,
        moment=moment,
    )
    writes.save_new(entry, actor=actor, action="scheduling.import_time")


class _Rollback(Exception):
    pass


def _problems_of(exc: Exception) -> list[Problem]:
    if isinstance(exc, _Bad):
        return [Problem(exc.column, exc.message)]
    assert isinstance(exc, errors.ServiceError)
    if exc.fields:
        return [Problem(FIELD_COLUMN.get(name, name), m) for name, msgs in exc.fields.items() for m in msgs]
    return [Problem("date", exc.message)]


def import_file(
    actor: Any, site_id: int, name: str, content: bytes, *, dry_run: bool = True, now: datetime | None = None
) -> TimesheetImportReport:
    """Try every row; write them all only if none is refused and this is not a dry run."""
    moment = now or clock.now()
    site = scoping.get_scoped(Site.objects.all(), actor, "org.view_site", pk=site_id)
    r = scoping.reach(actor, "scheduling.manage")
    if not (r.everywhere or site.pk in r.site_ids or Unit.objects.filter(site=site, pk__in=r.unit_ids).exists()):
        raise errors.PermissionDenied()
    report = TimesheetImportReport(dry_run=dry_run)
    rows, problems = read_file(name, content)
    report.problems.extend(problems)
    if problems:
        return report
    try:
        with transaction.atomic():
            for number, row in rows:
                entry = RowReport("timesheets", number, f"{row.get('employee_number', '')} {row.get('date', '')}")
                try:
                    with transaction.atomic():
                        _row(actor, site, row, moment)
                except (_Bad, errors.ValidationFailed, errors.Conflict) as exc:
                    entry.problems = _problems_of(exc)
                report.rows.append(entry)
            if dry_run or not report.ok:
                raise _Rollback()
            audit.record(
                actor=actor,
                action="scheduling.import_time_file",
                obj=site,
                after={"file": name[:200], "rows": len(rows)},
            )
            report.written = True
    except _Rollback:
        pass
    return report

"""Import of existing staff and their credentials from CSV or Excel (.xlsx).

The column layout (first row: the column names, in any order):

staff          username, first_name, last_name, email, employee_number,
               discipline, job_title, home_unit_code, fte,
               contracted_hours_per_week, work_rules_code, hourly_rate, hire_date
credentials    employee_number, credential_code, number, issuer, issued_on,
               expires_on

A CSV file holds one of the two (told apart by its columns); a workbook may
hold both, on sheets named "staff" and "credentials" (or a single sheet of
either). Dates are YYYY-MM-DD (or Excel dates); numbers use a dot.

`import_file` is ALL OR NOTHING: every row is tried inside one transaction
(each in its own savepoint, so that every refused row is reported, naming
the column); if any row is refused, or on a dry run, the transaction is
rolled back and nothing is written.

A person without a log-in gets one through accounts.services.create_user
(role clinician with the row's discipline on the home unit) with a random
password that is never shown or stored in clear: they set their own with a
password reset. An existing log-in is used when it holds a role on the site
and has no staff record yet.
"""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import pydantic
from django.db import transaction
from django.utils.translation import gettext as _

from caredesk.accounts import schemas as account_schemas
from caredesk.accounts import services as account_services
from caredesk.accounts.models import User
from caredesk.core import audit, clock, errors, scoping
from caredesk.core.roles import Discipline, Role
from caredesk.org.models import Site, Unit
from caredesk.workforce import schemas, services
from caredesk.workforce.models import CredentialType, StaffMember, WorkRules

STAFF_COLUMNS = [
    "username",
    "first_name",
    "last_name",
    "email",
    "employee_number",
    "discipline",
    "job_title",
    "home_unit_code",
    "fte",
    "contracted_hours_per_week",
    "work_rules_code",
    "hourly_rate",
    "hire_date",
]
STAFF_OPTIONAL = {"email"}
CREDENTIAL_COLUMNS = ["employee_number", "credential_code", "number", "issuer", "issued_on", "expires_on"]
CREDENTIAL_OPTIONAL = {"number", "issuer", "expires_on"}
MAX_ROWS = 5000
MAX_BYTES = 10 * 1024 * 1024

# Field names of the services -> the column of the file that carries them.
STAFF_FIELD_COLUMN = {
    "user_id": "username",
    "site_id": "home_unit_code",
    "home_unit_id": "home_unit_code",
    "unit_id": "home_unit_code",
    "work_rules_id": "work_rules_code",
    "contracted_minutes_per_week": "contracted_hours_per_week",
    "password": "username",
    "grant": "discipline",
}
CREDENTIAL_FIELD_COLUMN = {"staff_id": "employee_number", "type_code": "credential_code", "document": "credential_code"}


@dataclass
class Problem:
    column: str
    message: str


@dataclass
class RowReport:
    sheet: str
    row: int
    key: str
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class ImportReport:
    dry_run: bool
    written: bool = False
    problems: list[Problem] = field(default_factory=list)
    rows: list[RowReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(r.ok for r in self.rows)

    @property
    def staff_rows(self) -> int:
        return sum(1 for r in self.rows if r.sheet == "staff")

    @property
    def credential_rows(self) -> int:
        return sum(1 for r in self.rows if r.sheet == "credentials")

    @property
    def refused_rows(self) -> int:
        return sum(1 for r in self.rows if not r.ok)

    @property
    def refused(self) -> list[RowReport]:
        return [r for r in self.rows if not r.ok]

    def as_error(self) -> errors.ValidationFailed:
        fields: dict[str, list[str]] = {}
        for p in self.problems:
            fields.setdefault(p.column or "file", []).append(p.message)
        for r in self.refused:
            for p in r.problems:
                fields.setdefault(f"{r.sheet} row {r.row}: {p.column}", []).append(p.message)
        return errors.ValidationFailed(
            _("Nothing was imported: %(count)d rows were refused.")
            % {"count": self.refused_rows or len(self.problems)},
            fields=fields,
        )


# --- reading the file ---------------------------------------------------------------


@dataclass
class Sheet:
    kind: str  # staff | credentials
    header: list[str]
    rows: list[tuple[int, dict[str, Any]]]


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    return "" if value is None else value


def _kind_of(header: list[str], title: str = "") -> str | None:
    title = title.strip().lower()
    if title in ("staff", "credentials"):
        return title
    if "credential_code" in header:
        return "credentials"
    if "username" in header or "home_unit_code" in header:
        return "staff"
    return None


def _sheet(title: str, table: list[list[Any]], first_row: int = 1) -> Sheet | None:
    nonblank = [(i, r) for i, r in enumerate(table) if any(_cell(c) != "" for c in r)]
    if not nonblank:
        return None
    start, header_cells = nonblank[0]
    header = [str(_cell(c)).lower().replace(" ", "_") for c in header_cells]
    kind = _kind_of(header, title)
    if kind is None:
        return None
    rows = []
    for i, values in enumerate(table[start + 1 :], start=start + 1):
        cells = [_cell(c) for c in values]
        if all(c == "" for c in cells):
            continue
        rows.append((i + first_row, {h: (cells[n] if n < len(cells) else "") for n, h in enumerate(header) if h}))
    return Sheet(kind, header, rows)


def read_file(name: str, content: bytes) -> tuple[list[Sheet], list[Problem]]:
    """The sheets of a CSV or XLSX file, or the problems that stop reading it."""
    lower = name.lower()
    if len(content) > MAX_BYTES:
        return [], [Problem("file", _("the file is larger than 10 MB"))]
    sheets: list[Sheet] = []
    if lower.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            return [], [Problem("file", _("a CSV file must be UTF-8 text"))]
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel  # type: ignore[assignment]
        table = [list(r) for r in csv.reader(io.StringIO(text), dialect)]
        sheet = _sheet("", table)
        if sheet:
            sheets.append(sheet)
    elif lower.endswith(".xlsx"):
        import zipfile

        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except (zipfile.BadZipFile, OSError, KeyError, ValueError):
            return [], [Problem("file", _("this is not a readable Excel (.xlsx) workbook"))]
        for ws in book.worksheets:
            sheet = _sheet(ws.title, [list(r) for r in ws.iter_rows(values_only=True)])
            if sheet:
                sheets.append(sheet)
        book.close()
    else:
        return [], [Problem("file", _("send a .csv or .xlsx file"))]
    if not sheets:
        return [], [Problem("file", _("no staff or credentials found: the first row must name the columns"))]
    problems = []
    for sheet in sheets:
        expected, optional = (
            (STAFF_COLUMNS, STAFF_OPTIONAL) if sheet.kind == "staff" else (CREDENTIAL_COLUMNS, CREDENTIAL_OPTIONAL)
        )
        for col in expected:
            if col not in sheet.header and col not in optional:
                problems.append(
                    Problem(
                        col, _("the %(sheet)s sheet has no column %(column)s") % {"sheet": sheet.kind, "column": col}
                    )
                )
        if len(sheet.rows) > MAX_ROWS:
            problems.append(Problem("file", _("at most %(n)d rows per import") % {"n": MAX_ROWS}))
    return sheets, problems


# --- cell conversion: each raises _Bad(column, message) -----------------------------------


class _Bad(Exception):
    def __init__(self, column: str, message: str) -> None:
        self.column, self.message = column, message


def _text(row: dict[str, Any], col: str, *, required: bool = True) -> str:
    value = row.get(col, "")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if required and not text:
        raise _Bad(col, _("this column is empty"))
    return text


def _date(row: dict[str, Any], col: str, *, required: bool = True) -> date | None:
    value = row.get(col, "")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        if required:
            raise _Bad(col, _("this column is empty"))
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise _Bad(col, _("%(value)s is not a date (YYYY-MM-DD)") % {"value": text}) from None


def _decimal(row: dict[str, Any], col: str) -> Decimal:
    text = _text(row, col)
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise _Bad(col, _("%(value)s is not a number") % {"value": text}) from None
    if not value.is_finite():
        raise _Bad(col, _("%(value)s is not a number") % {"value": text})
    return value


# --- the import itself ------------------------------------------------------------------


def _problems_of(exc: Exception, columns: dict[str, str], default: str) -> list[Problem]:
    if isinstance(exc, _Bad):
        return [Problem(exc.column, exc.message)]
    if isinstance(exc, pydantic.ValidationError):
        out = []
        for item in exc.errors():
            loc = [str(p) for p in item.get("loc", ())]
            name = loc[0] if loc else default
            out.append(Problem(columns.get(name, name), str(item.get("msg", "invalid"))))
        return out
    if isinstance(exc, errors.ServiceError):
        if exc.fields:
            return [Problem(columns.get(name, name), m) for name, msgs in exc.fields.items() for m in msgs]
        return [Problem(default, exc.message)]
    raise exc


def _staff_row(actor: Any, site: Site, row: dict[str, Any], now: datetime) -> None:
    username = _text(row, "username")
    discipline = _text(row, "discipline").lower()
    if discipline not in Discipline.values:
        raise _Bad(
            "discipline",
            _("%(value)s is not one of %(choices)s") % {"value": discipline, "choices": ", ".join(Discipline.values)},
        )
    unit_code = _text(row, "home_unit_code")
    unit = Unit.objects.filter(site=site, code__iexact=unit_code).first()
    if unit is None:
        raise _Bad("home_unit_code", _("no unit %(code)s on this site") % {"code": unit_code})
    if not unit.is_active:
        raise _Bad("home_unit_code", _("unit %(code)s is inactive") % {"code": unit_code})
    rules_code = _text(row, "work_rules_code")
    rules = (
        WorkRules.objects.filter(code__iexact=rules_code, is_active=True).filter(site__isnull=True).first()
        or WorkRules.objects.filter(code__iexact=rules_code, is_active=True, site=site).first()
    )
    if rules is None:
        raise _Bad("work_rules_code", _("no active work-rule pack %(code)s for this site") % {"code": rules_code})
    hours = _decimal(row, "contracted_hours_per_week")
    if hours < 0 or hours > 80:
        raise _Bad("contracted_hours_per_week", _("must be between 0 and 80"))
    hire_date = _date(row, "hire_date")
    fte = _decimal(row, "fte")
    rate = _decimal(row, "hourly_rate")
    employee_number = _text(row, "employee_number")
    job_title = _text(row, "job_title")
    user = User.objects.filter(username__iexact=username).first()
    if user is None:
        user = account_services.create_user(
            actor,
            account_schemas.UserCreate(
                username=username,
                first_name=_text(row, "first_name"),
                last_name=_text(row, "last_name"),
                email=_text(row, "email", required=False) or None,
                # Random, never shown nor stored in clear: the person sets their own.
                password=secrets.token_urlsafe(32) + "-Aa9",
                grant=account_schemas.GrantCreate(
                    role=Role.CLINICIAN, site_id=site.pk, unit_id=unit.pk, discipline=Discipline(discipline)
                ),
            ),
        )
    elif StaffMember.objects.filter(user=user).exists():
        raise _Bad("username", _("%(username)s already has a staff record") % {"username": username})
    elif not user.active_grants().filter(site=site).exists():
        raise _Bad("username", _("this log-in is already taken"))
    services.create_staff(
        actor,
        schemas.StaffCreate(
            user_id=user.pk,
            site_id=site.pk,
            home_unit_id=unit.pk,
            employee_number=employee_number,
            discipline=Discipline(discipline),
            job_title=job_title,
            fte=fte,
            contracted_minutes_per_week=int(hours * 60),
            work_rules_id=rules.pk,
            hourly_rate=rate,
            hire_date=hire_date,  # type: ignore[arg-type]
        ),
        now=now,
    )


def _credential_row(actor: Any, site: Site, row: dict[str, Any], now: datetime) -> None:
    number_col = _text(row, "employee_number")
    staff = StaffMember.objects.filter(site=site, employee_number=number_col).first()
    if staff is None:
        raise _Bad("employee_number", _("no staff member %(number)s on this site") % {"number": number_col})
    code = _text(row, "credential_code").lower()
    if not CredentialType.objects.filter(code=code).exists():
        raise _Bad("credential_code", _("unknown credential %(code)s") % {"code": code})
    services.add_credential(
        actor,
        schemas.CredentialCreate(
            staff_id=staff.pk,
            type_code=code,
            number=_text(row, "number", required=False),
            issuer=_text(row, "issuer", required=False),
            issued_on=_date(row, "issued_on"),  # type: ignore[arg-type]
            expires_on=_date(row, "expires_on", required=False),
        ),
        now=now,
    )


class _Rollback(Exception):
    pass


def import_file(
    actor: Any, site_id: int, name: str, content: bytes, *, dry_run: bool = True, now: datetime | None = None
) -> ImportReport:
    """Try every row; write them all only if none is refused and this is not a dry run."""
    moment = now or clock.now()
    site = scoping.get_scoped(Site.objects.all(), actor, "org.view_site", pk=site_id)
    for permission in ("workforce.manage_staff", "workforce.manage_credentials", "accounts.manage_users"):
        scoping.require(actor, permission, site_id=site.pk)
    report = ImportReport(dry_run=dry_run)
    sheets, problems = read_file(name, content)
    report.problems.extend(problems)
    if problems:
        return report
    # Staff first, so credentials can name people imported in the same file.
    sheets.sort(key=lambda s: 0 if s.kind == "staff" else 1)
    try:
        with transaction.atomic():
            for sheet in sheets:
                for number, row in sheet.rows:
                    key = str(row.get("username") or row.get("employee_number") or "")
                    if sheet.kind == "credentials":
                        key = f"{row.get('employee_number', '')} {row.get('credential_code', '')}".strip()
                    entry = RowReport(sheet.kind, number, key)
                    columns = STAFF_FIELD_COLUMN if sheet.kind == "staff" else CREDENTIAL_FIELD_COLUMN
                    default = "username" if sheet.kind == "staff" else "employee_number"
                    try:
                        with transaction.atomic():
                            if sheet.kind == "staff":
                                _staff_row(actor, site, row, moment)
                            else:
                                _credential_row(actor, site, row, moment)
                    except (_Bad, pydantic.ValidationError, errors.ValidationFailed, errors.Conflict) as exc:
                        entry.problems = _problems_of(exc, columns, default)
                    report.rows.append(entry)
            if dry_run or not report.ok:
                raise _Rollback()
            audit.record(
                actor=actor,
                action="workforce.import",
                obj=site,
                after={"file": name[:200], "staff_rows": report.staff_rows, "credential_rows": report.credential_rows},
            )
            report.written = True
    except _Rollback:
        pass
    # Objects created inside the rolled-back transaction leave their grants cached.
    scoping.forget(actor)
    return report

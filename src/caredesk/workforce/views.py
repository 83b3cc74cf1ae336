"""Pages of the workforce: staff list and profile, employment events,
credentials (with their documents), what is due, work rules and import."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caredesk.accounts.models import User
from caredesk.core import clock, errors, scoping
from caredesk.org import queries as org_queries
from caredesk.org.models import Site
from caredesk.web import forms_support, profile_sections
from caredesk.web import scope as web_scope
from caredesk.workforce import api as workforce_api
from caredesk.workforce import forms, imports, queries, schemas, services
from caredesk.workforce.models import (
    CredentialType,
    EmploymentEventKind,
    StaffStatus,
)

PAY_FIELDS = queries.PAY_FIELDS


def _sites_with(user: Any, permission: str) -> list[tuple[int, str]]:
    return [(s.pk, s.name) for s in org_queries.sites(user) if scoping.has(user, permission, site_id=s.pk)]


def _unit_choices(user: Any, site_id: int | None) -> list[tuple[int, str]]:
    return [(u.pk, u.name) for u in org_queries.units(user, site_id=site_id)] if site_id else []


def _rules_choices(site_id: int | None) -> list[tuple[int, str]]:
    if site_id is None:
        return []
    return [(r.pk, f"{r.name} ({r.code})") for r in queries.applicable_work_rules(site_id)]


# --- staff list and profile -------------------------------------------------------------


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    if not scoping.has_anywhere(request.user, "workforce.view_staff"):
        return redirect("workforce:my_record")
    focus = web_scope.current(request)
    form = forms.StaffFilterForm(
        request.GET or None,
        unit_choices=_unit_choices(request.user, focus.site_id)
        or [(u.pk, f"{u.name} · {u.site.name}") for u in org_queries.units(request.user)],
    )
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = form.cleaned_data
    qs = queries.staff(
        request.user,
        site_id=focus.site_id,
        unit_id=filters.get("unit") or focus.unit_id,
        discipline=filters.get("discipline") or None,
        status=filters.get("status") or None,
        search=filters.get("q") or None,
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "workforce/staff_list.html",
        {
            "page": page,
            "form": form,
            "can_add": scoping.has_anywhere(request.user, "workforce.manage_staff"),
            "can_import": scoping.has_anywhere(request.user, "workforce.manage_staff"),
            "own": queries.own_record(request.user),
            "query": _without_page(request),
        },
    )


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
def my_record(request: HttpRequest) -> HttpResponse:
    own = queries.own_record(request.user)
    if own is not None:
        return redirect("workforce:staff_detail", own.pk)
    return render(request, "workforce/no_record.html")


@login_required
def staff_detail(request: HttpRequest, staff_id: int) -> HttpResponse:
    record = queries.staff_member(request.user, staff_id)
    user = request.user
    pay = queries.may_see_pay(user, record)
    today = queries.local_today(record)
    creds = list(queries.credentials(user, staff_id=record.pk))
    for c in creds:
        c.state = services.credential_state(c, today)  # type: ignore[attr-defined]
    events = list(queries.events(user, record.pk)[:100])
    for e in events:
        e.shown_changes = queries.redacted_changes(e.changes, pay)  # type: ignore[attr-defined]
        e.local_effective = clock.to_zone(e.effective_at, record.site.time_zone)  # type: ignore[attr-defined]
    can_manage_staff = scoping.has(user, "workforce.manage_staff", site_id=record.site_id)
    can_manage_creds = scoping.has(
        user, "workforce.manage_credentials", site_id=record.site_id, unit_id=record.home_unit_id
    )
    context: dict[str, Any] = {
        "staff": record,
        "is_own": record.user_id == user.pk,
        "may_see_pay": pay,
        "credentials": creds,
        "events": events,
        "other_units": list(record.other_units.all()),
        "verdict": queries.home_unit_verdict(record),
        "can_manage_staff": can_manage_staff and record.status != StaffStatus.TERMINATED,
        "can_manage_credentials": can_manage_creds,
        "contracted_hours": Decimal(record.contracted_minutes_per_week) / 60,
        "event_kinds": [
            (k, label)
            for k, label in EmploymentEventKind.choices
            if k != EmploymentEventKind.HIRE and (pay or k != EmploymentEventKind.RATE_CHANGE)
        ],
    }
    sections = []
    for section in profile_sections.sections_for(request, record):
        html = render_to_string(section.template, {**context, **section.context, "section": section}, request=request)
        sections.append({"title": section.title, "html": html})
    context["sections"] = sections
    return render(request, "workforce/staff_detail.html", context)


def _staff_user_choices(site_id: int | None) -> list[tuple[int, str]]:
    if site_id is None:
        return []
    people = (
        User.objects.filter(
            is_active=True, role_grants__site_id=site_id, role_grants__revoked_at__isnull=True, staff__isnull=True
        )
        .distinct()
        .order_by("last_name", "first_name")
    )
    return [(u.pk, f"{u} ({u.username})") for u in people]


@login_required
def staff_create(request: HttpRequest) -> HttpResponse:
    scoping.require_anywhere(request.user, "workforce.manage_staff")
    sites = _sites_with(request.user, "workforce.manage_staff")
    site_ids = {pk for pk, _name in sites}
    focus = web_scope.current(request)
    raw_site = request.POST.get("site") or request.GET.get("site") or focus.site_id or (sites[0][0] if sites else None)
    try:
        site_id: int | None = int(raw_site) if raw_site is not None else None
    except ValueError:
        site_id = None
    if site_id not in site_ids:
        site_id = sites[0][0] if sites else None
    form = forms.StaffCreateForm(
        request.POST or None,
        initial={
            "site": site_id,
            "fte": "1.00",
            "contracted_hours_per_week": "40",
            "night_differential": "0",
            "weekend_differential": "0",
        },
        site_choices=sites,
        user_choices=_staff_user_choices(site_id),
        unit_choices=_unit_choices(request.user, site_id),
        rules_choices=_rules_choices(site_id),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        record = forms_support.run(
            form,
            lambda: services.create_staff(
                request.user,
                schemas.StaffCreate(
                    user_id=d["user"],
                    site_id=d["site"],
                    home_unit_id=d["home_unit"],
                    other_unit_ids=d["other_units"],
                    employee_number=d["employee_number"],
                    discipline=d["discipline"],
                    job_title=d["job_title"],
                    fte=d["fte"],
                    contracted_minutes_per_week=int(d["contracted_hours_per_week"] * 60),
                    work_rules_id=d["work_rules"],
                    hourly_rate=d["hourly_rate"],
                    night_differential=d["night_differential"] or Decimal(0),
                    weekend_differential=d["weekend_differential"] or Decimal(0),
                    hire_date=d["hire_date"],
                ),
            ),
        )
        if record is not None:
            messages.success(request, _("Staff record of %(name)s opened.") % {"name": record})
            return redirect("workforce:staff_detail", record.pk)
    return render(request, "workforce/staff_form.html", {"form": form, "creating": True, "site_id": site_id})


@login_required
def staff_edit(request: HttpRequest, staff_id: int) -> HttpResponse:
    record = queries.staff_member(request.user, staff_id)
    scoping.require(request.user, "workforce.manage_staff", site_id=record.site_id)
    form = forms.StaffEditForm(
        request.POST or None,
        initial={
            "version": record.version,
            "employee_number": record.employee_number,
            "other_units": [u.pk for u in record.other_units.all()],
            "work_rules": record.work_rules_id,
        },
        unit_choices=[
            (pk, name) for pk, name in _unit_choices(request.user, record.site_id) if pk != record.home_unit_id
        ],
        rules_choices=_rules_choices(record.site_id),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        updated = forms_support.run(
            form,
            lambda: services.update_staff(
                request.user,
                record.pk,
                schemas.StaffUpdate(
                    version=d["version"],
                    employee_number=d["employee_number"],
                    other_unit_ids=d["other_units"],
                    work_rules_id=d["work_rules"],
                ),
            ),
        )
        if updated is not None:
            messages.success(request, _("Staff record saved."))
            return redirect("workforce:staff_detail", record.pk)
    return render(request, "workforce/staff_form.html", {"form": form, "staff": record, "creating": False})


@login_required
def event_create(request: HttpRequest, staff_id: int) -> HttpResponse:
    record = queries.staff_member(request.user, staff_id)
    scoping.require(request.user, "workforce.manage_staff", site_id=record.site_id)
    kind = request.POST.get("kind") or request.GET.get("kind") or ""
    pay = queries.may_see_pay(request.user, record)
    allowed = [k for k in forms.EVENT_FORM_FIELDS if pay or k != EmploymentEventKind.RATE_CHANGE]
    if kind not in allowed:
        kind = ""
    form = None
    zone = ZoneInfo(record.site.time_zone)
    if kind:
        local_now = clock.to_zone(clock.now(), zone).replace(second=0, microsecond=0, tzinfo=None)
        form = forms.EventForm(
            request.POST or None,
            kind=kind,
            unit_choices=[
                (pk, n) for pk, n in _unit_choices(request.user, record.site_id) if pk != record.home_unit_id
            ],
            may_see_pay=pay,
            initial={
                "version": record.version,
                "effective_at": local_now.isoformat(timespec="minutes"),
                "fte": record.fte,
                "contracted_hours_per_week": Decimal(record.contracted_minutes_per_week) / 60,
            },
        )
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            # The form reads wall-clock time; it is the site's wall clock.
            entered: datetime = d["effective_at"]
            local = timezone.make_naive(entered) if timezone.is_aware(entered) else entered
            effective = local.replace(tzinfo=zone)
            payload: dict[str, Any] = {
                "version": d["version"],
                "kind": kind,
                "effective_at": effective,
                "reason": d.get("reason", ""),
            }
            if d.get("job_title"):
                payload["job_title"] = d["job_title"]
            if d.get("discipline"):
                payload["discipline"] = d["discipline"]
            if d.get("home_unit"):
                payload["home_unit_id"] = d["home_unit"]
            if "fte" in d:
                payload["fte"] = d["fte"]
                payload["contracted_minutes_per_week"] = int(d["contracted_hours_per_week"] * 60)
            for name in PAY_FIELDS:
                if d.get(name) is not None:
                    payload[name] = d[name]
            event = forms_support.run(
                form,
                lambda: services.record_employment_event(
                    request.user, record.pk, schemas.EmploymentEventCreate(**payload)
                ),
            )
            if event is not None:
                messages.success(request, _("%(event)s recorded.") % {"event": event.get_kind_display()})
                return redirect("workforce:staff_detail", record.pk)
    return render(
        request,
        "workforce/event_form.html",
        {
            "staff": record,
            "form": form,
            "kind": kind,
            "kind_label": dict(EmploymentEventKind.choices).get(kind, ""),
            "kinds": [(k, dict(EmploymentEventKind.choices)[k]) for k in allowed],
            "is_termination": kind == EmploymentEventKind.TERMINATION,
        },
    )


# --- credentials ------------------------------------------------------------------------


def _type_choices() -> list[tuple[str, str]]:
    return [(t.code, t.name) for t in CredentialType.objects.all()]


@login_required
def credential_create(request: HttpRequest, staff_id: int) -> HttpResponse:
    record = queries.staff_member(request.user, staff_id)
    scoping.require(request.user, "workforce.manage_credentials", site_id=record.site_id, unit_id=record.home_unit_id)
    form = forms.CredentialForm(request.POST or None, request.FILES or None, type_choices=_type_choices())
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        cred = forms_support.run(
            form,
            lambda: services.add_credential(
                request.user,
                schemas.CredentialCreate(
                    staff_id=record.pk,
                    type_code=d["type_code"],
                    number=d["number"],
                    issuer=d["issuer"],
                    issued_on=d["issued_on"],
                    expires_on=d["expires_on"],
                ),
                document=d.get("document") or None,
            ),
        )
        if cred is not None:
            messages.success(request, _("%(credential)s recorded.") % {"credential": cred.type.name})
            return redirect("workforce:staff_detail", record.pk)
    return render(request, "workforce/credential_form.html", {"form": form, "staff": record, "creating": True})


@login_required
def credential_renew(request: HttpRequest, credential_id: int) -> HttpResponse:
    cred = queries.credential(request.user, credential_id)
    record = cred.staff
    scoping.require(request.user, "workforce.manage_credentials", site_id=record.site_id, unit_id=record.home_unit_id)
    form = forms.CredentialRenewForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "version": cred.version,
            "number": cred.number,
            "issuer": cred.issuer,
            "issued_on": cred.issued_on,
            "expires_on": cred.expires_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        updated = forms_support.run(
            form,
            lambda: services.update_credential(
                request.user,
                cred.pk,
                schemas.CredentialUpdate(
                    version=d["version"],
                    number=d["number"],
                    issuer=d["issuer"],
                    issued_on=d["issued_on"],
                    expires_on=d["expires_on"],
                ),
                document=d.get("document") or None,
            ),
        )
        if updated is not None:
            messages.success(request, _("%(credential)s saved.") % {"credential": cred.type.name})
            return redirect("workforce:staff_detail", record.pk)
    return render(
        request,
        "workforce/credential_form.html",
        {"form": form, "staff": record, "credential": cred, "creating": False, "revoke_form": forms.RevokeForm()},
    )


@login_required
@require_POST
def credential_revoke(request: HttpRequest, credential_id: int) -> HttpResponse:
    cred = queries.credential(request.user, credential_id)
    scoping.require(
        request.user, "workforce.manage_credentials", site_id=cred.staff.site_id, unit_id=cred.staff.home_unit_id
    )
    return forms_support.inline_action(
        request,
        forms.RevokeForm(request.POST),
        lambda d: services.revoke_credential(request.user, cred.pk, reason=d["reason"]),
        success=lambda _done: _("%(credential)s revoked.") % {"credential": cred.type.name},
        back_to=reverse("workforce:staff_detail", args=[cred.staff_id]),
    )


@login_required
def credential_document(request: HttpRequest, credential_id: int) -> FileResponse:
    """The attached document, streamed only to those who may see the credential."""
    return workforce_api.document_response(queries.credential(request.user, credential_id))


@login_required
def credentials_due(request: HttpRequest) -> HttpResponse:
    scoping.require_anywhere(request.user, "workforce.manage_credentials")
    focus = web_scope.current(request)
    due = queries.credentials_due(request.user, site_id=focus.site_id, unit_id=focus.unit_id)
    missing = queries.missing_requirements(request.user, site_id=focus.site_id, unit_id=focus.unit_id)
    return render(request, "workforce/credentials_due.html", {"due": due, "missing": missing})


# --- work rules and requirements ------------------------------------------------------------


def _rules_site_choices(user: Any) -> list[tuple[Any, str]]:
    sites: list[tuple[Any, str]] = list(_sites_with(user, "workforce.manage_rules"))
    if user.is_superuser:
        sites = [("", _("Shared: every site")), *sites]
    return sites


@login_required
def rules_list(request: HttpRequest) -> HttpResponse:
    scoping.require_anywhere(request.user, "workforce.view_staff")
    can_manage = request.user.is_superuser or scoping.has_anywhere(request.user, "workforce.manage_rules")
    packs = queries.work_rules(request.user, include_inactive=True)
    reqs = queries.requirements(request.user, include_inactive=True)
    return render(
        request,
        "workforce/rules_list.html",
        {"packs": packs, "requirements": reqs, "can_manage": can_manage},
    )


def _may_manage(user: Any, site_id: int | None) -> bool:
    return bool(user.is_superuser) if site_id is None else scoping.has(user, "workforce.manage_rules", site_id=site_id)


RULE_FIELDS = [
    "name",
    "jurisdiction",
    "source",
    "max_minutes_per_day",
    "max_minutes_per_week",
    "min_rest_minutes",
    "max_consecutive_days",
    "min_consecutive_days_off",
    "max_weekends_per_4_weeks",
    "weekly_rest_minutes",
    "overtime_basis",
]


@login_required
def rules_create(request: HttpRequest) -> HttpResponse:
    sites = _rules_site_choices(request.user)
    if not sites:
        raise errors.PermissionDenied()
    form = forms.WorkRulesForm(request.POST or None, site_choices=sites)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        rules = forms_support.run(
            form,
            lambda: services.create_work_rules(
                request.user,
                schemas.WorkRulesCreate(site_id=d["site"], code=d["code"], **{k: d[k] for k in RULE_FIELDS}),
            ),
        )
        if rules is not None:
            messages.success(request, _("Work-rule pack %(name)s created.") % {"name": rules.name})
            return redirect("workforce:rules_list")
    return render(request, "workforce/rules_form.html", {"form": form, "creating": True})


@login_required
def rules_edit(request: HttpRequest, work_rules_id: int) -> HttpResponse:
    rules = queries.get_or_404(queries.work_rules(request.user, include_inactive=True), work_rules_id)
    if not _may_manage(request.user, rules.site_id):
        raise errors.PermissionDenied()
    initial = {k: getattr(rules, k) for k in RULE_FIELDS} | {"version": rules.version, "is_active": rules.is_active}
    form = forms.WorkRulesEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        updated = forms_support.run(
            form,
            lambda: services.update_work_rules(
                request.user,
                rules.pk,
                schemas.WorkRulesUpdate(
                    version=d["version"], is_active=d["is_active"], **{k: d[k] for k in RULE_FIELDS}
                ),
            ),
        )
        if updated is not None:
            messages.success(request, _("Work-rule pack saved."))
            return redirect("workforce:rules_list")
    return render(request, "workforce/rules_form.html", {"form": form, "rules": rules, "creating": False})


@login_required
def requirement_create(request: HttpRequest) -> HttpResponse:
    sites = _rules_site_choices(request.user)
    if not sites:
        raise errors.PermissionDenied()
    form = forms.RequirementForm(request.POST or None, type_choices=_type_choices(), site_choices=sites)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        req = forms_support.run(
            form,
            lambda: services.create_requirement(
                request.user,
                schemas.RequirementCreate(
                    type_code=d["type_code"],
                    site_id=d["site"],
                    discipline=d["discipline"] or None,
                    unit_kind=d["unit_kind"] or None,
                    task=d["task"],
                    source=d["source"],
                ),
            ),
        )
        if req is not None:
            messages.success(request, _("Requirement added."))
            return redirect("workforce:rules_list")
    return render(request, "workforce/requirement_form.html", {"form": form, "creating": True})


@login_required
def requirement_edit(request: HttpRequest, requirement_id: int) -> HttpResponse:
    req = queries.get_or_404(queries.requirements(request.user, include_inactive=True), requirement_id)
    if not _may_manage(request.user, req.site_id):
        raise errors.PermissionDenied()
    form = forms.RequirementEditForm(
        request.POST or None,
        type_choices=None,
        site_choices=None,
        initial={
            "version": req.version,
            "discipline": req.discipline,
            "unit_kind": req.unit_kind,
            "task": req.task,
            "source": req.source,
            "is_active": req.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        updated = forms_support.run(
            form,
            lambda: services.update_requirement(
                request.user,
                req.pk,
                schemas.RequirementUpdate(
                    version=d["version"],
                    discipline=d["discipline"] or None,
                    unit_kind=d["unit_kind"] or None,
                    task=d["task"],
                    source=d["source"],
                    is_active=d["is_active"],
                ),
            ),
        )
        if updated is not None:
            messages.success(request, _("Requirement saved."))
            return redirect("workforce:rules_list")
    return render(request, "workforce/requirement_form.html", {"form": form, "requirement": req, "creating": False})


# --- import -------------------------------------------------------------------------------


@login_required
def staff_import(request: HttpRequest) -> HttpResponse:
    sites = [
        (pk, name)
        for pk, name in _sites_with(request.user, "workforce.manage_staff")
        if scoping.has(request.user, "workforce.manage_credentials", site_id=pk)
        and scoping.has(request.user, "accounts.manage_users", site_id=pk)
    ]
    if not sites:
        raise errors.PermissionDenied()
    form = forms.ImportForm(request.POST or None, request.FILES or None, site_choices=sites)
    report = None
    site: Site | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > imports.MAX_BYTES:
            form.add_error("file", _("The file is larger than 10 MB."))
        else:
            dry_run = not form.cleaned_data["confirm"]
            report = imports.import_file(
                request.user, form.cleaned_data["site"], str(upload.name), upload.read(), dry_run=dry_run
            )
            site = Site.objects.filter(pk=form.cleaned_data["site"]).first()
            if report.written:
                messages.success(
                    request,
                    _("Imported %(staff)d staff rows and %(creds)d credential rows.")
                    % {"staff": report.staff_rows, "creds": report.credential_rows},
                )
            elif not dry_run:
                messages.error(request, _("Nothing was imported: correct the refused rows and send the file again."))
    return render(
        request,
        "workforce/import.html",
        {
            "form": form,
            "report": report,
            "site": site,
            "staff_columns": imports.STAFF_COLUMNS,
            "credential_columns": imports.CREDENTIAL_COLUMNS,
            "staff_optional": sorted(imports.STAFF_OPTIONAL),
            "credential_optional": sorted(imports.CREDENTIAL_OPTIONAL),
        },
    )

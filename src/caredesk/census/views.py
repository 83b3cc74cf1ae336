"""Pages of the census: units and their boards, patients, admission, transfer,
discharge, acuity scoring, flags and family contacts. Every page that shows a
patient's record is audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caredesk.census import forms, queries, schemas, services
from caredesk.census.models import AcuityScale, FamilyContact, FlagKind, IsolationType, Patient, PatientFlag, Stay
from caredesk.core import audit, clock, errors, scoping
from caredesk.org import queries as org_queries
from caredesk.org.models import Bed, Unit
from caredesk.web import forms_support, scope

# --- lookups -----------------------------------------------------------------------------------


def _patient(request: HttpRequest, patient_id: int) -> Patient:
    return scoping.get_scoped(Patient.objects.select_related("site"), request.user, "census.view", pk=patient_id)


def _stay(request: HttpRequest, stay_id: int) -> Stay:
    return scoping.get_scoped(
        Stay.objects.select_related("patient", "patient__site", "unit", "unit__site", "bed", "bed__room"),
        request.user,
        "census.view",
        pk=stay_id,
    )


def _unit(request: HttpRequest, unit_id: int) -> Unit:
    return scoping.get_scoped(Unit.objects.select_related("site"), request.user, "census.view", pk=unit_id)


def _free_beds(unit_ids: list[int]) -> list[Bed]:
    return list(
        Bed.objects.filter(room__unit_id__in=unit_ids, is_active=True, room__is_active=True, room__unit__is_active=True)
        .exclude(stays__discharged_at__isnull=True, stays__isnull=False)
        .select_related("room", "room__unit")
        .order_by("room__unit__name", "room__position", "room__name", "label")
    )


def _bed_name(bed: Bed) -> str:
    return f"{bed.room.name}-{bed.label}"


def _site_time(value: datetime | None, unit: Unit) -> datetime | None:
    """A time typed on a form is the site's wall-clock time."""
    if value is None:
        return None
    return services.aware(value.replace(tzinfo=None), unit.site)


def _can(user: Any, perm: str, unit: Unit) -> bool:
    return scoping.has(user, perm, site_id=unit.site_id, unit_id=unit.pk)


# --- home, search, board -----------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scoping.require_anywhere(request.user, "census.view")
    focus = scope.current(request)
    units = list(queries.units_overview(request.user, site_id=focus.site_id, unit_id=focus.unit_id))
    for u in units:
        u.free_beds = max(u.bed_count - u.occupied_beds, 0)  # type: ignore[attr-defined]
        u.percent = round(100 * u.occupied_beds / u.bed_count) if u.bed_count else None  # type: ignore[attr-defined]
        u.can_admit = _can(request.user, "census.admit", u)  # type: ignore[attr-defined]
    return render(
        request,
        "census/home.html",
        {
            "units": units,
            "can_register": scoping.has_anywhere(request.user, "census.admit"),
            "can_scales": scoping.has_anywhere(request.user, "census.manage_scales"),
        },
    )


@login_required
def patient_list(request: HttpRequest) -> HttpResponse:
    scoping.require_anywhere(request.user, "census.view")
    focus = scope.current(request)
    q = (request.GET.get("q") or "").strip()[:100]
    admitted_only = request.GET.get("all") != "1"
    found = list(
        queries.patients(request.user, site_id=focus.site_id, q=q or None, admitted_only=admitted_only and not q)[:100]
    )
    if found:
        queries.log_list_view(request.user, "census.patient", len(found), site_id=focus.site_id)
    stays = {
        s.pk: s
        for s in Stay.objects.filter(pk__in=[p.current_stay_id for p in found if p.current_stay_id]).select_related(  # type: ignore[attr-defined]
            "unit", "bed", "bed__room"
        )
    }
    moment = clock.now()
    rows = [
        {
            "patient": p,
            "stay": stays.get(p.current_stay_id),  # type: ignore[attr-defined]
            "age": queries.age_on(p.birth_date, services.local_today(p.site, moment)),
        }
        for p in found
    ]
    template = "census/_patient_rows.html" if request.htmx else "census/patient_list.html"  # type: ignore[attr-defined]
    return render(request, template, {"rows": rows, "q": q, "admitted_only": admitted_only})


@login_required
def unit_board(request: HttpRequest, unit_id: int) -> HttpResponse:
    board = queries.unit_board(request.user, unit_id)
    queries.log_board_view(request.user, board.unit)
    user = request.user
    context = {
        "board": board,
        "unit": board.unit,
        "can_admit": _can(user, "census.admit", board.unit),
        "can_score": _can(user, "census.score_acuity", board.unit),
        "now_local": clock.to_zone(board.at, board.unit.site.time_zone),
    }
    template = "census/_board.html" if request.htmx else "census/board.html"  # type: ignore[attr-defined]
    return render(request, template, context)


# --- patients ------------------------------------------------------------------------------------


def _sites_for_admit(user: Any) -> list[tuple[int, str]]:
    return [(s.pk, s.name) for s in org_queries.sites(user) if services.reaches_site(user, "census.admit", s.pk)]


@login_required
def patient_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    scoping.require_anywhere(user, "census.admit")
    unit_id = request.GET.get("unit") or ""
    focus = scope.current(request)
    form = forms.PatientCreateForm(
        request.POST or None, site_choices=_sites_for_admit(user), initial={"site": focus.site_id}
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        data = {k: v for k, v in cd.items() if k != "site"}
        patient = forms_support.run(
            form, lambda: services.register_patient(user, schemas.PatientCreate(site_id=cd["site"], **data))
        )
        if patient is not None:
            messages.success(request, _("%(name)s registered.") % {"name": patient})
            if unit_id.isdigit():
                return redirect(reverse("census:admit", args=[int(unit_id)]) + f"?patient={patient.pk}")
            return redirect("census:home")
    return render(request, "census/patient_form.html", {"form": form, "title": _("Register a patient")})


@login_required
def patient_detail(request: HttpRequest, patient_id: int) -> HttpResponse:
    user = request.user
    patient = _patient(request, patient_id)
    audit.log_patient_view(user, patient)
    stays = list(queries.patient_stays(patient))
    current = next((s for s in stays if s.discharged_at is None), None)
    stay_ids = [s.pk for s in stays]
    flags = list(
        PatientFlag.objects.filter(stay_id__in=stay_ids)
        .select_related("raised_by", "cleared_by")
        .order_by("-raised_at")
    )
    scores = list(queries.scores(user, stay_id=current.pk).select_related("scale")[:20] if current else [])
    today = services.local_today(patient.site, clock.now())
    unit = current.unit if current else None
    return render(
        request,
        "census/patient_detail.html",
        {
            "patient": patient,
            "age": queries.age_on(patient.birth_date, today),
            "current": current,
            "stays": stays,
            "movements": list(queries.movements(stay_ids)),
            "active_flags": [f for f in flags if f.cleared_at is None and current and f.stay_id == current.pk],
            "past_flags": [f for f in flags if f.cleared_at is not None][:20],
            "scores": scores,
            "contacts": list(queries.contacts(user, patient_id=patient.pk, include_inactive=True)),
            "can_edit": _may_edit_patient(user, patient),
            "can_admit": bool(unit) and _can(user, "census.admit", unit),  # type: ignore[arg-type]
            "can_score": bool(unit) and _can(user, "census.score_acuity", unit),  # type: ignore[arg-type]
            "can_flags": bool(unit) and _can(user, "census.manage_flags", unit),  # type: ignore[arg-type]
            # The other records of the current stay, for those who may open them.
            "can_medications": bool(unit) and _can(user, "medications.view", unit),  # type: ignore[arg-type]
            "can_therapy": bool(unit) and _can(user, "therapy.view", unit),  # type: ignore[arg-type]
            "can_contacts": _may(user, "census.manage_contacts", patient),
            "flag_form": forms.FlagForm(),
        },
    )


def _may(user: Any, perm: str, patient: Patient) -> bool:
    try:
        services.require_on_patient(user, perm, patient)
    except errors.ServiceError:
        return False
    return True


def _may_edit_patient(user: Any, patient: Patient) -> bool:
    return _may(user, "census.admit", patient) or _may(user, "census.score_acuity", patient)


@login_required
def patient_edit(request: HttpRequest, patient_id: int) -> HttpResponse:
    user = request.user
    patient = _patient(request, patient_id)
    if not _may_edit_patient(user, patient):
        raise errors.PermissionDenied()
    initial = {f: getattr(patient, f) for f in forms.PatientFields.base_fields}
    initial["version"] = patient.version
    form = forms.PatientEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = {k: form.cleaned_data[k] for k in form.changed_data if k != "version"}
        if "wristband_id" in changed and not changed["wristband_id"]:
            changed.pop("wristband_id")
        result = forms_support.run(
            form,
            lambda: services.update_patient(
                user, patient.pk, schemas.PatientUpdate(version=form.cleaned_data["version"], **changed)
            ),
        )
        if result is not None:
            messages.success(request, _("Patient record saved."))
            return redirect("census:patient_detail", patient.pk)
    else:
        audit.log_patient_view(user, patient)
    return render(
        request,
        "census/patient_form.html",
        {"form": form, "patient": patient, "title": _("Edit %(name)s") % {"name": patient}},
    )


# --- admission, stay, transfer, discharge -----------------------------------------------------------


@login_required
def admit(request: HttpRequest, unit_id: int) -> HttpResponse:
    user = request.user
    unit = scoping.get_scoped(Unit.objects.select_related("site"), user, "org.view_unit", pk=unit_id)
    scoping.require(user, "census.admit", site_id=unit.site_id, unit_id=unit.pk)
    waiting = (
        Patient.objects.filter(site_id=unit.site_id)
        .exclude(stays__discharged_at__isnull=True, stays__isnull=False)
        .order_by("family_name", "given_name")
    )
    patient_choices = [(p.pk, f"{p} · {p.mrn} · {p.birth_date:%Y-%m-%d}") for p in waiting[:500]]
    bed_choices = [(b.pk, _bed_name(b)) for b in _free_beds([unit.pk])]
    chosen = request.GET.get("patient")
    form = forms.AdmitForm(
        request.POST or None,
        patient_choices=patient_choices,
        bed_choices=bed_choices,
        initial={"patient": int(chosen) if chosen and chosen.isdigit() else None},
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        stay = forms_support.run(
            form,
            lambda: services.admit(
                user,
                schemas.StayAdmit(
                    patient_id=cd["patient"],
                    unit_id=unit.pk,
                    bed_id=cd["bed"],
                    admitted_at=_site_time(cd["admitted_at"], unit),
                    reason=cd["reason"],
                    attending=cd["attending"],
                ),
            ),
        )
        if stay is not None:
            messages.success(request, _("%(name)s admitted to %(unit)s.") % {"name": stay.patient, "unit": unit.name})
            return redirect("census:board", unit.pk)
    return render(request, "census/admit.html", {"form": form, "unit": unit})


@login_required
def stay_detail(request: HttpRequest, stay_id: int) -> HttpResponse:
    stay = _stay(request, stay_id)
    audit.log_patient_view(request.user, stay)
    return render(
        request,
        "census/stay_detail.html",
        {
            "stay": stay,
            "movements": list(queries.movements([stay.pk])),
            "scores": list(queries.scores(request.user, stay_id=stay.pk)[:30]),
            "flags": list(queries.flags(request.user, stay_id=stay.pk)),
            "can_admit": _can(request.user, "census.admit", stay.unit) and stay.discharged_at is None,
            "can_score": _can(request.user, "census.score_acuity", stay.unit) and stay.discharged_at is None,
        },
    )


def _destinations(user: Any, stay: Stay) -> list[tuple[str, str]]:
    units = [
        u
        for u in Unit.objects.filter(site_id=stay.unit.site_id, is_active=True).order_by("name")
        if _can(user, "census.admit", u)
    ]
    out: list[tuple[str, str]] = []
    for b in _free_beds([u.pk for u in units]):
        out.append((f"b{b.pk}", f"{b.room.unit.name} · {_bed_name(b)}"))
    for u in units:
        if u.pk != stay.unit_id:
            out.append((f"u{u.pk}", _("%(unit)s · no bed yet") % {"unit": u.name}))
    return out


@login_required
def transfer(request: HttpRequest, stay_id: int) -> HttpResponse:
    user = request.user
    stay = _stay(request, stay_id)
    scoping.require(user, "census.admit", site_id=stay.unit.site_id, unit_id=stay.unit_id)
    form = forms.TransferForm(
        request.POST or None, destinations=_destinations(user, stay), initial={"version": stay.version}
    )
    if request.method == "POST" and form.is_valid():
        dest = form.cleaned_data["destination"]
        bed_id: int | None = None
        unit_id: int | None = None
        if dest.startswith("b"):
            bed = Bed.objects.select_related("room").get(pk=int(dest[1:]))
            bed_id, unit_id = bed.pk, bed.room.unit_id
        else:
            unit_id = int(dest[1:])
        done = forms_support.run(
            form,
            lambda: services.transfer(
                user,
                stay.pk,
                schemas.StayTransfer(
                    version=form.cleaned_data["version"], unit_id=unit_id, bed_id=bed_id, note=form.cleaned_data["note"]
                ),
            ),
        )
        if done is not None:
            messages.success(request, _("%(name)s transferred.") % {"name": stay.patient})
            return redirect("census:patient_detail", stay.patient_id)
    return render(
        request, "census/stay_form.html", {"form": form, "stay": stay, "title": _("Transfer"), "button": _("Transfer")}
    )


@login_required
def discharge(request: HttpRequest, stay_id: int) -> HttpResponse:
    user = request.user
    stay = _stay(request, stay_id)
    scoping.require(user, "census.admit", site_id=stay.unit.site_id, unit_id=stay.unit_id)
    form = forms.DischargeForm(request.POST or None, initial={"version": stay.version})
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        done = forms_support.run(
            form,
            lambda: services.discharge(
                user,
                stay.pk,
                schemas.StayDischarge(
                    version=cd["version"],
                    disposition=cd["disposition"],
                    at=_site_time(cd["at"], stay.unit),
                    note=cd["note"],
                ),
            ),
        )
        if done is not None:
            messages.success(request, _("%(name)s discharged.") % {"name": stay.patient})
            return redirect("census:board", stay.unit_id)
    return render(
        request,
        "census/stay_form.html",
        {"form": form, "stay": stay, "title": _("Discharge"), "button": _("Discharge")},
    )


# --- acuity -------------------------------------------------------------------------------------------


@login_required
def score(request: HttpRequest, stay_id: int) -> HttpResponse:
    user = request.user
    stay = _stay(request, stay_id)
    scoping.require(user, "census.score_acuity", site_id=stay.unit.site_id, unit_id=stay.unit_id)
    scales = list(
        queries.acuity_scales(user, site_id=stay.unit.site_id).filter(
            pk__in=AcuityScale.objects.filter(is_active=True).values("pk")
        )
    )
    wanted = request.POST.get("scale") or request.GET.get("scale")
    if not wanted:  # the scale the stay was last scored with
        last = stay.acuity_scores.order_by("-scored_at", "-pk").values_list("scale_id", flat=True).first()
        wanted = str(last) if last else None
    scale = next((s for s in scales if str(s.pk) == wanted), scales[0] if scales else None)
    form = forms.ScoreForm(
        request.POST or None,
        item_choices=[(str(i["code"]), f"{i['label']} ({i['points']})") for i in (scale.items if scale else [])],
        level_choices=[(int(lv["level"]), f"{lv['level']} · {lv['label']}") for lv in (scale.levels if scale else [])],
    )
    if request.method == "POST" and scale is not None and form.is_valid():
        cd = form.cleaned_data
        done = forms_support.run(
            form,
            lambda: services.score_acuity(
                user,
                stay.pk,
                schemas.AcuityScoreCreate(scale_id=scale.pk, items=cd["items"], level=cd["level"], note=cd["note"]),
            ),
        )
        if done is not None:
            messages.success(
                request,
                _("Acuity %(level)s (%(points)s points) recorded for %(shift)s.")
                % {"level": done.level, "points": done.points, "shift": f"{done.shift_label} {done.shift_date}"},
            )
            return redirect("census:board", stay.unit_id)
    shift_date, shift_label = services.shift_for(stay.unit, clock.now())
    return render(
        request,
        "census/score.html",
        {"stay": stay, "scales": scales, "scale": scale, "form": form, "shift": f"{shift_label} {shift_date}"},
    )


@login_required
def scale_list(request: HttpRequest) -> HttpResponse:
    scoping.require_anywhere(request.user, "census.view")
    return render(
        request,
        "census/scale_list.html",
        {
            "scales": queries.acuity_scales(request.user, include_inactive=True).select_related("site"),
            "can_manage": scoping.has_anywhere(request.user, "census.manage_scales"),
        },
    )


@login_required
def scale_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    scoping.require_anywhere(user, "census.manage_scales")
    choices = [
        (s.pk, s.name) for s in org_queries.sites(user) if scoping.has(user, "census.manage_scales", site_id=s.pk)
    ]
    form = forms.ScaleForm(request.POST or None, site_choices=choices)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        scale = forms_support.run(
            form,
            lambda: services.create_acuity_scale(
                user,
                schemas.AcuityScaleCreate(
                    site_id=cd["site"],
                    code=cd["code"],
                    name=cd["name"],
                    description=cd["description"],
                    citation=cd["citation"],
                    items=cd["items"],
                    levels=cd["levels"],
                ),
            ),
        )
        if scale is not None:
            messages.success(request, _("Scale %(name)s created.") % {"name": scale.name})
            return redirect("census:scale_list")
    return render(request, "census/scale_form.html", {"form": form})


# --- flags and contacts ----------------------------------------------------------------------------------


@login_required
def flag_raise(request: HttpRequest, stay_id: int) -> HttpResponse:
    user = request.user
    stay = _stay(request, stay_id)
    scoping.require(user, "census.manage_flags", site_id=stay.unit.site_id, unit_id=stay.unit_id)
    form = forms.FlagForm(request.POST or None, initial={"kind": request.GET.get("kind") or FlagKind.FALL_RISK})
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        flag = forms_support.run(
            form,
            lambda: services.raise_flag(
                user,
                stay.pk,
                schemas.FlagRaise(
                    kind=cd["kind"],
                    isolation_type=IsolationType(cd["isolation_type"] or ""),
                    note=cd["note"],
                    care_plan=cd["care_plan"],
                ),
            ),
        )
        if flag is not None:
            messages.success(request, _("Flag raised: %(kind)s.") % {"kind": flag.get_kind_display()})
            return redirect("census:patient_detail", stay.patient_id)
    return render(request, "census/flag_form.html", {"form": form, "stay": stay})


@login_required
@require_POST
def flag_clear(request: HttpRequest, flag_id: int) -> HttpResponse:
    flag = scoping.get_scoped(PatientFlag.objects.select_related("stay"), request.user, "census.view", pk=flag_id)
    return forms_support.inline_action(
        request,
        forms.VersionForm(request.POST),
        lambda d: services.clear_flag(request.user, flag.pk, schemas.FlagClear(version=d["version"])),
        success=_("Flag cleared."),
        back_to=reverse("census:patient_detail", args=[flag.stay.patient_id]),
    )


@login_required
def contact_create(request: HttpRequest, patient_id: int) -> HttpResponse:
    user = request.user
    patient = _patient(request, patient_id)
    services.require_on_patient(user, "census.manage_contacts", patient)
    form = forms.ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact = forms_support.run(
            form, lambda: services.add_contact(user, patient.pk, schemas.ContactCreate(**form.cleaned_data))
        )
        if contact is not None:
            messages.success(request, _("Contact added."))
            return redirect("census:patient_detail", patient.pk)
    return render(
        request, "census/contact_form.html", {"form": form, "patient": patient, "title": _("Add a family contact")}
    )


def _contact(request: HttpRequest, contact_id: int) -> FamilyContact:
    return scoping.get_scoped(
        FamilyContact.objects.select_related("patient"), request.user, "census.view", pk=contact_id
    )


@login_required
def contact_edit(request: HttpRequest, contact_id: int) -> HttpResponse:
    user = request.user
    contact = _contact(request, contact_id)
    services.require_on_patient(user, "census.manage_contacts", contact.patient)
    initial = {f: getattr(contact, f) for f in forms.ContactForm.base_fields}
    initial["version"] = contact.version
    form = forms.ContactEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = {k: form.cleaned_data[k] for k in form.changed_data if k != "version"}
        done = forms_support.run(
            form,
            lambda: services.update_contact(
                user, contact.pk, schemas.ContactUpdate(version=form.cleaned_data["version"], **changed)
            ),
        )
        if done is not None:
            messages.success(request, _("Contact saved."))
            return redirect("census:patient_detail", contact.patient_id)
    return render(
        request,
        "census/contact_form.html",
        {"form": form, "patient": contact.patient, "title": _("Edit a family contact")},
    )


@login_required
@require_POST
def contact_deactivate(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = _contact(request, contact_id)
    return forms_support.inline_action(
        request,
        forms.VersionForm(request.POST),
        lambda d: services.deactivate_contact(
            request.user, contact.pk, schemas.ContactDeactivate(version=d["version"])
        ),
        success=_("Contact deactivated."),
        back_to=reverse("census:patient_detail", args=[contact.patient_id]),
    )

"""Pages of the organisation: sites, units, rooms and beds."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caredesk.core import scoping
from caredesk.org import forms, queries, schemas, services
from caredesk.org.models import Bed, Room, Site, Unit
from caredesk.web import forms_support


def _initial(obj: Any, names: list[str]) -> dict[str, Any]:
    return {n: getattr(obj, n) for n in names} | {"version": obj.version}


@login_required
def site_list(request: HttpRequest) -> HttpResponse:
    show_inactive = request.GET.get("inactive") == "1"
    sites = queries.sites(request.user, include_inactive=show_inactive)
    return render(
        request,
        "org/site_list.html",
        {"sites": sites, "show_inactive": show_inactive, "can_add": scoping.has_anywhere(request.user, "org.add_site")},
    )


@login_required
def site_create(request: HttpRequest) -> HttpResponse:
    scoping.require_anywhere(request.user, "org.add_site")
    form = forms.SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        site = forms_support.run(
            form, lambda: services.create_site(request.user, schemas.SiteCreate(**form.cleaned_data))
        )
        if site is not None:
            messages.success(request, _("Site %(name)s opened.") % {"name": site.name})
            return redirect("org:site_detail", site.pk)
    return render(request, "org/site_form.html", {"form": form, "creating": True})


@login_required
def site_detail(request: HttpRequest, site_id: int) -> HttpResponse:
    site = scoping.get_scoped(Site.objects.all(), request.user, "org.view_site", pk=site_id)
    units = queries.units_with_bed_counts(request.user, site_id=site.pk, include_inactive=True)
    return render(
        request,
        "org/site_detail.html",
        {
            "site": site,
            "units": units,
            "can_change": scoping.has(request.user, "org.change_site", site_id=site.pk),
            "can_add_unit": scoping.has(request.user, "org.change_unit", site_id=site.pk),
            "active_form": forms.ActiveForm(initial={"version": site.version}),
        },
    )


@login_required
def site_edit(request: HttpRequest, site_id: int) -> HttpResponse:
    site = scoping.get_scoped(Site.objects.all(), request.user, "org.view_site", pk=site_id)
    scoping.require(request.user, "org.change_site", site_id=site.pk)
    form = forms.SiteEditForm(request.POST or None, initial=_initial(site, forms.SITE_FIELDS))
    if request.method == "POST" and form.is_valid():
        updated = forms_support.run(
            form, lambda: services.update_site(request.user, site.pk, schemas.SiteUpdate(**form.cleaned_data))
        )
        if updated is not None:
            messages.success(request, _("Site saved."))
            return redirect("org:site_detail", site.pk)
    return render(request, "org/site_form.html", {"form": form, "site": site, "creating": False})


@login_required
@require_POST
def site_set_active(request: HttpRequest, site_id: int) -> HttpResponse:
    return forms_support.inline_action(
        request,
        forms.ActiveForm(request.POST),
        lambda d: services.update_site(
            request.user, site_id, schemas.SiteUpdate(version=d["version"], is_active=d["is_active"])
        ),
        success=lambda site: _("Site activated.") if site.is_active else _("Site deactivated."),
        back_to=reverse("org:site_detail", args=[site_id]),
    )


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    from caredesk.web import scope

    focus = scope.current(request)
    show_inactive = request.GET.get("inactive") == "1"
    units = queries.units_with_bed_counts(request.user, site_id=focus.site_id, include_inactive=show_inactive)
    return render(
        request,
        "org/unit_list.html",
        {
            "units": units,
            "show_inactive": show_inactive,
            "can_add": scoping.has_anywhere(request.user, "org.change_unit"),
        },
    )


@login_required
def unit_create(request: HttpRequest) -> HttpResponse:
    scoping.require_anywhere(request.user, "org.change_unit")
    choices = [
        (s.pk, s.name)
        for s in queries.sites(request.user)
        if scoping.has(request.user, "org.change_unit", site_id=s.pk)
    ]
    initial_site = request.GET.get("site")
    form = forms.UnitCreateForm(request.POST or None, site_choices=choices, initial={"site": initial_site})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "site"}
        unit = forms_support.run(
            form,
            lambda: services.create_unit(request.user, schemas.UnitCreate(site_id=form.cleaned_data["site"], **data)),
        )
        if unit is not None:
            messages.success(request, _("Unit %(name)s created.") % {"name": unit.name})
            return redirect("org:unit_detail", unit.pk)
    return render(request, "org/unit_form.html", {"form": form, "creating": True})


@login_required
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = scoping.get_scoped(Unit.objects.select_related("site"), request.user, "org.view_unit", pk=unit_id)
    rooms = queries.rooms(request.user, unit_id=unit.pk, include_inactive=True).prefetch_related("beds")
    can_rooms = scoping.has(request.user, "org.change_rooms", site_id=unit.site_id, unit_id=unit.pk)
    return render(
        request,
        "org/unit_detail.html",
        {
            "unit": unit,
            "rooms": rooms,
            "can_change": scoping.has(request.user, "org.change_unit", site_id=unit.site_id),
            "can_rooms": can_rooms,
            "room_form": forms.RoomForm(),
            "bed_form": forms.BedForm(),
        },
    )


@login_required
def unit_edit(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = scoping.get_scoped(Unit.objects.select_related("site"), request.user, "org.view_unit", pk=unit_id)
    scoping.require(request.user, "org.change_unit", site_id=unit.site_id)
    form = forms.UnitEditForm(request.POST or None, initial=_initial(unit, forms.UNIT_FIELDS))
    if request.method == "POST" and form.is_valid():
        updated = forms_support.run(
            form, lambda: services.update_unit(request.user, unit.pk, schemas.UnitUpdate(**form.cleaned_data))
        )
        if updated is not None:
            messages.success(request, _("Unit saved."))
            return redirect("org:unit_detail", unit.pk)
    return render(request, "org/unit_form.html", {"form": form, "unit": unit, "creating": False})


@login_required
@require_POST
def unit_set_active(request: HttpRequest, unit_id: int) -> HttpResponse:
    return forms_support.inline_action(
        request,
        forms.ActiveForm(request.POST),
        lambda d: services.update_unit(
            request.user, unit_id, schemas.UnitUpdate(version=d["version"], is_active=d["is_active"])
        ),
        success=lambda unit: _("Unit activated.") if unit.is_active else _("Unit deactivated."),
        back_to=reverse("org:unit_detail", args=[unit_id]),
    )


@login_required
@require_POST
def room_create(request: HttpRequest, unit_id: int) -> HttpResponse:
    form = forms.RoomForm(request.POST)
    if form.is_valid():
        name = form.cleaned_data["name"]
        count = form.cleaned_data.get("beds") or 0
        labels = [chr(ord("A") + i) for i in range(count)]
        room = forms_support.run(
            form,
            lambda: services.create_room(
                request.user,
                schemas.RoomCreate(
                    unit_id=unit_id, name=name, position=form.cleaned_data.get("position") or 0, bed_labels=labels
                ),
            ),
        )
        if room is not None:
            messages.success(request, _("Room %(name)s added.") % {"name": room.name})
    forms_support.flash_errors(request, form)
    return redirect("org:unit_detail", unit_id)


@login_required
@require_POST
def room_set_active(request: HttpRequest, room_id: int) -> HttpResponse:
    room = scoping.get_scoped(Room.objects.all(), request.user, "org.view_unit", pk=room_id)
    return forms_support.inline_action(
        request,
        forms.ActiveForm(request.POST),
        lambda d: services.update_room(
            request.user, room.pk, schemas.RoomUpdate(version=d["version"], is_active=d["is_active"])
        ),
        success=lambda r: (
            _("Room %(name)s reopened.") % {"name": r.name}
            if r.is_active
            else _("Room %(name)s closed.") % {"name": r.name}
        ),
        back_to=reverse("org:unit_detail", args=[room.unit_id]),
    )


@login_required
@require_POST
def bed_create(request: HttpRequest, room_id: int) -> HttpResponse:
    room = scoping.get_scoped(Room.objects.all(), request.user, "org.view_unit", pk=room_id)
    form = forms.BedForm(request.POST)
    if form.is_valid():
        bed = forms_support.run(
            form,
            lambda: services.create_bed(
                request.user, schemas.BedCreate(room_id=room.pk, label=form.cleaned_data["label"])
            ),
        )
        if bed is not None:
            messages.success(request, _("Bed %(bed)s added.") % {"bed": bed})
    forms_support.flash_errors(request, form)
    return redirect("org:unit_detail", room.unit_id)


@login_required
@require_POST
def bed_set_active(request: HttpRequest, bed_id: int) -> HttpResponse:
    bed = scoping.get_scoped(Bed.objects.select_related("room"), request.user, "org.view_unit", pk=bed_id)
    return forms_support.inline_action(
        request,
        forms.ActiveForm(request.POST),
        lambda d: services.update_bed(
            request.user, bed.pk, schemas.BedUpdate(version=d["version"], is_active=d["is_active"])
        ),
        success=lambda b: (
            _("Bed %(bed)s reopened.") % {"bed": b} if b.is_active else _("Bed %(bed)s closed.") % {"bed": b}
        ),
        back_to=reverse("org:unit_detail", args=[bed.room.unit_id]),
    )

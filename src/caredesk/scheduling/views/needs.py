"""Pages of staffing needs: the week grid of a unit (days × shifts, minimum and
preferred per skill, source badge with its basis), deriving from census and
ratio, copying a week forward, skill-mix rules and the skills of shift types."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caredesk.assignment.models import ShiftPattern
from caredesk.core import clock, errors, scoping
from caredesk.org.models import Unit
from caredesk.scheduling.forms import needs as forms
from caredesk.scheduling.models import SkillMixRule
from caredesk.scheduling.queries import needs as queries
from caredesk.scheduling.schemas import needs as schemas
from caredesk.scheduling.services import needs as services
from caredesk.web import forms_support, scope


def pick_unit(request: HttpRequest, permission: str = "scheduling.view") -> Unit:
    """The unit asked for (?unit= or POST unit), else the focused unit, else the
    first unit within reach; 404 for a unit out of reach, 403 with none at all."""
    user = request.user
    scoping.require_anywhere(user, permission)
    reachable = queries.units(user, permission)
    raw = request.POST.get("unit") or request.GET.get("unit")
    if raw:
        found = reachable.filter(pk=raw).first() if str(raw).isdigit() else None
        if found is None:
            raise errors.NotFound()
        return found
    focus = scope.current(request)
    if focus.unit is not None:
        found = reachable.filter(pk=focus.unit.pk).first()
        if found is not None:
            return found
    found = reachable.order_by("site__name", "name").first()
    if found is None:
        raise errors.PermissionDenied()
    return found


def _start(request: HttpRequest, unit: Unit) -> date:
    raw = request.GET.get("start") or request.POST.get("start")
    try:
        day = date.fromisoformat(raw) if raw else clock.to_zone(clock.now(), unit.site.time_zone).date()
    except ValueError:
        day = clock.to_zone(clock.now(), unit.site.time_zone).date()
    return queries.week_start(day)


def _week_url(unit: Unit, start: date) -> str:
    return f"{reverse('scheduling:needs_week')}?unit={unit.pk}&start={start.isoformat()}"


def _report(request: HttpRequest, exc: errors.ServiceError) -> None:
    if isinstance(exc, errors.Conflict):
        messages.error(request, exc.message)
        return
    texts = [m for msgs in exc.fields.values() for m in msgs] or [exc.message]
    for t in texts:
        messages.error(request, t)


@login_required
def needs_week(request: HttpRequest) -> HttpResponse:
    user = request.user
    unit = pick_unit(request)
    can_manage = scoping.has(user, "scheduling.manage", site_id=unit.site_id, unit_id=unit.pk)
    start = _start(request, unit)
    if request.method == "POST":
        if not can_manage:
            raise errors.PermissionDenied()
        return _save_week(request, unit, start)
    found = list(queries.needs(user, unit_id=unit.pk, start=start, end=start + timedelta(days=6)))
    extra = request.GET.get("skill", "").strip().lower()
    rows = queries.week_grid(
        unit, start, found, [extra] if extra and extra.replace("-", "").replace("_", "").isalnum() else None
    )
    days = [start + timedelta(days=i) for i in range(7)]
    return render(
        request,
        "scheduling/needs_week.html",
        {
            "unit": unit,
            "units": queries.units(user),
            "start": start,
            "days": days,
            "rows": rows,
            "prev": start - timedelta(days=7),
            "next": start + timedelta(days=7),
            "can_manage": can_manage,
            "ratios": queries.ratio_summary(unit),
            "patterns": queries.patterns(unit),
            "copy_form": forms.CopyWeekForm(initial={"from_start": start, "weeks": 1}),
            "derive_form": forms.DeriveForm(initial={"start": start, "weeks": 6}),
            "census_now": services.current_census(unit) if can_manage else None,
        },
    )


def _save_week(request: HttpRequest, unit: Unit, start: date) -> HttpResponse:
    cells: list[schemas.NeedWeekCell] = []
    post = request.POST
    bad: list[str] = []
    for name in post:
        if not name.startswith("key-"):
            continue
        key = post.get(name, "")
        i = name[4:]
        try:
            pattern_id, day, skill = key.split("|", 2)
            minimum = post.get(f"min-{i}", "").strip()
            preferred = post.get(f"pref-{i}", "").strip()
            version = post.get(f"ver-{i}", "").strip()
            cells.append(
                schemas.NeedWeekCell(
                    date=date.fromisoformat(day),
                    pattern_id=int(pattern_id),
                    skill=skill,
                    minimum=int(minimum) if minimum else None,
                    preferred=int(preferred) if preferred and minimum else None,
                    version=int(version) if version else None,
                )
            )
        except ValueError:
            bad.append(key)
    if bad:
        messages.error(request, _("Some cells are not whole numbers between 0 and 99: nothing was saved."))
        return redirect(_week_url(unit, start))
    try:
        result = services.set_needs_for_week(
            request.user, schemas.NeedWeekSet(unit_id=unit.pk, start=start, cells=cells)
        )
    except (errors.ValidationFailed, errors.Conflict) as exc:
        _report(request, exc)
    else:
        messages.success(
            request,
            _("Needs saved: %(c)s added, %(u)s changed, %(r)s removed.")
            % {"c": result.created, "u": result.updated, "r": result.removed},
        )
    return redirect(_week_url(unit, start))


@login_required
def needs_derive(request: HttpRequest) -> HttpResponse:
    user = request.user
    unit = pick_unit(request, "scheduling.manage")
    scoping.require(user, "scheduling.manage", site_id=unit.site_id, unit_id=unit.pk)
    start = _start(request, unit)
    form = forms.DeriveForm(request.POST or None, initial={"start": start, "weeks": 6})
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        census: Any = cd["expected_census"]
        if cd["per_day"]:
            base = census if census is not None else services.current_census(unit)
            first: date = cd["start"]
            census = {first + timedelta(days=i): base for i in range(cd["weeks"] * 7)}
            census.update(cd["per_day"])
        result = forms_support.run(
            form,
            lambda: services.derive_needs(
                user,
                unit.pk,
                cd["start"],
                cd["weeks"] * 7,
                census,
                high_acuity=cd["high_acuity"],
                overwrite_manual=cd["overwrite_manual"],
            ),
        )
        if result is not None:
            msg = _("Needs derived for %(days)s days (%(ratio)s): %(c)s added, %(u)s changed, %(r)s removed.") % {
                "days": result.days,
                "ratio": result.ratio,
                "c": result.created,
                "u": result.updated,
                "r": result.removed,
            }
            if result.kept_manual:
                msg += " " + _("%(k)s needs set by hand were kept.") % {"k": result.kept_manual}
            messages.success(request, msg)
            return redirect(_week_url(unit, queries.week_start(cd["start"])))
    return render(
        request,
        "scheduling/needs_derive.html",
        {
            "unit": unit,
            "form": form,
            "start": start,
            "ratios": queries.ratio_summary(unit),
            "census_now": services.current_census(unit),
            "rules": queries.skill_mix(user, unit_id=unit.pk, include_inactive=False),
        },
    )


@login_required
@require_POST
def needs_copy(request: HttpRequest) -> HttpResponse:
    unit = pick_unit(request, "scheduling.manage")
    form = forms.CopyWeekForm(request.POST)
    start = _start(request, unit)
    if form.is_valid():
        cd = form.cleaned_data
        src: date = queries.week_start(cd["from_start"])
        try:
            r = services.copy_week(
                request.user,
                schemas.NeedCopyWeek(
                    unit_id=unit.pk,
                    from_start=src,
                    to_start=src + timedelta(days=7),
                    weeks=cd["weeks"],
                    overwrite=cd["overwrite"],
                ),
            )
        except (errors.ValidationFailed, errors.Conflict) as exc:
            _report(request, exc)
        else:
            messages.success(request, _("Week copied: %(c)s added, %(u)s replaced.") % {"c": r.created, "u": r.updated})
    forms_support.flash_errors(request, form)
    return redirect(_week_url(unit, start))


@login_required
def needs_skill_mix(request: HttpRequest) -> HttpResponse:
    user = request.user
    unit = pick_unit(request)
    can_manage = scoping.has(user, "scheduling.manage", site_id=unit.site_id, unit_id=unit.pk)
    choices = [(p.pk, p.name) for p in queries.patterns(unit)]
    form = forms.SkillMixForm(request.POST or None, pattern_choices=choices)
    if request.method == "POST":
        if not can_manage:
            raise errors.PermissionDenied()
        if form.is_valid():
            cd = form.cleaned_data
            rule = forms_support.run(
                form,
                lambda: services.create_skill_mix(
                    user,
                    schemas.SkillMixCreate(
                        unit_id=unit.pk, pattern_id=cd["pattern"], skill=cd["skill"], count=cd["count"]
                    ),
                ),
            )
            if rule is not None:
                messages.success(request, _("Skill-mix rule added. Derive the needs again to apply it."))
                return redirect(f"{reverse('scheduling:needs_skill_mix')}?unit={unit.pk}")
    return render(
        request,
        "scheduling/needs_skill_mix.html",
        {
            "unit": unit,
            "units": queries.units(user),
            "rules": queries.skill_mix(user, unit_id=unit.pk),
            "form": form,
            "can_manage": can_manage,
            "patterns": ShiftPattern.objects.filter(unit=unit).order_by("start_time"),
        },
    )


@login_required
@require_POST
def needs_skill_mix_toggle(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = scoping.get_scoped(SkillMixRule.objects.select_related("unit"), request.user, "scheduling.view", pk=rule_id)
    form = forms.SkillMixToggleForm(request.POST)
    return forms_support.inline_action(
        request,
        form,
        lambda cd: services.update_skill_mix(
            request.user, rule.pk, schemas.SkillMixUpdate(version=cd["version"], is_active=cd["is_active"])
        ),
        success=lambda r: _("Rule turned on.") if r.is_active else _("Rule turned off."),
        back_to=f"{reverse('scheduling:needs_skill_mix')}?unit={rule.unit_id}",
    )


@login_required
@require_POST
def needs_shift_skills(request: HttpRequest, pattern_id: int) -> HttpResponse:
    pattern = scoping.get_scoped(
        ShiftPattern.objects.select_related("unit"), request.user, "scheduling.view", pk=pattern_id
    )
    form = forms.ShiftSkillsForm(request.POST)
    return forms_support.inline_action(
        request,
        form,
        lambda cd: services.set_shift_skills(
            request.user, pattern.pk, form.skill_list(), expected_version=cd["version"]
        ),
        success=lambda p: (
            _("%(shift)s now requires: %(skills)s")
            % {"shift": p.name, "skills": ", ".join(p.required_skills) or _("nothing special")}
        ),
        back_to=f"{reverse('scheduling:needs_skill_mix')}?unit={pattern.unit_id}",
    )


urlpatterns = [
    path("needs/", needs_week, name="needs_week"),
    path("needs/derive/", needs_derive, name="needs_derive"),
    path("needs/copy-week/", needs_copy, name="needs_copy"),
    path("needs/skill-mix/", needs_skill_mix, name="needs_skill_mix"),
    path("needs/skill-mix/<int:rule_id>/toggle/", needs_skill_mix_toggle, name="needs_skill_mix_toggle"),
    path("needs/shift-types/<int:pattern_id>/skills/", needs_shift_skills, name="needs_shift_skills"),
]

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from caredesk.medications.models import Frequency, NotDoneReason, Route
from caredesk.web.forms_support import version_field


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


def local_datetime(label: Any, required: bool = False) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=LocalDateTimeInput,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )


class AdministrationForm(forms.Form):
    wristband_id = forms.CharField(label=_("Scan the wristband"), max_length=40, required=False)
    drug = forms.CharField(label=_("Drug"), max_length=160, required=False)
    dose = forms.DecimalField(label=_("Dose"), required=False, min_value=0, max_digits=10, decimal_places=3)
    route = forms.ChoiceField(label=_("Route"), choices=[("", "—"), *Route.choices], required=False)
    given_at = local_datetime(_("Given at (empty: now)"))
    status = forms.ChoiceField(
        label=_("Outcome"), choices=[("completed", _("Given")), ("not_done", _("Not given (held or refused)"))]
    )
    not_done_reason = forms.ChoiceField(
        label=_("Why not given"), choices=[("", "—"), *NotDoneReason.choices], required=False
    )
    reason = forms.CharField(
        label=_("Note / reason"),
        required=False,
        max_length=2000,
        help_text=_("Required when not given, or given outside the window."),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.HiddenInput):
                continue
            css = (
                "form-select form-select-lg"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-lg"
            )
            field.widget.attrs["class"] = css
        self.fields["wristband_id"].widget.attrs.update({"autofocus": "autofocus", "autocomplete": "off"})


class OrderForm(forms.Form):
    drug = forms.CharField(label=_("Drug"), max_length=160)
    drug_code = forms.CharField(label=_("Drug code"), max_length=40, required=False)
    dose = forms.DecimalField(label=_("Dose"), min_value=0, max_digits=10, decimal_places=3)
    dose_unit = forms.CharField(label=_("Unit"), max_length=20, initial="mg")
    route = forms.ChoiceField(label=_("Route"), choices=Route.choices)
    frequency = forms.ChoiceField(label=_("Frequency"), choices=Frequency.choices, initial=Frequency.DAILY)
    times_of_day = forms.CharField(
        label=_("Times of day"),
        required=False,
        help_text=_("Local times separated by commas, e.g. 08:00, 20:00; empty: the standard times."),
    )
    prn_min_interval_minutes = forms.IntegerField(
        label=_("As needed: minimum interval (minutes)"), required=False, min_value=1, max_value=10080
    )
    indication = forms.CharField(label=_("Indication"), max_length=200, required=False)
    starts_at = local_datetime(_("Starts (empty: now)"))
    ends_at = local_datetime(_("Ends"))
    time_critical = forms.ChoiceField(
        label=_("Time-critical"),
        choices=[("", _("From the site's list")), ("yes", _("Yes")), ("no", _("No"))],
        required=False,
    )
    prescriber = forms.CharField(label=_("Prescriber"), max_length=120)


class OrderChangeForm(forms.Form):
    version = version_field()
    dose = forms.DecimalField(label=_("Dose"), min_value=0, max_digits=10, decimal_places=3)
    dose_unit = forms.CharField(label=_("Unit"), max_length=20)
    route = forms.ChoiceField(label=_("Route"), choices=Route.choices)
    frequency = forms.ChoiceField(label=_("Frequency"), choices=Frequency.choices)
    times_of_day = forms.CharField(label=_("Times of day"), required=False)
    prn_min_interval_minutes = forms.IntegerField(
        label=_("As needed: minimum interval (minutes)"), required=False, min_value=1, max_value=10080
    )
    time_critical = forms.BooleanField(label=_("Time-critical"), required=False)
    prescriber = forms.CharField(label=_("Prescriber"), max_length=120)


class StopForm(forms.Form):
    version = version_field()
    reason = forms.CharField(label=_("Reason for stopping"), max_length=300)


class EnteredInErrorForm(forms.Form):
    reason = forms.CharField(label=_("What was wrong"), max_length=2000)


class PolicyForm(forms.Form):
    version = version_field()
    time_critical_minutes = forms.IntegerField(label=_("Time-critical (± minutes, at most 30)"), min_value=1)
    more_than_daily_minutes = forms.IntegerField(label=_("More often than daily (± minutes, at most 60)"), min_value=1)
    daily_or_less_minutes = forms.IntegerField(label=_("Daily or less often (± minutes, at most 120)"), min_value=1)
    due_soon_minutes = forms.IntegerField(label=_("Due soon (minutes before the window)"), min_value=0)
    time_critical_drugs = forms.CharField(
        label=_("Time-critical medications"),
        required=False,
        help_text=_("Names or classes separated by commas (e.g. insulin, heparin)."),
    )


def split_times(text: str) -> list[str]:
    return [t.strip() for t in (text or "").replace(";", ",").split(",") if t.strip()]

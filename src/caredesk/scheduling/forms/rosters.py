"""Forms of the roster pages (the services validate again)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from caredesk.scheduling.services.rosters import TIME_LIMITS


class RosterCreateForm(forms.Form):
    unit_id = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    start_date = forms.DateField(label=_("First day (a Monday)"), widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.TypedChoiceField(
        label=_("Length"), coerce=int, choices=[(28, _("4 weeks")), (42, _("6 weeks"))], initial=28
    )

    def __init__(self, *args: object, units: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit_id"].choices = units  # type: ignore[attr-defined]


class GenerateForm(forms.Form):
    time_limit_s = forms.TypedChoiceField(
        label=_("Time limit"),
        coerce=int,
        initial=60,
        choices=[
            (s, _("%(n)s seconds") % {"n": s} if s < 120 else _("%(n)s minutes") % {"n": s // 60}) for s in TIME_LIMITS
        ],
    )


class CellForm(forms.Form):
    staff_id = forms.IntegerField(widget=forms.HiddenInput)
    date = forms.DateField(label=_("Day"))
    pattern_id = forms.IntegerField(label=_("Shift"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    pinned = forms.BooleanField(label=_("Pinned"), required=False)
    override = forms.BooleanField(label=_("Save despite the warning"), required=False)

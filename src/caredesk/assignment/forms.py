"""Forms of the assignment pages (the services validate again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from caredesk.org.models import Unit


class OpenShiftForm(forms.Form):
    pattern = forms.TypedChoiceField(label=_("Shift"), coerce=int)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pattern"].choices = [  # type: ignore[attr-defined]
            (p.pk, p.name) for p in unit.shift_patterns.filter(is_active=True).order_by("start_time")
        ]


class PatternForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=60)
    start_time = forms.TimeField(label=_("Starts (local time)"), widget=forms.TimeInput(attrs={"type": "time"}))
    length_minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=60, max_value=24 * 60, initial=720)
    is_night = forms.BooleanField(label=_("Night shift"), required=False)

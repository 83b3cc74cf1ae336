from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from caredesk.therapy.models import MAX_SESSION_MINUTES, MissedReason, TherapyDiscipline
from caredesk.web.forms_support import version_field


class PlanForm(forms.Form):
    discipline = forms.ChoiceField(label=_("Discipline"), choices=TherapyDiscipline.choices)
    minutes_per_day = forms.IntegerField(label=_("Minutes a day"), min_value=1, max_value=1440, required=False)
    days_per_week = forms.IntegerField(label=_("Days a week"), min_value=1, max_value=7, required=False)
    minutes_per_week = forms.IntegerField(
        label=_("Or minutes a week"),
        min_value=1,
        max_value=10080,
        required=False,
        help_text=_("Give the minutes a day and days a week, or the minutes a week."),
    )
    starts_on = forms.DateField(label=_("Starts"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    intensity_rule = forms.TypedChoiceField(
        label=_("Counts towards intensity rule"), coerce=int, required=False, empty_value=None
    )
    therapist = forms.TypedChoiceField(label=_("Therapist"), coerce=int, required=False, empty_value=None)
    prescriber = forms.CharField(label=_("Prescribed by"), max_length=120, required=False)
    goals = forms.CharField(label=_("Goals"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(
        self,
        *args: Any,
        rule_choices: list[tuple[int, str]],
        therapist_choices: list[tuple[int, str]],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["intensity_rule"].choices = [("", _("None")), *rule_choices]  # type: ignore[attr-defined]
        self.fields["therapist"].choices = [("", _("Not yet assigned")), *therapist_choices]  # type: ignore[attr-defined]
        if editing:
            del self.fields["discipline"]
            del self.fields["starts_on"]
            self.fields["version"] = version_field()


class RecordForm(forms.Form):
    """Done with the minutes delivered, or missed with the reason."""

    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("done", _("Done")), ("missed", _("Missed"))], widget=forms.RadioSelect
    )
    delivered_minutes = forms.IntegerField(
        label=_("Minutes delivered"), min_value=1, max_value=MAX_SESSION_MINUTES, required=False
    )
    reason = forms.ChoiceField(label=_("Reason missed"), choices=[("", "—"), *MissedReason.choices], required=False)
    therapist = forms.TypedChoiceField(label=_("Therapist"), coerce=int, required=False, empty_value=None)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    version = version_field()

    def __init__(self, *args: Any, therapist_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["therapist"].choices = [("", _("As scheduled")), *therapist_choices]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        outcome = cleaned.get("outcome")
        if outcome == "done" and not cleaned.get("delivered_minutes"):
            self.add_error("delivered_minutes", _("Give the minutes delivered."))
        if outcome == "missed" and not cleaned.get("reason"):
            self.add_error("reason", _("Give the reason the session was missed."))
        return cleaned


class SessionForm(forms.Form):
    scheduled_start = forms.DateTimeField(
        label=_("Starts (site time)"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    planned_minutes = forms.IntegerField(
        label=_("Planned minutes"), min_value=5, max_value=MAX_SESSION_MINUTES, initial=60
    )


class WeekForm(forms.Form):
    week_of = forms.DateField(label=_("Week of"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label=_("Start time"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))


class EndPlanForm(forms.Form):
    version = version_field()
    ends_on = forms.DateField(label=_("Ends"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class CancelForm(forms.Form):
    version = version_field()
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=500)

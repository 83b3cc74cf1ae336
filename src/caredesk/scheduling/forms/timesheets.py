"""Forms of the timesheet pages: hours of a day (local times), a call-out, a
decision, an import file."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from caredesk.scheduling.schemas.timesheets import REASON_MAX
from caredesk.web.forms_support import version_field


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


class TimeEntryForm(forms.Form):
    """Hours of one day, in the site's local time."""

    staff = forms.TypedChoiceField(label=_("Person"), coerce=int, required=False, empty_value=None)
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, required=False, empty_value=None)
    date = forms.DateField(label=_("Day (of the clock-in)"), widget=DateInput)
    clock_in = forms.TimeField(label=_("Clock-in"), widget=TimeInput)
    clock_out = forms.TimeField(
        label=_("Clock-out"), widget=TimeInput, help_text=_("At or before the clock-in: the next morning.")
    )
    break_minutes = forms.IntegerField(label=_("Unpaid break (minutes)"), min_value=0, max_value=240, initial=0)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("worked", _("Worked")), ("called_in", _("Called in (extra shift)"))],
        initial="worked",
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(
        self,
        *args: object,
        staff_choices: list[tuple[int | str, str]] | None = None,
        unit_choices: list[tuple[int | str, str]] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if staff_choices:
            self.fields["staff"].choices = staff_choices  # type: ignore[attr-defined]
        else:
            del self.fields["staff"]
        if unit_choices and len(unit_choices) > 1:
            self.fields["unit"].choices = unit_choices  # type: ignore[attr-defined]
        else:
            del self.fields["unit"]


class TimeEditForm(forms.Form):
    """A correction. The person edits their own note; a coordinator correcting
    someone's hours gives a reason instead (`by_coordinator`) and the note is
    left as the person wrote it."""

    version = version_field()
    clock_in = forms.TimeField(label=_("Clock-in"), widget=TimeInput)
    clock_out = forms.TimeField(label=_("Clock-out"), widget=TimeInput)
    break_minutes = forms.IntegerField(label=_("Unpaid break (minutes)"), min_value=0, max_value=240)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    decision_reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sent to the person; their own note is kept as they wrote it."),
    )

    def __init__(self, *args: object, by_coordinator: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        del self.fields["note" if by_coordinator else "decision_reason"]


class CallOutForm(forms.Form):
    staff = forms.TypedChoiceField(label=_("Person"), coerce=int)
    date = forms.DateField(label=_("Day"), widget=DateInput)
    reason = forms.CharField(label=_("Reason"), max_length=250)
    notify = forms.BooleanField(label=_("Tell the person"), required=False, initial=True)

    def __init__(self, *args: object, staff_choices: list[tuple[int | str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["staff"].choices = staff_choices  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    version = version_field()


class RejectForm(forms.Form):
    version = version_field()
    decision_reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        error_messages={"required": _("Say why the hours are rejected.")},
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Time clock file (.csv or .xlsx)"))
    dry_run = forms.BooleanField(label=_("Only check, write nothing"), required=False)

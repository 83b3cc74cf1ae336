from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from caredesk.core.roles import Discipline
from caredesk.org.models import UnitKind
from caredesk.training.models import Delivery
from caredesk.web.forms_support import version_field


class ProgramForm(forms.Form):
    site = forms.TypedChoiceField(label=_("Site"), coerce=int)
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, required=False, empty_value=None)
    title = forms.CharField(label=_("Title"), max_length=160)
    description = forms.CharField(label=_("Description"), required=False)
    provider = forms.CharField(label=_("Provider"), max_length=120, required=False)
    delivery = forms.ChoiceField(label=_("Delivery"), choices=Delivery.choices)
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_digits=5, decimal_places=1, initial=0)
    cost_per_person = forms.DecimalField(label=_("Cost per person"), min_value=0, decimal_places=2, initial=0)
    fixed_cost = forms.DecimalField(label=_("Fixed cost"), min_value=0, decimal_places=2, initial=0)
    expected_participants = forms.IntegerField(label=_("Expected participants"), min_value=0, initial=0)
    year = forms.IntegerField(label=_("Budget year"), min_value=2000, max_value=2100)
    is_mandatory = forms.BooleanField(label=_("Mandatory"), required=False)
    disciplines = forms.MultipleChoiceField(
        label=_("Mandatory for disciplines (none: all)"),
        choices=Discipline.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    unit_kinds = forms.MultipleChoiceField(
        label=_("Mandatory on unit types (none: all)"),
        choices=UnitKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    recurrence_months = forms.IntegerField(
        label=_("Renew every (months)"),
        min_value=1,
        max_value=240,
        required=False,
        help_text=_("e.g. 12 for yearly, 24 for BLS; empty if done once."),
    )
    grants_credential_type = forms.ChoiceField(label=_("Grants or renews credential"), required=False)
    justification = forms.CharField(label=_("Justification"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(
        self,
        *args: Any,
        site_choices: list[tuple[int, str]],
        unit_choices: list[tuple[int | str, str]],
        credential_choices: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = site_choices  # type: ignore[attr-defined]
        self.fields["unit"].choices = [("", _("Whole site")), *unit_choices]  # type: ignore[attr-defined]
        self.fields["grants_credential_type"].choices = [("", _("None")), *credential_choices]  # type: ignore[attr-defined]


class FundingForm(forms.Form):
    year = forms.IntegerField(label=_("Budget year"), min_value=2000, max_value=2100)
    expected_participants = forms.IntegerField(label=_("Expected participants"), min_value=0, initial=0)
    justification = forms.CharField(label=_("Justification"), required=False)


class ApproveForm(forms.Form):
    reason = forms.CharField(label=_("Comment"), required=False)
    confirm_overspend = forms.BooleanField(label=_("I confirm the overspend"), required=False)


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason"))


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Starts (site time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    ends_at = forms.DateTimeField(
        label=_("Ends (site time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Empty: start plus the program's hours."),
    )
    location = forms.CharField(label=_("Location"), max_length=160, required=False)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, initial=12)
    trainer = forms.CharField(label=_("Trainer"), max_length=120, required=False)


class CancelForm(forms.Form):
    version = version_field()
    reason = forms.CharField(label=_("Reason"))


class EnrolForm(forms.Form):
    staff = forms.TypedChoiceField(label=_("Person"), coerce=int)

    def __init__(self, *args: Any, staff_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = staff_choices  # type: ignore[attr-defined]


class VersionForm(forms.Form):
    version = version_field()


class AttendanceForm(forms.Form):
    version = version_field()
    attended = forms.BooleanField(required=False)


class CompleteForm(forms.Form):
    completed_on = forms.DateField(
        label=_("Completed on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class CompletionForm(forms.Form):
    staff = forms.TypedChoiceField(label=_("Person"), coerce=int)
    completed_on = forms.DateField(label=_("Completed on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, staff_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = staff_choices  # type: ignore[attr-defined]


class BudgetForm(forms.Form):
    site = forms.TypedChoiceField(label=_("Site"), coerce=int)
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, required=False, empty_value=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    amount = forms.IntegerField(label=_("Budget"), min_value=0)

    def __init__(
        self, *args: Any, site_choices: list[tuple[int, str]], unit_choices: list[tuple[int | str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = site_choices  # type: ignore[attr-defined]
        self.fields["unit"].choices = [("", _("Whole site")), *unit_choices]  # type: ignore[attr-defined]


class BudgetEditForm(forms.Form):
    version = version_field()
    amount = forms.IntegerField(label=_("Budget"), min_value=0)


class ComplianceFilterForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, required=False, empty_value=None)
    discipline = forms.ChoiceField(label=_("Discipline"), required=False)

    def __init__(self, *args: Any, unit_choices: list[tuple[int | str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("All units")), *unit_choices]  # type: ignore[attr-defined]
        self.fields["discipline"].choices = [("", _("All disciplines")), *Discipline.choices]  # type: ignore[attr-defined]

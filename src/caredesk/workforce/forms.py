from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from caredesk.core.roles import Discipline
from caredesk.org.models import UnitKind
from caredesk.web.forms_support import version_field
from caredesk.workforce.models import EmploymentEventKind, OvertimeBasis, StaffStatus
from caredesk.workforce.services import MAX_DOCUMENT_BYTES

Choices = list[tuple[Any, Any]]


def _blank(choices: Any, label: Any = "—") -> Choices:
    return [("", label), *choices]


class StaffFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=80)
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, required=False, empty_value=None)
    discipline = forms.ChoiceField(label=_("Discipline"), required=False, choices=_blank(Discipline.choices, _("All")))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_blank(StaffStatus.choices, _("All")))

    def __init__(self, *args: Any, unit_choices: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = _blank(unit_choices, _("All"))  # type: ignore[attr-defined]


class StaffCreateForm(forms.Form):
    site = forms.TypedChoiceField(label=_("Site"), coerce=int)
    user = forms.TypedChoiceField(
        label=_("Log-in"), coerce=int, help_text=_("People with a role on the site and no staff record yet.")
    )
    employee_number = forms.CharField(label=_("Employee number"), max_length=30)
    discipline = forms.ChoiceField(label=_("Discipline"), choices=Discipline.choices)
    job_title = forms.CharField(label=_("Job title"), max_length=120)
    home_unit = forms.TypedChoiceField(label=_("Home unit"), coerce=int, required=False, empty_value=None)
    other_units = forms.TypedMultipleChoiceField(
        label=_("Other units they may work"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    fte = forms.DecimalField(label=_("FTE"), min_value=Decimal("0.01"), max_value=Decimal("1.5"), decimal_places=2)
    contracted_hours_per_week = forms.DecimalField(
        label=_("Contracted hours a week"), min_value=0, max_value=80, decimal_places=2
    )
    work_rules = forms.TypedChoiceField(label=_("Work rules"), coerce=int)
    hourly_rate = forms.DecimalField(label=_("Hourly rate"), min_value=0, decimal_places=2, max_digits=8)
    night_differential = forms.DecimalField(
        label=_("Night differential per hour"), min_value=0, decimal_places=2, max_digits=6, initial=0
    )
    weekend_differential = forms.DecimalField(
        label=_("Weekend differential per hour"), min_value=0, decimal_places=2, max_digits=6, initial=0
    )
    hire_date = forms.DateField(label=_("Hire date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(
        self,
        *args: Any,
        site_choices: Choices,
        user_choices: Choices,
        unit_choices: Choices,
        rules_choices: Choices,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = site_choices  # type: ignore[attr-defined]
        self.fields["user"].choices = user_choices  # type: ignore[attr-defined]
        self.fields["home_unit"].choices = _blank(unit_choices)  # type: ignore[attr-defined]
        self.fields["other_units"].choices = unit_choices  # type: ignore[attr-defined]
        self.fields["work_rules"].choices = rules_choices  # type: ignore[attr-defined]


class StaffEditForm(forms.Form):
    version = version_field()
    employee_number = forms.CharField(label=_("Employee number"), max_length=30)
    other_units = forms.TypedMultipleChoiceField(
        label=_("Other units they may work"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    work_rules = forms.TypedChoiceField(label=_("Work rules"), coerce=int)

    def __init__(self, *args: Any, unit_choices: Choices, rules_choices: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["other_units"].choices = unit_choices  # type: ignore[attr-defined]
        self.fields["work_rules"].choices = rules_choices  # type: ignore[attr-defined]


# Which fields each kind of event shows (the service refuses any other).
EVENT_FORM_FIELDS: dict[str, list[str]] = {
    EmploymentEventKind.PROMOTION: ["job_title", "discipline", "hourly_rate"],
    EmploymentEventKind.TRANSFER: ["home_unit"],
    EmploymentEventKind.FTE_CHANGE: ["fte", "contracted_hours_per_week"],
    EmploymentEventKind.RATE_CHANGE: ["hourly_rate", "night_differential", "weekend_differential"],
    EmploymentEventKind.LEAVE_START: [],
    EmploymentEventKind.LEAVE_END: [],
    EmploymentEventKind.TERMINATION: ["confirm"],
}
PAY_FIELDS = {"hourly_rate", "night_differential", "weekend_differential"}


class EventForm(forms.Form):
    version = version_field()
    effective_at = forms.DateTimeField(
        label=_("Effective (site time)"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    reason = forms.CharField(label=_("Reason / note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    job_title = forms.CharField(label=_("New job title"), max_length=120, required=False)
    discipline = forms.ChoiceField(label=_("Discipline"), choices=_blank(Discipline.choices), required=False)
    home_unit = forms.TypedChoiceField(label=_("New home unit"), coerce=int, required=True)
    fte = forms.DecimalField(label=_("New FTE"), min_value=Decimal("0.01"), max_value=Decimal("1.5"), decimal_places=2)
    contracted_hours_per_week = forms.DecimalField(
        label=_("Contracted hours a week"), min_value=0, max_value=80, decimal_places=2
    )
    hourly_rate = forms.DecimalField(
        label=_("New hourly rate"), min_value=0, decimal_places=2, max_digits=8, required=False
    )
    night_differential = forms.DecimalField(
        label=_("Night differential per hour"), min_value=0, decimal_places=2, max_digits=6, required=False
    )
    weekend_differential = forms.DecimalField(
        label=_("Weekend differential per hour"), min_value=0, decimal_places=2, max_digits=6, required=False
    )
    confirm = forms.BooleanField(
        label=_("I understand that this person's log-in and API tokens are revoked at the effective time."),
        required=True,
    )

    def __init__(self, *args: Any, kind: str, unit_choices: Choices, may_see_pay: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        shown = [f for f in EVENT_FORM_FIELDS[kind] if may_see_pay or f not in PAY_FIELDS]
        for name in list(self.fields):
            if name in ("version", "effective_at", "reason"):
                continue
            if name not in shown:
                del self.fields[name]
        if "home_unit" in self.fields:
            self.fields["home_unit"].choices = unit_choices  # type: ignore[attr-defined]
        if kind == EmploymentEventKind.TERMINATION:
            self.fields["reason"].required = True
            self.fields["reason"].label = _("Reason for the termination")


class CredentialForm(forms.Form):
    type_code = forms.ChoiceField(label=_("Credential"))
    number = forms.CharField(label=_("Number"), max_length=60, required=False)
    issuer = forms.CharField(label=_("Issuer"), max_length=120, required=False)
    issued_on = forms.DateField(label=_("Issued"), widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = forms.DateField(
        label=_("Expires"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty if it does not expire."),
    )
    document = forms.FileField(
        label=_("Document (PDF, PNG or JPEG, 5 MB at most)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}),
    )

    def __init__(self, *args: Any, type_choices: Choices | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if type_choices is None:
            del self.fields["type_code"]
        else:
            self.fields["type_code"].choices = type_choices  # type: ignore[attr-defined]

    def clean_document(self) -> Any:
        doc = self.cleaned_data.get("document")
        if doc and doc.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return doc


class CredentialRenewForm(CredentialForm):
    version = version_field()


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Why is it revoked?"), max_length=500)


class WorkRulesForm(forms.Form):
    site = forms.TypedChoiceField(
        label=_("Site"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Empty: a shared pack for every site (system administrators only)."),
    )
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=120)
    jurisdiction = forms.CharField(label=_("Jurisdiction"), max_length=80, required=False)
    source = forms.CharField(
        label=_("Source"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The regulation or contract clause this pack follows."),
    )
    max_minutes_per_day = forms.IntegerField(
        label=_("Maximum minutes a day"), required=False, min_value=60, max_value=1440
    )
    max_minutes_per_week = forms.IntegerField(
        label=_("Maximum minutes in any 7 days"), required=False, min_value=60, max_value=10080
    )
    min_rest_minutes = forms.IntegerField(
        label=_("Minimum rest between shifts (minutes)"), min_value=0, max_value=2880, initial=600
    )
    max_consecutive_days = forms.IntegerField(
        label=_("Maximum consecutive working days"), required=False, min_value=1, max_value=31
    )
    min_consecutive_days_off = forms.IntegerField(
        label=_("Minimum consecutive days off"), min_value=0, max_value=14, initial=1
    )
    max_weekends_per_4_weeks = forms.IntegerField(
        label=_("Maximum weekends worked in 4 weeks"), required=False, min_value=0, max_value=4
    )
    weekly_rest_minutes = forms.IntegerField(
        label=_("Weekly uninterrupted rest (minutes)"), required=False, min_value=0, max_value=10080
    )
    overtime_basis = forms.ChoiceField(label=_("Overtime"), choices=OvertimeBasis.choices)

    def __init__(self, *args: Any, site_choices: Choices | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if site_choices is None:
            del self.fields["site"]
        else:
            self.fields["site"].choices = site_choices  # type: ignore[attr-defined]


class WorkRulesEditForm(WorkRulesForm):
    version = version_field()
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["code"]


class RequirementForm(forms.Form):
    type_code = forms.ChoiceField(label=_("Credential required"))
    site = forms.TypedChoiceField(
        label=_("Site"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Empty: every site (system administrators only)."),
    )
    discipline = forms.ChoiceField(label=_("Discipline"), choices=_blank(Discipline.choices, _("Any")), required=False)
    unit_kind = forms.ChoiceField(label=_("Unit type"), choices=_blank(UnitKind.choices, _("Any")), required=False)
    task = forms.SlugField(
        label=_("Task"), max_length=40, required=False, help_text=_("e.g. chemotherapy; empty for any work.")
    )
    source = forms.CharField(label=_("Source"), max_length=300, help_text=_("Why: the regulation, policy or standard."))

    def __init__(self, *args: Any, type_choices: Choices | None, site_choices: Choices | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if type_choices is None:
            del self.fields["type_code"]
        else:
            self.fields["type_code"].choices = type_choices  # type: ignore[attr-defined]
        if site_choices is None:
            del self.fields["site"]
        else:
            self.fields["site"].choices = site_choices  # type: ignore[attr-defined]


class RequirementEditForm(RequirementForm):
    version = version_field()
    is_active = forms.BooleanField(label=_("Active"), required=False)


class ImportForm(forms.Form):
    site = forms.TypedChoiceField(label=_("Site"), coerce=int)
    file = forms.FileField(
        label=_("File (.csv or .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    confirm = forms.BooleanField(label=_("Import now (otherwise: a dry run that writes nothing)"), required=False)

    def __init__(self, *args: Any, site_choices: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = site_choices  # type: ignore[attr-defined]

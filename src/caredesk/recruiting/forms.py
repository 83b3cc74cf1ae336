from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from caredesk.core.roles import Discipline
from caredesk.recruiting.models import CandidateSource, InterviewKind, Recommendation, RequisitionReason
from caredesk.recruiting.schemas import MoveTo, RequisitionAction
from caredesk.web.forms_support import version_field

# Criteria proposed on the feedback form (the API accepts any).
DEFAULT_CRITERIA = [
    _("Clinical knowledge"),
    _("Patient safety"),
    _("Communication"),
    _("Teamwork"),
    _("Values and attitude"),
]


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


class NumberInput(forms.NumberInput):
    input_type = "number"


REQUISITION_FIELDS = [
    "job_title",
    "discipline",
    "positions",
    "fte",
    "hourly_rate_min",
    "hourly_rate_max",
    "annual_cost",
    "reason",
    "justification",
]


class RequisitionForm(forms.Form):
    job_title = forms.CharField(label=_("Job title"), max_length=120)
    discipline = forms.ChoiceField(label=_("Discipline"), choices=Discipline.choices, initial=Discipline.RN)
    positions = forms.IntegerField(label=_("Positions"), min_value=1, max_value=50, initial=1)
    fte = forms.DecimalField(label=_("FTE per position"), min_value=0.01, max_value=1.5, decimal_places=2, initial=1)
    hourly_rate_min = forms.DecimalField(label=_("Budgeted hourly rate, minimum"), min_value=0, decimal_places=2)
    hourly_rate_max = forms.DecimalField(label=_("Budgeted hourly rate, maximum"), min_value=0, decimal_places=2)
    annual_cost = forms.DecimalField(
        label=_("Budgeted annual cost"),
        min_value=0,
        decimal_places=2,
        required=False,
        help_text=_("Leave empty: positions × FTE × 2,080 hours × the maximum rate."),
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=RequisitionReason.choices)
    justification = forms.CharField(label=_("Justification"), max_length=2000, required=False)


class RequisitionCreateForm(RequisitionForm):
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int)

    def __init__(self, *args: Any, unit_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = unit_choices  # type: ignore[attr-defined]
        self.order_fields(["unit", *REQUISITION_FIELDS])


class RequisitionEditForm(RequisitionForm):
    version = version_field()


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a.value, a.value) for a in RequisitionAction])
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)
    version = version_field()


CANDIDATE_FIELDS = ["first_name", "last_name", "email", "phone", "source", "notes"]


class CandidateForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    source = forms.ChoiceField(label=_("Source"), choices=CandidateSource.choices)
    notes = forms.CharField(label=_("Notes"), max_length=4000, required=False)


class CandidateCreateForm(CandidateForm):
    site = forms.TypedChoiceField(label=_("Site"), coerce=int)

    def __init__(self, *args: Any, site_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = site_choices  # type: ignore[attr-defined]
        self.order_fields(["site", *CANDIDATE_FIELDS])


class CandidateEditForm(CandidateForm):
    version = version_field()


class ApplicationForm(forms.Form):
    candidate = forms.TypedChoiceField(label=_("Candidate"), coerce=int)

    def __init__(self, *args: Any, candidate_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["candidate"].choices = candidate_choices  # type: ignore[attr-defined]


class MoveForm(forms.Form):
    to_stage = forms.ChoiceField(choices=[(m.value, m.value) for m in MoveTo])
    reason = forms.CharField(max_length=2000, required=False)
    version = version_field()


class InterviewForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=DateInput)
    start = forms.TimeField(label=_("Time (site time)"), widget=TimeInput)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=10, max_value=480, initial=45)
    kind = forms.ChoiceField(label=_("Kind"), choices=InterviewKind.choices)
    location = forms.CharField(label=_("Place or link"), max_length=200, required=False)
    interviewers = forms.TypedMultipleChoiceField(label=_("Interviewers"), coerce=int)

    def __init__(self, *args: Any, interviewer_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["interviewers"].choices = interviewer_choices  # type: ignore[attr-defined]


class FeedbackForm(forms.Form):
    recommendation = forms.ChoiceField(label=_("Recommendation"), choices=Recommendation.choices)
    comments = forms.CharField(label=_("Comments"), max_length=4000, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i, criterion in enumerate(DEFAULT_CRITERIA):
            self.fields[f"score_{i}"] = forms.TypedChoiceField(
                label=criterion, coerce=int, choices=[("", "—")] + [(n, str(n)) for n in range(1, 6)], required=False
            )
            self.fields[f"comment_{i}"] = forms.CharField(max_length=2000, required=False)

    def score_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"score_{i}"], self[f"comment_{i}"]) for i in range(len(DEFAULT_CRITERIA))]

    def scores(self) -> list[dict[str, Any]]:
        out = []
        for i, criterion in enumerate(DEFAULT_CRITERIA):
            value = self.cleaned_data.get(f"score_{i}")
            if value not in (None, ""):
                out.append(
                    {"criterion": str(criterion), "score": value, "comment": self.cleaned_data.get(f"comment_{i}", "")}
                )
        return out


class OfferForm(forms.Form):
    hourly_rate = forms.DecimalField(label=_("Hourly rate"), min_value=0, decimal_places=2)
    fte = forms.DecimalField(label=_("FTE"), min_value=0.01, max_value=1.5, decimal_places=2)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput)
    expires_on = forms.DateField(
        label=_("Expires"), widget=DateInput, help_text=_("The last day the candidate may accept (site time).")
    )
    version = version_field()


class OfferResponseForm(forms.Form):
    accepted = forms.BooleanField(required=False)
    note = forms.CharField(max_length=2000, required=False)
    version = version_field()


class RescindForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)
    version = version_field()


class HireForm(forms.Form):
    work_rules = forms.TypedChoiceField(label=_("Work rules"), coerce=int)
    username = forms.RegexField(label=_("Log-in"), regex=r"^[\w.@+-]+$", min_length=3, max_length=150)
    employee_number = forms.CharField(label=_("Employee number"), max_length=30)
    version = version_field()

    def __init__(self, *args: Any, rules_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["work_rules"].choices = rules_choices  # type: ignore[attr-defined]


class CancelInterviewForm(forms.Form):
    reason = forms.CharField(max_length=2000, required=False)

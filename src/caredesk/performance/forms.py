from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from caredesk.performance import schemas
from caredesk.performance.models import DEFAULT_SCALE, CycleKind, EvaluationTemplate
from caredesk.web.forms_support import version_field


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class CycleStartForm(forms.Form):
    site = forms.TypedChoiceField(label=_("Site"), coerce=int)
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, required=False, empty_value=None)
    template = forms.TypedChoiceField(label=_("Template"), coerce=int)
    name = forms.CharField(label=_("Name"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind"), choices=CycleKind.choices)
    period_start = forms.DateField(label=_("Period from"), widget=DateInput())
    period_end = forms.DateField(label=_("Period to"), widget=DateInput())
    due_on = forms.DateField(
        label=_("Due date"),
        widget=DateInput(),
        help_text=_("Reviews not submitted by the end of this day are overdue."),
    )

    def __init__(
        self,
        *args: Any,
        site_choices: list[tuple[int, str]],
        unit_choices: list[tuple[int, str]],
        template_choices: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = site_choices  # type: ignore[attr-defined]
        self.fields["unit"].choices = [("", _("The whole site")), *unit_choices]  # type: ignore[attr-defined]
        self.fields["template"].choices = template_choices  # type: ignore[attr-defined]


class TemplateForm(forms.Form):
    site = forms.TypedChoiceField(label=_("Site"), coerce=int)
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    scale = forms.CharField(
        label=_("Rating scale"),
        widget=forms.Textarea(attrs={"rows": 5}),
        initial="\n".join(DEFAULT_SCALE),
        help_text=_("One label per line, lowest first: the first line is 1."),
    )

    def __init__(self, *args: Any, site_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = site_choices  # type: ignore[attr-defined]

    def clean_scale(self) -> list[str]:
        labels = [line.strip() for line in self.cleaned_data["scale"].splitlines() if line.strip()]
        if not 2 <= len(labels) <= 10:
            raise forms.ValidationError(_("Give between 2 and 10 levels."))
        return labels


class CompetencyForm(forms.Form):
    name = forms.CharField(label=_("Competency"), max_length=120, required=False)
    weight = forms.DecimalField(
        label=_("Weight"), min_value=0.01, max_value=100, decimal_places=2, initial=1, required=False
    )
    description = forms.CharField(label=_("Description"), required=False)


CompetencyFormSet = forms.formset_factory(CompetencyForm, extra=8, max_num=40)


class ActiveForm(forms.Form):
    version = version_field()
    is_active = forms.BooleanField(required=False)


class VersionForm(forms.Form):
    version = version_field()


class TransitionForm(forms.Form):
    version = version_field()
    action = forms.ChoiceField(
        choices=[
            ("submit", "submit"),
            ("acknowledge", "acknowledge"),
            ("sign_off", "sign_off"),
            ("close", "close"),
            ("cancel", "cancel"),
        ]
    )
    comments = forms.CharField(label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(forms.Form):
    version = version_field()
    reviewer = forms.TypedChoiceField(label=_("Reviewer"), coerce=int)

    def __init__(self, *args: Any, reviewer_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = reviewer_choices  # type: ignore[attr-defined]


GOAL_ROWS = 5


class ReviewForm(forms.Form):
    """The reviewer's draft: one rating and comment per competency, comments, goals."""

    version = version_field()
    comments = forms.CharField(label=_("Reviewer's comments"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, template: EvaluationTemplate, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(str(i + 1), f"{i + 1} – {label}") for i, label in enumerate(template.scale_labels)]
        self.competencies = list(template.competencies.all())
        for c in self.competencies:
            self.fields[f"rating_{c.pk}"] = forms.TypedChoiceField(
                label=c.name, choices=choices, coerce=int, required=False, empty_value=None
            )
            self.fields[f"note_{c.pk}"] = forms.CharField(label=_("Comment"), required=False)
        for i in range(GOAL_ROWS):
            self.fields[f"goal_{i}"] = forms.CharField(label=_("Goal"), max_length=300, required=False)
            self.fields[f"goal_date_{i}"] = forms.DateField(label=_("Target date"), required=False, widget=DateInput())

    def rows(self) -> list[tuple[Any, Any, Any]]:
        return [(c, self[f"rating_{c.pk}"], self[f"note_{c.pk}"]) for c in self.competencies]

    def goal_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"goal_{i}"], self[f"goal_date_{i}"]) for i in range(GOAL_ROWS)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(GOAL_ROWS):
            text, when = data.get(f"goal_{i}"), data.get(f"goal_date_{i}")
            if text and not when:
                self.add_error(f"goal_date_{i}", _("Give the goal a target date."))
            if when and not text:
                self.add_error(f"goal_{i}", _("Describe the goal."))
        return data

    def ratings(self) -> list[schemas.RatingIn]:
        out = []
        for c in self.competencies:
            value = self.cleaned_data.get(f"rating_{c.pk}")
            if value is not None:
                note = self.cleaned_data.get(f"note_{c.pk}") or ""
                out.append(schemas.RatingIn(competency_id=c.pk, rating=value, comment=note))
        return out

    def goals(self) -> list[schemas.GoalIn]:
        return [
            schemas.GoalIn(description=self.cleaned_data[f"goal_{i}"], target_date=self.cleaned_data[f"goal_date_{i}"])
            for i in range(GOAL_ROWS)
            if self.cleaned_data.get(f"goal_{i}")
        ]

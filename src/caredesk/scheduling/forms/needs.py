"""Page forms of staffing needs: derive from census and ratio, copy a week,
skill-mix rules, the skills of a shift type. The week grid is read straight
from its cell inputs (see views.needs)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from caredesk.web.forms_support import version_field


class DeriveForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    weeks = forms.IntegerField(label=_("Weeks"), min_value=1, max_value=12, initial=6)
    expected_census = forms.IntegerField(
        label=_("Expected patients each day"),
        min_value=0,
        max_value=999,
        required=False,
        help_text=_("Empty: the unit's current census."),
    )
    per_day = forms.CharField(
        label=_("Patients on given days"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One day a line, e.g. 2026-12-24 9. These days override the number above."),
    )
    high_acuity = forms.BooleanField(label=_("High acuity: preferred one nurse above the minimum"), required=False)
    overwrite_manual = forms.BooleanField(label=_("Also replace needs set by hand"), required=False)

    def clean_per_day(self) -> dict[date, int]:
        out: dict[date, int] = {}
        for n, line in enumerate((self.cleaned_data.get("per_day") or "").splitlines(), start=1):
            text = line.strip()
            if not text:
                continue
            parts = text.replace("=", " ").replace(":", " ").split()
            try:
                day, count = date.fromisoformat(parts[0]), int(parts[1])
            except (IndexError, ValueError):
                raise forms.ValidationError(
                    _("line %(n)s: write a date and a number, e.g. 2026-12-24 9"), params={"n": n}
                ) from None
            if count < 0 or count > 999:
                raise forms.ValidationError(_("line %(n)s: between 0 and 999 patients"), params={"n": n})
            out[day] = count
        return out


class CopyWeekForm(forms.Form):
    from_start = forms.DateField(widget=forms.HiddenInput)
    weeks = forms.IntegerField(label=_("Repeat for (weeks)"), min_value=1, max_value=12, initial=1)
    overwrite = forms.BooleanField(label=_("Replace needs already set"), required=False)


class SkillMixForm(forms.Form):
    skill = forms.SlugField(label=_("Skill"), max_length=40, help_text=_("e.g. charge, ccrn, preceptor"))
    count = forms.IntegerField(label=_("At least"), min_value=1, max_value=20, initial=1)
    pattern = forms.TypedChoiceField(label=_("Shift"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, pattern_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pattern"].choices = [("", _("Every shift")), *pattern_choices]  # type: ignore[attr-defined]


class SkillMixToggleForm(forms.Form):
    version = version_field()
    is_active = forms.BooleanField(required=False)


class ShiftSkillsForm(forms.Form):
    version = version_field()
    skills = forms.CharField(
        label=_("Required skills"), required=False, max_length=200, help_text=_("Separated by commas, e.g. rn")
    )

    def skill_list(self) -> list[str]:
        return [s.strip() for s in (self.cleaned_data.get("skills") or "").split(",") if s.strip()]

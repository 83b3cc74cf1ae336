"""Small forms of publishing, swaps and open shifts (the services validate)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from caredesk.web.forms_support import version_field


class PublishForm(forms.Form):
    version = version_field()
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReplanForm(forms.Form):
    version = version_field()


class SwapProposeForm(forms.Form):
    colleague = forms.TypedChoiceField(label=_("Colleague"), coerce=int)
    their_entry = forms.TypedChoiceField(
        label=_("Their shift I take in exchange"), coerce=int, required=False, empty_value=None
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(
        self, *args: Any, colleague_choices: list[tuple[int, str]], their_choices: list[tuple[Any, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["colleague"].choices = colleague_choices  # type: ignore[attr-defined]
        self.fields["their_entry"].choices = [("", _("Nothing: they take my shift")), *their_choices]  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class OpenShiftForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    pattern = forms.TypedChoiceField(label=_("Shift"), coerce=int)
    skill = forms.CharField(label=_("Skill needed"), max_length=40, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, pattern_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pattern"].choices = pattern_choices  # type: ignore[attr-defined]

"""Page forms of staff requests: ask (phone-sized), decide, cancel."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from caredesk.scheduling.models import RequestKind
from caredesk.web.forms_support import version_field


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("What"), choices=RequestKind.choices)
    start_date = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    pattern_id = forms.TypedChoiceField(label=_("Shift"), coerce=int, required=False, empty_value=None)
    reason = forms.CharField(label=_("Reason (optional)"), max_length=300, required=False)

    def __init__(self, *args: Any, pattern_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pattern_id"].choices = [("", _("Whole day")), *pattern_choices]  # type: ignore[attr-defined]


class DecideForm(forms.Form):
    version = version_field()
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))])
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class CancelForm(forms.Form):
    version = version_field()

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from caredesk.escalation.models import NccMerpCategory
from caredesk.web.forms_support import version_field


class NoteForm(forms.Form):
    """Acknowledge or resolve: the note is required (the service says so per field)."""

    note = forms.CharField(label=_("What was done"), max_length=2000, required=False, widget=forms.Textarea)


class IncidentDraftForm(forms.Form):
    ncc_merp_category = forms.ChoiceField(
        label=_("NCC MERP category"), choices=[("", "—"), *NccMerpCategory.choices], required=False
    )
    description = forms.CharField(label=_("What happened"), max_length=5000, widget=forms.Textarea)


class IncidentDraftEditForm(IncidentDraftForm):
    occurred_at = forms.DateTimeField(label=_("Occurred (site time)"), required=False)
    version = version_field()


class PolicyForm(forms.Form):
    critical_delay_minutes = forms.IntegerField(
        label=_("Time-critical alerts: minutes before the charge nurse or coordinator"), min_value=1, max_value=240
    )
    standard_delay_minutes = forms.IntegerField(
        label=_("Other alerts: minutes before the charge nurse or coordinator"), min_value=1, max_value=240
    )
    leadership_delay_minutes = forms.IntegerField(
        label=_("Minutes more before site leadership"),
        min_value=1,
        max_value=1440,
        required=False,
        help_text=_("Empty: alerts stop at the charge nurse or coordinator."),
    )
    send_email = forms.BooleanField(label=_("Also send an e-mail"), required=False)
    version = version_field()

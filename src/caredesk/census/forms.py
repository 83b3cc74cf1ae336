"""Forms of the census pages (the services validate again; these shape input)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from caredesk.census.models import CodeStatus, FlagKind, IsolationType, Sex
from caredesk.web.forms_support import version_field

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PatientFields(forms.Form):
    mrn = forms.CharField(label=_("Medical record number (MRN)"), max_length=40)
    wristband_id = forms.CharField(
        label=_("Wristband identifier"), max_length=40, required=False, help_text=_("Empty: the MRN.")
    )
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    birth_date = forms.DateField(label=_("Date of birth"), widget=DATE)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    language = forms.CharField(label=_("Preferred language"), max_length=40, required=False)
    interpreter_needed = forms.BooleanField(label=_("Interpreter needed"), required=False)
    allergies = forms.CharField(
        label=_("Allergies"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("One per line.")
    )
    no_known_allergies = forms.BooleanField(label=_("No known allergies"), required=False)
    code_status = forms.ChoiceField(label=_("Code status"), choices=CodeStatus.choices, initial=CodeStatus.UNKNOWN)
    insurance_payer = forms.CharField(label=_("Insurance payer"), max_length=120, required=False)


class PatientCreateForm(PatientFields):
    site = forms.TypedChoiceField(label=_("Site"), coerce=int)
    field_order = ["site"]

    def __init__(self, *args: Any, site_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = site_choices  # type: ignore[attr-defined]


class PatientEditForm(PatientFields):
    version = version_field()


class AdmitForm(forms.Form):
    patient = forms.TypedChoiceField(label=_("Patient"), coerce=int)
    bed = forms.TypedChoiceField(label=_("Bed"), coerce=int, required=False, empty_value=None)
    admitted_at = forms.DateTimeField(
        label=_("Admitted at (site time)"), required=False, widget=DATETIME, help_text=_("Empty: now.")
    )
    reason = forms.CharField(label=_("Reason for admission"), max_length=200, required=False)
    attending = forms.CharField(label=_("Attending physician"), max_length=120, required=False)

    def __init__(
        self, *args: Any, patient_choices: list[tuple[int, str]], bed_choices: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["patient"].choices = patient_choices  # type: ignore[attr-defined]
        self.fields["bed"].choices = [("", _("No bed yet")), *bed_choices]  # type: ignore[attr-defined]


class TransferForm(forms.Form):
    version = version_field()
    destination = forms.ChoiceField(label=_("To"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, destinations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["destination"].choices = destinations  # type: ignore[attr-defined]


class DischargeForm(forms.Form):
    version = version_field()
    disposition = forms.CharField(
        label=_("Discharged to"), max_length=120, help_text=_("e.g. home, skilled nursing facility, another hospital.")
    )
    at = forms.DateTimeField(label=_("Time (site time)"), required=False, widget=DATETIME, help_text=_("Empty: now."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ScoreForm(forms.Form):
    items = forms.MultipleChoiceField(label=_("Items"), required=False, widget=forms.CheckboxSelectMultiple)
    level = forms.TypedChoiceField(label=_("Level"), coerce=int, required=False, empty_value=None)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(
        self, *args: Any, item_choices: list[tuple[str, str]], level_choices: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = item_choices  # type: ignore[attr-defined]
        self.fields["level"].choices = [("", "—"), *level_choices]  # type: ignore[attr-defined]


class FlagForm(forms.Form):
    kind = forms.ChoiceField(label=_("Flag"), choices=FlagKind.choices)
    isolation_type = forms.ChoiceField(label=_("Isolation type"), choices=IsolationType.choices, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    care_plan = forms.CharField(
        label=_("Care plan for staff"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How to approach the patient; required for 'Needs a care plan for staff'."),
    )


class VersionForm(forms.Form):
    version = version_field()


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    relationship = forms.CharField(label=_("Relationship"), max_length=60)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    is_primary = forms.BooleanField(label=_("Primary contact"), required=False)
    may_receive_information = forms.BooleanField(
        label=_("May receive clinical information (the patient agreed)"), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ContactEditForm(ContactForm):
    version = version_field()


class ScaleForm(forms.Form):
    site = forms.TypedChoiceField(label=_("Site"), coerce=int)
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    citation = forms.CharField(label=_("Source"), max_length=300, required=False)
    items = forms.CharField(
        label=_("Checklist items"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line: code | label | points. Empty: levels are chosen directly."),
    )
    levels = forms.CharField(
        label=_("Levels"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: level | label | points from which it applies. Empty: levels 1 to 4."),
    )

    def __init__(self, *args: Any, site_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = site_choices  # type: ignore[attr-defined]

    @staticmethod
    def _rows(text: str, field: str, width: int) -> list[list[str]]:
        rows = []
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != width or not all(parts):
                raise forms.ValidationError(
                    _("line %(n)s: expected %(width)s parts separated by |") % {"n": n, "width": width}
                )
            rows.append(parts)
        return rows

    def clean_items(self) -> list[dict[str, Any]]:
        try:
            return [
                {"code": c, "label": label, "points": int(p)}
                for c, label, p in self._rows(self.cleaned_data["items"], "items", 3)
            ]
        except ValueError:
            raise forms.ValidationError(_("points must be whole numbers")) from None

    def clean_levels(self) -> list[dict[str, Any]] | None:
        try:
            rows = [
                {"level": int(lv), "label": label, "min_points": int(p)}
                for lv, label, p in self._rows(self.cleaned_data["levels"], "levels", 3)
            ]
        except ValueError:
            raise forms.ValidationError(_("levels and points must be whole numbers")) from None
        return rows or None

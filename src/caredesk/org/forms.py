from __future__ import annotations

import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from caredesk.org.models import SiteKind, UnitKind
from caredesk.web.forms_support import version_field

SITE_FIELDS = ["name", "code", "kind", "time_zone", "address_line", "city", "region", "postal_code", "country"]
UNIT_FIELDS = ["name", "code", "kind", "floor", "phone"]


def _zones() -> list[tuple[str, str]]:
    return [
        (z, z) for z in sorted(zoneinfo.available_timezones()) if "/" in z and not z.startswith(("Etc/", "SystemV/"))
    ]


class SiteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    code = forms.SlugField(label=_("Code"), max_length=20, help_text=_("Short unique code, e.g. MGH."))
    kind = forms.ChoiceField(label=_("Type"), choices=SiteKind.choices)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=_zones, initial="America/New_York")
    address_line = forms.CharField(label=_("Address"), max_length=200, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    region = forms.CharField(label=_("State / region"), max_length=100, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    country = forms.CharField(label=_("Country (2 letters)"), max_length=2, required=False)


class SiteEditForm(SiteForm):
    version = version_field()


class UnitForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    code = forms.SlugField(label=_("Code"), max_length=20)
    kind = forms.ChoiceField(label=_("Type"), choices=UnitKind.choices)
    floor = forms.CharField(label=_("Floor / wing"), max_length=40, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)


class UnitCreateForm(UnitForm):
    site = forms.TypedChoiceField(label=_("Site"), coerce=int)

    def __init__(self, *args: object, site_choices: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["site"].choices = site_choices  # type: ignore[attr-defined]
        self.order_fields(["site", *UNIT_FIELDS])


class UnitEditForm(UnitForm):
    version = version_field()


class RoomForm(forms.Form):
    name = forms.CharField(label=_("Room"), max_length=40)
    position = forms.IntegerField(label=_("Position along the corridor"), min_value=0, initial=0, required=False)
    beds = forms.IntegerField(label=_("Beds to create"), min_value=0, max_value=12, initial=1, required=False)


class BedForm(forms.Form):
    label = forms.CharField(label=_("Bed label"), max_length=20)


class ActiveForm(forms.Form):
    """Deactivate or reactivate: the version guards against a stale page."""

    version = version_field()
    is_active = forms.BooleanField(required=False)

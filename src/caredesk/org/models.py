"""Sites, units, rooms and beds.

Nothing here is hard-deleted once created: rows are deactivated, so history
that points at them (stays, rosters, audits) keeps its meaning.
"""

from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from caredesk.core.models import TimeStampedModel


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)s is not a known IANA time zone, e.g. America/New_York."), params={"value": value}
        )


class SiteKind(models.TextChoices):
    HOSPITAL = "hospital", _("Hospital")
    CLINIC = "clinic", _("Clinic")
    NURSING_HOME = "nursing_home", _("Nursing home")
    PALLIATIVE_CARE = "palliative_care", _("Palliative care")
    REHABILITATION = "rehabilitation", _("Rehabilitation centre")


class UnitKind(models.TextChoices):
    """Unit types; they cover the rows of the nurse-ratio tables of RULES.md §2."""

    ICU = "icu", _("Intensive care (ICU)")
    CCU = "ccu", _("Coronary care (CCU)")
    NICU = "nicu", _("Neonatal intensive care (NICU)")
    BURN = "burn", _("Burn unit")
    STEP_DOWN = "step_down", _("Step-down / intermediate care")
    TELEMETRY = "telemetry", _("Telemetry")
    MED_SURG = "med_surg", _("Medical-surgical")
    ONCOLOGY = "oncology", _("Oncology")
    ED = "ed", _("Emergency department")
    OPERATING_ROOM = "or", _("Operating room")
    PACU = "pacu", _("Post-anaesthesia care (PACU)")
    LABOUR_DELIVERY = "labour_delivery", _("Labour and delivery")
    ANTEPARTUM = "antepartum", _("Antepartum")
    POSTPARTUM = "postpartum", _("Postpartum / mother-baby")
    NURSERY = "nursery", _("Well-baby nursery")
    INTERMEDIATE_NURSERY = "intermediate_nursery", _("Intermediate-care nursery")
    PAEDIATRICS = "paediatrics", _("Paediatrics")
    PSYCHIATRIC = "psychiatric", _("Psychiatric")
    REHABILITATION = "rehabilitation", _("Rehabilitation")
    LONG_TERM_CARE = "long_term_care", _("Long-term care")
    PALLIATIVE = "palliative", _("Palliative care")
    OUTPATIENT = "outpatient", _("Outpatient / clinic")


class Site(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120)
    code = models.SlugField(_("code"), max_length=20, help_text=_("Short unique code, e.g. MGH."))
    kind = models.CharField(_("type"), max_length=20, choices=SiteKind.choices)
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    address_line = models.CharField(_("address"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("state / region"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166 two-letter code."))
    is_active = models.BooleanField(_("active"), default=True)

    scope_site_path = "pk"
    scope_unit_path = "units"  # a unit-level grant lets its holder see the unit's site
    scope_through_many = True

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("code"),
                name="org_site_code_unique_ci",
                violation_error_code="field:code",
                violation_error_message=_("A site with this code already exists."),
            )
        ]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return self.name


class Unit(TimeStampedModel):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="units", verbose_name=_("site"))
    name = models.CharField(_("name"), max_length=120)
    code = models.SlugField(_("code"), max_length=20)
    kind = models.CharField(_("type"), max_length=24, choices=UnitKind.choices)
    floor = models.CharField(_("floor / wing"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    scope_site_path = "site"
    scope_unit_path = "pk"

    class Meta:
        ordering = ["site__name", "name"]
        constraints = [
            models.UniqueConstraint(
                "site",
                Lower("code"),
                name="org_unit_code_unique_per_site_ci",
                violation_error_code="field:code",
                violation_error_message=_("This site already has a unit with this code."),
            )
        ]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name


class Room(TimeStampedModel):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="rooms", verbose_name=_("unit"))
    name = models.CharField(_("room"), max_length=40)
    # Position along the corridor; the assignment optimiser keeps a nurse's rooms close.
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    scope_site_path = "unit__site"
    scope_unit_path = "unit"

    class Meta:
        ordering = ["unit", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                "unit",
                Lower("name"),
                name="org_room_name_unique_per_unit_ci",
                violation_error_code="field:name",
                violation_error_message=_("This unit already has a room with this name."),
            )
        ]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")

    def __str__(self) -> str:
        return self.name


class Bed(TimeStampedModel):
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="beds", verbose_name=_("room"))
    label = models.CharField(_("bed"), max_length=20)
    is_active = models.BooleanField(_("active"), default=True)

    scope_site_path = "room__unit__site"
    scope_unit_path = "room__unit"

    class Meta:
        ordering = ["room", "label"]
        constraints = [
            models.UniqueConstraint(
                "room",
                Lower("label"),
                name="org_bed_label_unique_per_room_ci",
                violation_error_code="field:label",
                violation_error_message=_("This room already has a bed with this label."),
            )
        ]
        verbose_name = _("bed")
        verbose_name_plural = _("beds")

    def __str__(self) -> str:
        return f"{self.room.name}-{self.label}"

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
    # Nurse-to-patient ratio: the rule pack the unit follows, and the site's own
    # stricter cap on top of it (never looser: see RatioPack and the services).
    ratio_pack = models.ForeignKey(
        "org.RatioPack",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("ratio rule pack"),
    )
    max_patients_per_nurse = models.PositiveSmallIntegerField(
        _("own maximum patients per nurse"),
        null=True,
        blank=True,
        help_text=_("The site's own stricter cap; empty to follow the rule pack."),
    )

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


class RatioPack(TimeStampedModel):
    """A jurisdiction's nurse-to-patient ratios (RULES.md §2) as versioned data
    with its citation: California 22 CCR §70217, Oregon ORS 441.765, the French
    ICU decree... A site may also keep its own stricter pack (`site` set)."""

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=160)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=40, help_text=_("e.g. US-CA, US-OR, FR."))
    citation = models.CharField(_("citation"), max_length=300)
    source_text = models.TextField(_("source text"), blank=True)
    effective_from = models.DateField(_("effective from"))
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratio_packs",
        verbose_name=_("site"),
        help_text=_("Empty for a shared jurisdiction pack."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    # Shared packs are readable by everyone who may see a site, a site's own pack
    # by those who see that site (assignment.queries.ratio_packs does the filter).
    scope_site_path = None

    class Meta:
        ordering = ["jurisdiction", "name"]
        constraints = [
            models.UniqueConstraint(
                Lower("code"),
                name="org_ratiopack_code_unique_ci",
                violation_error_code="field:code",
                violation_error_message=_("A ratio rule pack with this code already exists."),
            )
        ]
        verbose_name = _("ratio rule pack")
        verbose_name_plural = _("ratio rule packs")

    def __str__(self) -> str:
        return self.name


class RatioShift(models.TextChoices):
    ANY = "any", _("At all times")
    DAY = "day", _("Day")
    NIGHT = "night", _("Night")


class RatioRule(models.Model):
    """`nurses` licensed nurses for every `patients` patients on a unit type,
    e.g. 1 per 2 in a Californian ICU, 2 per 5 in a French réanimation."""

    pack = models.ForeignKey(RatioPack, on_delete=models.CASCADE, related_name="rules", verbose_name=_("pack"))
    unit_kind = models.CharField(_("unit type"), max_length=24, choices=UnitKind.choices)
    shift = models.CharField(_("applies"), max_length=8, choices=RatioShift.choices, default=RatioShift.ANY)
    nurses = models.PositiveSmallIntegerField(_("nurses"), default=1)
    patients = models.PositiveSmallIntegerField(_("patients"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope_site_path = None  # read through its pack

    class Meta:
        ordering = ["pack", "unit_kind", "shift"]
        constraints = [
            models.UniqueConstraint(
                fields=["pack", "unit_kind", "shift"],
                name="org_ratiorule_unique_per_pack",
                violation_error_code="field:unit_kind",
                violation_error_message=_("This pack already has a ratio for this unit type and shift."),
            ),
            models.CheckConstraint(
                condition=models.Q(nurses__gte=1) & models.Q(patients__gte=1),
                name="org_ratiorule_positive",
                violation_error_code="field:patients",
                violation_error_message=_("A ratio needs at least one nurse and one patient."),
            ),
        ]
        verbose_name = _("nurse-to-patient ratio")
        verbose_name_plural = _("nurse-to-patient ratios")

    def __str__(self) -> str:
        return f"{self.get_unit_kind_display()} {self.nurses}:{self.patients}"

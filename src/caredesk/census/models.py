"""The census: patients (the minimum necessary identity), their stays on a unit
and bed, every movement (admission, transfer, discharge), acuity scored each
shift on a configurable scale, special-attention flags and family contacts.

Nothing here is hard-deleted: stays are discharged, flags cleared, contacts
deactivated, so the record of who was where, when, keeps its meaning.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from caredesk.core.models import TimeStampedModel


class Sex(models.TextChoices):
    """FHIR R4 AdministrativeGender."""

    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class CodeStatus(models.TextChoices):
    FULL = "full", _("Full code")
    DNR = "dnr", _("Do not resuscitate (DNR)")
    DNR_DNI = "dnr_dni", _("DNR and do not intubate")
    COMFORT = "comfort", _("Comfort care only")
    UNKNOWN = "unknown", _("Not yet documented")


class Patient(TimeStampedModel):
    """One person cared for at a site. Identity is kept to the minimum necessary."""

    site = models.ForeignKey("org.Site", on_delete=models.PROTECT, related_name="patients", verbose_name=_("site"))
    mrn = models.CharField(_("medical record number"), max_length=40)
    # The identifier printed on the wristband (barcode); checked when a dose is given.
    wristband_id = models.CharField(_("wristband identifier"), max_length=40)
    family_name = models.CharField(_("family name"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    language = models.CharField(_("preferred language"), max_length=40, blank=True)
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    allergies = models.TextField(_("allergies"), blank=True)
    no_known_allergies = models.BooleanField(_("no known allergies"), default=False)
    code_status = models.CharField(
        _("code status"), max_length=10, choices=CodeStatus.choices, default=CodeStatus.UNKNOWN
    )
    insurance_payer = models.CharField(_("insurance payer"), max_length=120, blank=True)

    contains_patient_information = True  # every view is audited (core.audit.log_patient_view)
    # A unit-level grant reaches the patients who have (had) a stay on that unit.
    scope_site_path = "site"
    scope_unit_path = "stays__unit"
    scope_through_many = True

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(
                "site",
                Lower("mrn"),
                name="census_patient_mrn_unique_per_site",
                violation_error_code="field:mrn",
                violation_error_message=_("This site already has a patient with this medical record number."),
            ),
            models.UniqueConstraint(
                "site",
                Lower("wristband_id"),
                name="census_patient_wristband_unique_per_site",
                violation_error_code="field:wristband_id",
                violation_error_message=_("Another patient of this site already has this wristband identifier."),
            ),
        ]
        verbose_name = _("patient")
        verbose_name_plural = _("patients")

    def __str__(self) -> str:
        return f"{self.family_name}, {self.given_name}"


class StayStatus(models.TextChoices):
    ADMITTED = "admitted", _("Admitted")
    DISCHARGED = "discharged", _("Discharged")


class Stay(TimeStampedModel):
    """A patient's stay, on one unit at a time (transfers move it and leave a movement)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="stays", verbose_name=_("patient"))
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="stays", verbose_name=_("unit"))
    bed = models.ForeignKey(
        "org.Bed", on_delete=models.PROTECT, null=True, blank=True, related_name="stays", verbose_name=_("bed")
    )
    status = models.CharField(_("status"), max_length=12, choices=StayStatus.choices, default=StayStatus.ADMITTED)
    admitted_at = models.DateTimeField(_("admitted"))
    discharged_at = models.DateTimeField(_("discharged"), null=True, blank=True)
    reason = models.CharField(_("reason for admission"), max_length=200, blank=True)
    attending = models.CharField(_("attending physician"), max_length=120, blank=True)
    discharge_disposition = models.CharField(_("discharged to"), max_length=120, blank=True)

    contains_patient_information = True  # every view is audited (core.audit.log_patient_view)
    scope_site_path = "unit__site"
    scope_unit_path = "unit"

    class Meta:
        ordering = ["-admitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(discharged_at__isnull=True),
                name="census_one_open_stay_per_patient",
                violation_error_code="field:patient_id",
                violation_error_message=_("This patient is already admitted."),
            ),
            models.UniqueConstraint(
                fields=["bed"],
                condition=Q(discharged_at__isnull=True) & Q(bed__isnull=False),
                name="census_one_patient_per_bed",
                violation_error_code="field:bed_id",
                violation_error_message=_("This bed is occupied."),
            ),
            models.CheckConstraint(
                condition=Q(discharged_at__isnull=True) | Q(discharged_at__gte=models.F("admitted_at")),
                name="census_discharge_after_admission",
                violation_error_code="field:discharged_at",
                violation_error_message=_("Discharge cannot be before admission."),
            ),
        ]
        indexes = [models.Index(fields=["unit", "discharged_at"], name="census_stay_unit_open_idx")]
        verbose_name = _("stay")
        verbose_name_plural = _("stays")

    def __str__(self) -> str:
        return f"{self.patient} ({self.unit})"


class MovementKind(models.TextChoices):
    ADMISSION = "admission", _("Admission")
    TRANSFER = "transfer", _("Transfer")
    DISCHARGE = "discharge", _("Discharge")


class StayMovement(models.Model):
    """Where a stay was, when: one row per admission, transfer (unit or bed) and discharge."""

    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="movements", verbose_name=_("stay"))
    kind = models.CharField(_("kind"), max_length=10, choices=MovementKind.choices)
    at = models.DateTimeField(_("time"))
    from_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("from unit")
    )
    to_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("to unit")
    )
    from_bed = models.ForeignKey(
        "org.Bed", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("from bed")
    )
    to_bed = models.ForeignKey(
        "org.Bed", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("to bed")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("recorded by")
    )

    scope_site_path = "stay__unit__site"
    scope_unit_path = "stay__unit"

    class Meta:
        ordering = ["stay", "at", "pk"]
        verbose_name = _("movement")
        verbose_name_plural = _("movements")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class AcuityScale(TimeStampedModel):
    """A patient classification (RULES.md §2.1: §70053.2 asks for one): either
    levels (e.g. 1 to 4) chosen directly, or a weighted checklist whose points
    map to a level. `items`: [{"code", "label", "points"}]; `levels`:
    [{"level": 1, "label": "Stable", "min_points": 0}, ...] in rising order."""

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    citation = models.CharField(_("source"), max_length=300, blank=True)
    items = models.JSONField(_("checklist items"), default=list, blank=True)
    levels = models.JSONField(_("levels"), default=list)
    site = models.ForeignKey(
        "org.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="acuity_scales",
        verbose_name=_("site"),
        help_text=_("Empty for a scale shared by every site."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    scope_site_path = None  # shared or a site's own: census.queries.acuity_scales filters

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("code"),
                name="census_acuityscale_code_unique_ci",
                violation_error_code="field:code",
                violation_error_message=_("An acuity scale with this code already exists."),
            )
        ]
        verbose_name = _("acuity scale")
        verbose_name_plural = _("acuity scales")

    def __str__(self) -> str:
        return self.name


class AcuityScore(models.Model):
    """One scoring of a stay for one shift; a later scoring of the same shift supersedes it."""

    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="acuity_scores", verbose_name=_("stay"))
    scale = models.ForeignKey(AcuityScale, on_delete=models.PROTECT, related_name="+", verbose_name=_("scale"))
    shift_date = models.DateField(_("shift date"))
    shift_label = models.CharField(_("shift"), max_length=40)
    items = models.JSONField(_("items ticked"), default=list, blank=True)
    points = models.PositiveSmallIntegerField(_("points"))
    level = models.PositiveSmallIntegerField(_("level"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    scored_at = models.DateTimeField(_("scored"))
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("scored by")
    )

    scope_site_path = "stay__unit__site"
    scope_unit_path = "stay__unit"

    class Meta:
        ordering = ["-scored_at", "-pk"]
        indexes = [models.Index(fields=["stay", "-scored_at"], name="census_acuity_latest_idx")]
        verbose_name = _("acuity score")
        verbose_name_plural = _("acuity scores")

    def __str__(self) -> str:
        return f"{self.shift_date} {self.shift_label}: {self.level} ({self.points})"


class FlagKind(models.TextChoices):
    FALL_RISK = "fall_risk", _("Fall risk")
    BEHAVIOURAL = "behavioural", _("Behavioural risk")
    ISOLATION = "isolation", _("Isolation")
    ONE_TO_ONE = "one_to_one", _("One-to-one observation")
    CONFUSED = "confused", _("Confused")
    DIFFICULT = "difficult", _("Needs a care plan for staff")


class IsolationType(models.TextChoices):
    NONE = "", _("Not applicable")
    CONTACT = "contact", _("Contact")
    DROPLET = "droplet", _("Droplet")
    AIRBORNE = "airborne", _("Airborne")
    PROTECTIVE = "protective", _("Protective (neutropenic)")


class PatientFlag(TimeStampedModel):
    """A special-attention flag on a stay, raised and later cleared (never deleted)."""

    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="flags", verbose_name=_("stay"))
    kind = models.CharField(_("flag"), max_length=16, choices=FlagKind.choices)
    isolation_type = models.CharField(
        _("isolation type"), max_length=12, choices=IsolationType.choices, blank=True, default=IsolationType.NONE
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    # For "difficult" (and any flag): how staff should approach the patient.
    care_plan = models.TextField(_("care plan for staff"), blank=True)
    raised_at = models.DateTimeField(_("raised"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("raised by")
    )
    cleared_at = models.DateTimeField(_("cleared"), null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cleared by"),
    )

    scope_site_path = "stay__unit__site"
    scope_unit_path = "stay__unit"

    class Meta:
        ordering = ["stay", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["stay", "kind"],
                condition=Q(cleared_at__isnull=True),
                name="census_one_active_flag_per_kind",
                violation_error_code="field:kind",
                violation_error_message=_("This flag is already raised for the patient."),
            )
        ]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")


class FamilyContact(TimeStampedModel):
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="family_contacts", verbose_name=_("patient")
    )
    name = models.CharField(_("name"), max_length=120)
    relationship = models.CharField(_("relationship"), max_length=60)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    # HIPAA: only contacts the patient agreed to may be given clinical information.
    may_receive_information = models.BooleanField(_("may receive clinical information"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    scope_site_path = "patient__site"
    scope_unit_path = "patient__stays__unit"
    scope_through_many = True

    class Meta:
        ordering = ["patient", "-is_primary", "name"]
        verbose_name = _("family contact")
        verbose_name_plural = _("family contacts")

    def __str__(self) -> str:
        return self.name

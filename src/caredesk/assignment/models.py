"""Care shifts of a unit, the staff on each (entered by hand until the roster
provides them), and which nurse has which patient on that shift.

The assignment history is what continuity is computed from: the nurse who had
the patient on the previous shift is preferred by the optimiser.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from caredesk.core.models import TimeStampedModel


class ShiftPattern(TimeStampedModel):
    """The care shifts a unit runs each day (e.g. Day 07:00 for 12 h, Night 19:00 for 12 h)."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="shift_patterns", verbose_name=_("unit")
    )
    code = models.SlugField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=60)
    start_time = models.TimeField(_("starts (local time)"))
    length_minutes = models.PositiveIntegerField(_("length (minutes)"))
    is_night = models.BooleanField(_("night shift"), default=False)
    # What the roster engine requires of everyone on this shift (e.g. "rn").
    required_skills = models.JSONField(_("required skills"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    scope_site_path = "unit__site"
    scope_unit_path = "unit"

    class Meta:
        ordering = ["unit", "start_time"]
        constraints = [
            models.UniqueConstraint(
                "unit",
                Lower("code"),
                name="assignment_pattern_code_unique_per_unit",
                violation_error_code="field:code",
                violation_error_message=_("This unit already has a shift with this code."),
            ),
            models.CheckConstraint(
                condition=Q(length_minutes__gte=60) & Q(length_minutes__lte=24 * 60),
                name="assignment_pattern_length_range",
                violation_error_code="field:length_minutes",
                violation_error_message=_("A shift lasts between 1 and 24 hours."),
            ),
        ]
        verbose_name = _("shift pattern")
        verbose_name_plural = _("shift patterns")

    def __str__(self) -> str:
        return self.name


class CareShift(TimeStampedModel):
    """One occurrence of a shift on a unit: its true start and end in UTC
    (computed in the site's zone, so a night across a daylight-saving change
    has its real length)."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="care_shifts", verbose_name=_("unit"))
    pattern = models.ForeignKey(
        ShiftPattern, on_delete=models.PROTECT, null=True, blank=True, related_name="shifts", verbose_name=_("pattern")
    )
    date = models.DateField(_("date"), help_text=_("The local date the shift starts on."))
    label = models.CharField(_("shift"), max_length=60)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    is_night = models.BooleanField(_("night shift"), default=False)
    # The latest optimiser run for this shift: status, objective, bound, seconds, terms.
    last_solve = models.JSONField(_("last optimisation"), default=dict, blank=True)

    scope_site_path = "unit__site"
    scope_unit_path = "unit"

    class Meta:
        ordering = ["unit", "starts_at"]
        constraints = [
            models.UniqueConstraint(
                "unit",
                "date",
                Lower("label"),
                name="assignment_shift_unique_per_unit_day",
                violation_error_code="field:label",
                violation_error_message=_("This unit already has this shift on that date."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="assignment_shift_ends_after_start",
                violation_error_code="field:ends_at",
                violation_error_message=_("A shift must end after it starts."),
            ),
        ]
        indexes = [models.Index(fields=["unit", "starts_at", "ends_at"], name="assignment_shift_time_idx")]
        verbose_name = _("care shift")
        verbose_name_plural = _("care shifts")

    def __str__(self) -> str:
        return f"{self.label} {self.date}"


class StaffSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    ROSTER = "roster", _("From the roster")


class ShiftStaff(TimeStampedModel):
    """A person working a care shift, and what they can take on it."""

    shift = models.ForeignKey(CareShift, on_delete=models.CASCADE, related_name="staff", verbose_name=_("shift"))
    staff = models.ForeignKey(
        "workforce.StaffMember", on_delete=models.PROTECT, related_name="care_shifts", verbose_name=_("staff member")
    )
    is_charge = models.BooleanField(_("charge nurse"), default=False)
    # Empty: the unit's ratio cap. A charge nurse usually takes fewer patients.
    max_patients = models.PositiveSmallIntegerField(_("maximum patients"), null=True, blank=True)
    skills = models.JSONField(_("skills"), default=list, blank=True, help_text=_("e.g. chemotherapy, paediatrics."))
    source = models.CharField(_("source"), max_length=8, choices=StaffSource.choices, default=StaffSource.MANUAL)
    note = models.CharField(_("note"), max_length=200, blank=True)

    scope_site_path = "shift__unit__site"
    scope_unit_path = "shift__unit"

    class Meta:
        ordering = ["shift", "-is_charge", "staff__user__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "staff"],
                name="assignment_staff_once_per_shift",
                violation_error_code="field:staff_id",
                violation_error_message=_("This person is already on the shift."),
            )
        ]
        verbose_name = _("staff on shift")
        verbose_name_plural = _("staff on shift")


class AssignmentSource(models.TextChoices):
    OPTIMISER = "optimiser", _("Optimiser")
    MANUAL = "manual", _("By hand")


class PatientAssignment(TimeStampedModel):
    """Which nurse has the patient of `stay` on `shift`. One per stay and shift."""

    shift = models.ForeignKey(CareShift, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("shift"))
    stay = models.ForeignKey(
        "census.Stay", on_delete=models.PROTECT, related_name="assignments", verbose_name=_("stay")
    )
    staff = models.ForeignKey(
        "workforce.StaffMember", on_delete=models.PROTECT, related_name="patient_assignments", verbose_name=_("nurse")
    )
    pinned = models.BooleanField(_("pinned"), default=False, help_text=_("Kept as it is when the optimiser runs."))
    source = models.CharField(_("source"), max_length=10, choices=AssignmentSource.choices)
    # Rules this assignment breaks (kept when the coordinator overrides with a reason).
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    override_reason = models.CharField(_("reason for the override"), max_length=300, blank=True)
    assigned_at = models.DateTimeField(_("assigned"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )

    scope_site_path = "shift__unit__site"
    scope_unit_path = "shift__unit"

    class Meta:
        ordering = ["shift", "stay"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "stay"],
                name="assignment_one_nurse_per_patient_shift",
                violation_error_code="field:stay_id",
                violation_error_message=_("This patient already has a nurse on this shift."),
            )
        ]
        indexes = [models.Index(fields=["stay", "shift"], name="assignment_stay_history_idx")]
        verbose_name = _("patient assignment")
        verbose_name_plural = _("patient assignments")

"""Therapy: intensity rules (a rule pack as data, with its citation), therapy
plans per stay and discipline (minutes prescribed per week, or per day on so
many days), and the sessions scheduled from them, each done (with the minutes
delivered) or missed (with a reason) or cancelled.

Nothing here is hard-deleted: plans end, sessions are cancelled.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from caredesk.core.models import TimeStampedModel

# The longest single session that can be recorded (minutes): a sanity bound.
MAX_SESSION_MINUTES = 240
# Prescriptions: at most 24 h a day / 7 days a week.
MAX_MINUTES_PER_DAY = 24 * 60
MAX_MINUTES_PER_WEEK = 7 * 24 * 60


class TherapyDiscipline(models.TextChoices):
    """The therapy disciplines (values match core.roles.Discipline)."""

    PT = "pt", _("Physiotherapy")
    OT = "ot", _("Occupational therapy")
    SLP = "slp", _("Speech-language therapy")


class IntensityRule(TimeStampedModel):
    """A therapy intensity rule of a rule pack, e.g. the US inpatient
    rehabilitation "3 hours a day at least 5 days a week" rule. Met when the
    patient gets `minutes_per_day` (all disciplines together) on at least
    `days_per_week` days of the week, or, as the alternative where the rule
    allows it, `minutes_per_week` over the week."""

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=80, blank=True)
    citation = models.CharField(_("source"), max_length=300, blank=True)
    minutes_per_day = models.PositiveIntegerField(_("minutes a day"), null=True, blank=True)
    days_per_week = models.PositiveSmallIntegerField(_("days a week"), null=True, blank=True)
    minutes_per_week = models.PositiveIntegerField(
        _("or minutes over the week"), null=True, blank=True, help_text=_("The alternative weekly total, if any.")
    )
    site = models.ForeignKey(
        "org.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="therapy_intensity_rules",
        verbose_name=_("site"),
        help_text=_("Empty for a rule shared by every site."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    scope_site_path = None  # shared or a site's own: therapy.queries.intensity_rules filters

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("code"),
                name="therapy_intensityrule_code_unique_ci",
                violation_error_code="field:code",
                violation_error_message=_("An intensity rule with this code already exists."),
            ),
            models.CheckConstraint(
                condition=(Q(minutes_per_day__isnull=False) & Q(days_per_week__isnull=False))
                | Q(minutes_per_week__isnull=False),
                name="therapy_intensityrule_has_a_measure",
                violation_error_code="field:minutes_per_day",
                violation_error_message=_("Give minutes a day and days a week, or minutes over the week."),
            ),
            models.CheckConstraint(
                condition=Q(days_per_week__isnull=True) | (Q(days_per_week__gte=1) & Q(days_per_week__lte=7)),
                name="therapy_intensityrule_days_range",
                violation_error_code="field:days_per_week",
                violation_error_message=_("Days a week is between 1 and 7."),
            ),
        ]
        verbose_name = _("intensity rule")
        verbose_name_plural = _("intensity rules")

    def __str__(self) -> str:
        return self.name


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class TherapyPlan(TimeStampedModel):
    """What one discipline prescribes for a stay: minutes per week, or minutes
    per day on a number of days a week, from `starts_on` (to `ends_on`)."""

    stay = models.ForeignKey(
        "census.Stay", on_delete=models.PROTECT, related_name="therapy_plans", verbose_name=_("stay")
    )
    discipline = models.CharField(_("discipline"), max_length=4, choices=TherapyDiscipline.choices)
    minutes_per_week = models.PositiveIntegerField(_("minutes a week"), null=True, blank=True)
    minutes_per_day = models.PositiveIntegerField(_("minutes a day"), null=True, blank=True)
    days_per_week = models.PositiveSmallIntegerField(_("days a week"), null=True, blank=True)
    goals = models.TextField(_("goals"), blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    intensity_rule = models.ForeignKey(
        IntensityRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("intensity rule"),
    )
    status = models.CharField(_("status"), max_length=8, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    prescriber = models.CharField(_("prescribed by"), max_length=120, blank=True)
    therapist = models.ForeignKey(
        "workforce.StaffMember",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="therapy_plans",
        verbose_name=_("therapist"),
    )
    end_reason = models.CharField(_("reason for ending"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope_site_path = "stay__unit__site"
    scope_unit_path = "stay__unit"
    contains_patient_information = True

    class Meta:
        ordering = ["stay", "discipline", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes_per_week__isnull=False)
                | (Q(minutes_per_day__isnull=False) & Q(days_per_week__isnull=False)),
                name="therapy_plan_has_a_prescription",
                violation_error_code="field:minutes_per_week",
                violation_error_message=_("Give the minutes a week, or the minutes a day and the days a week."),
            ),
            models.CheckConstraint(
                condition=Q(days_per_week__isnull=True) | (Q(days_per_week__gte=1) & Q(days_per_week__lte=7)),
                name="therapy_plan_days_range",
                violation_error_code="field:days_per_week",
                violation_error_message=_("Days a week is between 1 and 7."),
            ),
            models.CheckConstraint(
                condition=Q(minutes_per_day__isnull=True)
                | (Q(minutes_per_day__gte=1) & Q(minutes_per_day__lte=MAX_MINUTES_PER_DAY)),
                name="therapy_plan_minutes_per_day_range",
                violation_error_code="field:minutes_per_day",
                violation_error_message=_("Minutes a day is between 1 and 1440."),
            ),
            models.CheckConstraint(
                condition=Q(minutes_per_week__isnull=True)
                | (Q(minutes_per_week__gte=1) & Q(minutes_per_week__lte=MAX_MINUTES_PER_WEEK)),
                name="therapy_plan_minutes_per_week_range",
                violation_error_code="field:minutes_per_week",
                violation_error_message=_("Minutes a week is between 1 and 10080."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="therapy_plan_ends_after_start",
                violation_error_code="field:ends_on",
                violation_error_message=_("The plan cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["stay", "discipline"],
                condition=Q(status="active"),
                name="therapy_plan_one_active_per_discipline",
                violation_error_code="field:discipline",
                violation_error_message=_("This patient already has an active plan for this discipline."),
            ),
        ]
        verbose_name = _("therapy plan")
        verbose_name_plural = _("therapy plans")

    def __str__(self) -> str:
        return f"{self.get_discipline_display()} · {self.stay}"

    @property
    def weekly_minutes(self) -> int:
        """The minutes prescribed for a whole week."""
        if self.minutes_per_week is not None:
            return int(self.minutes_per_week)
        return int(self.minutes_per_day or 0) * int(self.days_per_week or 0)


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", _("Done")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", _("Cancelled")


class MissedReason(models.TextChoices):
    PATIENT_REFUSED = "patient_refused", _("Patient refused")
    PATIENT_UNWELL = "patient_unwell", _("Patient unwell")
    PATIENT_OFF_UNIT = "patient_off_unit", _("Patient off unit (test or procedure)")
    THERAPIST_UNAVAILABLE = "therapist_unavailable", _("Therapist unavailable")
    OTHER = "other", _("Other")


class TherapySession(TimeStampedModel):
    """One scheduled session of a plan. `next_check_at` is when the worker next
    looks at it: the moment a scheduled session becomes overdue (not recorded),
    or, once recorded as missed, at once to raise the alert (then empty)."""

    plan = models.ForeignKey(TherapyPlan, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("plan"))
    therapist = models.ForeignKey(
        "workforce.StaffMember",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="therapy_sessions",
        verbose_name=_("therapist"),
    )
    scheduled_start = models.DateTimeField(_("scheduled"))
    planned_minutes = models.PositiveIntegerField(_("planned minutes"))
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    delivered_minutes = models.PositiveIntegerField(_("minutes delivered"), null=True, blank=True)
    missed_reason = models.CharField(
        _("reason missed"), max_length=24, choices=MissedReason.choices, blank=True, default=""
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    next_check_at = models.DateTimeField(_("next check"), null=True, blank=True, db_index=True)
    alert_raised_at = models.DateTimeField(_("alert raised"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("therapist reminded"), null=True, blank=True)

    scope_site_path = "plan__stay__unit__site"
    scope_unit_path = "plan__stay__unit"
    contains_patient_information = True

    class Meta:
        ordering = ["scheduled_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_minutes__gte=5) & Q(planned_minutes__lte=MAX_SESSION_MINUTES),
                name="therapy_session_planned_range",
                violation_error_code="field:planned_minutes",
                violation_error_message=_("A session is planned for 5 to 240 minutes."),
            ),
            models.CheckConstraint(
                condition=Q(delivered_minutes__isnull=True)
                | (Q(delivered_minutes__gte=1) & Q(delivered_minutes__lte=MAX_SESSION_MINUTES)),
                name="therapy_session_delivered_range",
                violation_error_code="field:delivered_minutes",
                violation_error_message=_("The minutes delivered are between 1 and 240."),
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(delivered_minutes__isnull=False),
                name="therapy_session_done_has_minutes",
                violation_error_code="field:delivered_minutes",
                violation_error_message=_("A session done needs the minutes delivered."),
            ),
            models.CheckConstraint(
                condition=~Q(status="missed") | ~Q(missed_reason=""),
                name="therapy_session_missed_has_reason",
                violation_error_code="field:reason",
                violation_error_message=_("A missed session needs its reason."),
            ),
        ]
        indexes = [models.Index(fields=["therapist", "scheduled_start"], name="therapy_session_therapist_idx")]
        verbose_name = _("therapy session")
        verbose_name_plural = _("therapy sessions")

    def __str__(self) -> str:
        return f"{self.plan} {self.scheduled_start:%Y-%m-%d %H:%M}"

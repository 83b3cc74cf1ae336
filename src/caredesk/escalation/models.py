"""Care alerts raised once, escalated through the live assignment, acknowledged;
incident-report drafts (NCC MERP).

An alert is raised once per (kind, source): a unique constraint makes a second
raise, even by another worker at the same instant, a no-op. `escalate_at` is
the stored "next change at" column: the periodic sweep moves an open alert one
level up with a compare-and-set update on (level, escalate_at), so two workers
cannot escalate it twice. Nothing here is deleted: alerts are acknowledged and
resolved, drafts handed to the incident module later.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from caredesk.core.models import TimeStampedModel


class EscalationPolicy(TimeStampedModel):
    """How long an unacknowledged alert waits before it goes one level up, per site."""

    site = models.OneToOneField(
        "org.Site", on_delete=models.PROTECT, related_name="escalation_policy", verbose_name=_("site")
    )
    critical_delay_minutes = models.PositiveSmallIntegerField(
        _("time-critical: minutes before the charge nurse"),
        default=15,
        help_text=_("For alerts of high severity (time-critical medicines)."),
    )
    standard_delay_minutes = models.PositiveSmallIntegerField(
        _("other alerts: minutes before the charge nurse"), default=30
    )
    leadership_delay_minutes = models.PositiveSmallIntegerField(
        _("minutes more before site leadership"),
        null=True,
        blank=True,
        default=30,
        help_text=_("Empty: alerts stop at the charge nurse or coordinator."),
    )
    send_email = models.BooleanField(_("also send an e-mail"), default=True)

    scope_site_path = "site"
    scope_unit_path = "site__units"
    scope_through_many = True

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(critical_delay_minutes__gte=1)
                & Q(critical_delay_minutes__lte=240)
                & Q(standard_delay_minutes__gte=1)
                & Q(standard_delay_minutes__lte=240),
                name="escalation_policy_delays_range",
                violation_error_code="field:critical_delay_minutes",
                violation_error_message=_("A delay is between 1 and 240 minutes."),
            ),
            models.CheckConstraint(
                condition=Q(leadership_delay_minutes__isnull=True)
                | (Q(leadership_delay_minutes__gte=1) & Q(leadership_delay_minutes__lte=1440)),
                name="escalation_policy_leadership_range",
                violation_error_code="field:leadership_delay_minutes",
                violation_error_message=_("The delay before site leadership is between 1 and 1440 minutes."),
            ),
        ]
        verbose_name = _("escalation policy")
        verbose_name_plural = _("escalation policies")

    def __str__(self) -> str:
        return f"{self.site}"


class AlertKind(models.TextChoices):
    DOSE_LATE = "dose_late", _("Time-critical dose late")
    DOSE_MISSED = "dose_missed", _("Dose missed")
    SESSION_MISSED = "session_missed", _("Therapy session missed")


class Severity(models.TextChoices):
    HIGH = "high", _("High (time-critical)")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class AlertLevel(models.IntegerChoices):
    NURSE = 1, _("Assigned nurse")
    CHARGE = 2, _("Charge nurse or coordinator")
    LEADERSHIP = 3, _("Site leadership")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("alert", "Acknowledged")
    RESOLVED = "resolved", _("Resolved")


class CareAlert(TimeStampedModel):
    """A late or missed dose or session, sent to the people who must act on it."""

    site = models.ForeignKey("org.Site", on_delete=models.PROTECT, related_name="care_alerts", verbose_name=_("site"))
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="care_alerts", verbose_name=_("unit"))
    stay = models.ForeignKey(
        "census.Stay", on_delete=models.PROTECT, related_name="care_alerts", verbose_name=_("stay")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    # What the alert is about, as "app_label.model" and its primary key (e.g. a scheduled dose).
    source_type = models.CharField(_("source type"), max_length=80)
    source_id = models.BigIntegerField(_("source id"))
    title = models.CharField(_("title"), max_length=200)
    detail = models.TextField(_("detail"), blank=True)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.HIGH)
    due_at = models.DateTimeField(_("was due"))
    raised_at = models.DateTimeField(_("raised"))
    level = models.PositiveSmallIntegerField(_("level"), choices=AlertLevel.choices, default=AlertLevel.NURSE)
    # When the next level is due if nobody acknowledges: empty once acknowledged or at the top.
    escalate_at = models.DateTimeField(_("escalates at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=14, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledgement_note = models.TextField(_("what was done"), blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolution_note = models.TextField(_("resolution"), blank=True)

    scope_site_path = "site"
    scope_unit_path = "unit"
    contains_patient_information = True

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source_type", "source_id"],
                name="escalation_alert_raised_once",
                violation_error_code="field:source_id",
                violation_error_message=_("This alert was already raised."),
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(acknowledged_at__isnull=False) | Q(resolved_at__isnull=False),
                name="escalation_alert_closed_has_time",
                violation_error_code="field:status",
                violation_error_message=_("An acknowledged or resolved alert records when."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "escalate_at"], name="escalation_alert_sweep_idx"),
            models.Index(fields=["unit", "status", "-raised_at"], name="escalation_alert_unit_idx"),
        ]
        verbose_name = _("care alert")
        verbose_name_plural = _("care alerts")

    def __str__(self) -> str:
        return self.title


class AlertRecipient(models.Model):
    """One person notified of an alert, at one level, when."""

    alert = models.ForeignKey(CareAlert, on_delete=models.PROTECT, related_name="recipients", verbose_name=_("alert"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_alerts_received", verbose_name=_("user")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=AlertLevel.choices)
    notified_at = models.DateTimeField(_("notified"))

    scope_site_path = "alert__site"
    scope_unit_path = "alert__unit"

    class Meta:
        ordering = ["alert", "level", "notified_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "user", "level"], name="escalation_recipient_once_per_level")
        ]
        indexes = [models.Index(fields=["user", "alert"], name="escalation_recipient_user_idx")]
        verbose_name = _("alert recipient")
        verbose_name_plural = _("alert recipients")

    def __str__(self) -> str:
        return f"{self.user} ({self.level})"


class EventType(models.TextChoices):
    MEDICATION = "medication", _("Medication")
    CARE_DELIVERY = "care_delivery", _("Care delivery (missed treatment or therapy)")


class NccMerpCategory(models.TextChoices):
    """NCC MERP Index for Categorizing Medication Errors (1996, rev. 2001), RULES.md §4."""

    A = "A", _("A: circumstances or events that have the capacity to cause error (no error)")
    B = "B", _("B: an error occurred but did not reach the patient")
    C = "C", _("C: an error reached the patient but caused no harm")
    D = "D", _("D: reached the patient; needed monitoring or intervention to preclude harm")
    E = "E", _("E: temporary harm; needed intervention")
    F = "F", _("F: temporary harm; initial or prolonged hospitalisation")
    G = "G", _("G: permanent harm")
    H = "H", _("H: intervention required to sustain life")
    I = "I", _("I: contributed to or resulted in the patient's death")  # noqa: E741


# Categories that say the error did not reach the patient; an omission always reaches the patient.
NOT_REACHING = ("A", "B")


class DraftStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Handed to incident reporting")


class IncidentDraft(TimeStampedModel):
    """An incident report started from an alert (or a dose), kept until the
    incident module takes it over."""

    site = models.ForeignKey(
        "org.Site", on_delete=models.PROTECT, related_name="incident_drafts", verbose_name=_("site")
    )
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="incident_drafts", verbose_name=_("unit")
    )
    stay = models.ForeignKey(
        "census.Stay", on_delete=models.PROTECT, related_name="incident_drafts", verbose_name=_("stay")
    )
    alert = models.ForeignKey(
        CareAlert,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incident_drafts",
        verbose_name=_("alert"),
    )
    source_type = models.CharField(_("source type"), max_length=80, blank=True)
    source_id = models.BigIntegerField(_("source id"), null=True, blank=True)
    event_type = models.CharField(_("event type"), max_length=16, choices=EventType.choices)
    is_omission = models.BooleanField(
        _("omission"), default=False, help_text=_("A dose or treatment not given (it reached the patient).")
    )
    ncc_merp_category = models.CharField(
        _("NCC MERP category"), max_length=1, choices=NccMerpCategory.choices, blank=True
    )
    description = models.TextField(_("what happened"))
    occurred_at = models.DateTimeField(_("occurred"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reported by")
    )
    status = models.CharField(_("status"), max_length=10, choices=DraftStatus.choices, default=DraftStatus.DRAFT)

    scope_site_path = "site"
    scope_unit_path = "unit"
    contains_patient_information = True

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_omission=False) | ~Q(ncc_merp_category__in=NOT_REACHING),
                name="escalation_omission_category_c_or_more",
                violation_error_code="field:ncc_merp_category",
                violation_error_message=_("An omission reaches the patient, so its category is C or more."),
            ),
            models.CheckConstraint(
                condition=~Q(event_type="medication") | ~Q(ncc_merp_category=""),
                name="escalation_medication_has_category",
                violation_error_code="field:ncc_merp_category",
                violation_error_message=_("A medication event needs its NCC MERP category."),
            ),
        ]
        verbose_name = _("incident draft")
        verbose_name_plural = _("incident drafts")

    def __str__(self) -> str:
        return f"{self.get_event_type_display()} {self.occurred_at:%Y-%m-%d %H:%M}"

"""Training: programs (proposed with their cost, approved or declined by the
director), the training budget they post to, sessions, enrolment, attendance
and completions with their expiry.

Nothing here is hard-deleted: programs are retired, sessions and enrolments
cancelled, proposals decided, budget entries kept.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from caredesk.core.models import TimeStampedModel


class Delivery(models.TextChoices):
    CLASSROOM = "classroom", _("Classroom")
    ONLINE = "online", _("Online / e-learning")
    BLENDED = "blended", _("Blended")
    SIMULATION = "simulation", _("Simulation lab")
    ON_THE_JOB = "on_the_job", _("On the job")


class ProgramStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    RETIRED = "retired", _("Retired")


class TrainingProgram(TimeStampedModel):
    """A course of a site (or of one unit of it). Mandatory programs apply to the
    people whose discipline and home unit type match (empty lists match all)."""

    site = models.ForeignKey(
        "org.Site", on_delete=models.PROTECT, related_name="training_programs", verbose_name=_("site")
    )
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_programs",
        verbose_name=_("unit"),
        help_text=_("Empty for the whole site."),
    )
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    provider = models.CharField(_("provider"), max_length=120, blank=True)
    delivery = models.CharField(_("delivery"), max_length=12, choices=Delivery.choices, default=Delivery.CLASSROOM)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, default=0)
    cost_per_person = models.DecimalField(_("cost per person"), max_digits=10, decimal_places=2, default=0)
    fixed_cost = models.DecimalField(_("fixed cost"), max_digits=12, decimal_places=2, default=0)
    is_mandatory = models.BooleanField(_("mandatory"), default=False)
    disciplines = models.JSONField(
        _("for disciplines"), default=list, blank=True, help_text=_("Empty: every discipline.")
    )
    unit_kinds = models.JSONField(_("for unit types"), default=list, blank=True, help_text=_("Empty: every unit type."))
    recurrence_months = models.PositiveSmallIntegerField(
        _("renew every (months)"), null=True, blank=True, help_text=_("Empty if done once.")
    )
    grants_credential_type = models.ForeignKey(
        "workforce.CredentialType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("grants or renews credential"),
    )
    status = models.CharField(_("status"), max_length=10, choices=ProgramStatus.choices, default=ProgramStatus.PROPOSED)

    # The catalogue of a site is visible to every unit of that site.
    scope_site_path = "site"
    scope_unit_path = "site__units"
    scope_through_many = True

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=0),
                name="training_program_hours_positive",
                violation_error_code="field:hours",
                violation_error_message=_("Hours cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(cost_per_person__gte=0) & Q(fixed_cost__gte=0),
                name="training_program_costs_positive",
                violation_error_code="field:cost_per_person",
                violation_error_message=_("Costs cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(recurrence_months__isnull=True) | Q(recurrence_months__gte=1),
                name="training_program_recurrence_positive",
                violation_error_code="field:recurrence_months",
                violation_error_message=_("A recurrence is at least one month."),
            ),
        ]
        verbose_name = _("training program")
        verbose_name_plural = _("training programs")

    def __str__(self) -> str:
        return self.title


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class TrainingProposal(TimeStampedModel):
    """A request to fund a program for a budget year; decided by a director or
    assistant director who is not its author."""

    program = models.ForeignKey(
        TrainingProgram, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("program")
    )
    year = models.PositiveSmallIntegerField(_("budget year"))
    expected_participants = models.PositiveIntegerField(_("expected participants"), default=0)
    amount = models.DecimalField(_("estimated cost"), max_digits=12, decimal_places=2)
    justification = models.TextField(_("justification"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    proposed_at = models.DateTimeField(_("proposed"))
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    overspend_confirmed = models.BooleanField(_("overspend confirmed"), default=False)

    scope_site_path = "program__site"
    scope_unit_path = "program__site__units"
    scope_through_many = True

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("training proposal")
        verbose_name_plural = _("training proposals")

    def __str__(self) -> str:
        return f"{self.program} ({self.year})"


class TrainingBudget(TimeStampedModel):
    """The training budget figure of a site (or one unit of it) for a year."""

    site = models.ForeignKey(
        "org.Site", on_delete=models.PROTECT, related_name="training_budgets", verbose_name=_("site")
    )
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_budgets",
        verbose_name=_("unit"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("budget"), max_digits=12, decimal_places=2)

    scope_site_path = "site"
    scope_unit_path = "unit"

    class Meta:
        ordering = ["-year", "site__name", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "year"],
                condition=Q(unit__isnull=True),
                name="training_budget_one_per_site_year",
                violation_error_code="field:year",
                violation_error_message=_("This site already has a training budget for this year."),
            ),
            models.UniqueConstraint(
                fields=["site", "unit", "year"],
                condition=Q(unit__isnull=False),
                name="training_budget_one_per_unit_year",
                violation_error_code="field:year",
                violation_error_message=_("This unit already has a training budget for this year."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="training_budget_amount_positive",
                violation_error_code="field:amount",
                violation_error_message=_("A budget cannot be negative."),
            ),
        ]
        verbose_name = _("training budget")
        verbose_name_plural = _("training budgets")

    def __str__(self) -> str:
        return f"{self.unit or self.site} {self.year}"


class BudgetEntry(models.Model):
    """A cost posted to a training budget (an approved program). Never edited."""

    budget = models.ForeignKey(
        TrainingBudget, on_delete=models.PROTECT, related_name="entries", verbose_name=_("budget")
    )
    proposal = models.OneToOneField(
        TrainingProposal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_entry",
        verbose_name=_("proposal"),
    )
    program = models.ForeignKey(
        TrainingProgram, on_delete=models.PROTECT, related_name="budget_entries", verbose_name=_("program")
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    description = models.CharField(_("description"), max_length=200)
    posted_at = models.DateTimeField(_("posted"))
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope_site_path = "budget__site"
    scope_unit_path = "budget__unit"

    class Meta:
        ordering = ["-posted_at", "-pk"]
        verbose_name = _("budget entry")
        verbose_name_plural = _("budget entries")

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class TrainingSession(TimeStampedModel):
    program = models.ForeignKey(
        TrainingProgram, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("program")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(_("location"), max_length=160, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    trainer = models.CharField(_("trainer"), max_length=120, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    scope_site_path = "program__site"
    scope_unit_path = "program__site__units"
    scope_through_many = True

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="training_session_ends_after_start",
                violation_error_code="field:ends_at",
                violation_error_message=_("The session must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="training_session_capacity_positive",
                violation_error_code="field:capacity",
                violation_error_message=_("The capacity is at least one person."),
            ),
        ]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")

    def __str__(self) -> str:
        return f"{self.program} {self.starts_at:%Y-%m-%d}"


class EnrollmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    ATTENDED = "attended", _("Attended")
    ABSENT = "absent", _("Absent")
    CANCELLED = "cancelled", _("Cancelled")


# The statuses that take a seat in the session.
SEATED = (EnrollmentStatus.ENROLLED, EnrollmentStatus.ATTENDED)


class Enrollment(TimeStampedModel):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("session")
    )
    staff = models.ForeignKey(
        "workforce.StaffMember",
        on_delete=models.PROTECT,
        related_name="training_enrollments",
        verbose_name=_("staff member"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ENROLLED
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    enrolled_at = models.DateTimeField(_("enrolled"))

    scope_site_path = "staff__site"
    scope_unit_path = "staff__home_unit"

    class Meta:
        ordering = ["staff__user__last_name", "staff__user__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "staff"],
                condition=~Q(status="cancelled"),
                name="training_enrollment_once_per_session",
                violation_error_code="field:staff_id",
                violation_error_message=_("This person is already enrolled in this session."),
            ),
        ]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")

    def __str__(self) -> str:
        return f"{self.staff} → {self.session}"


class Completion(models.Model):
    """A person completed a program on a date; it is current until `expires_on`."""

    staff = models.ForeignKey(
        "workforce.StaffMember",
        on_delete=models.PROTECT,
        related_name="training_completions",
        verbose_name=_("staff member"),
    )
    program = models.ForeignKey(
        TrainingProgram, on_delete=models.PROTECT, related_name="completions", verbose_name=_("program")
    )
    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.PROTECT, null=True, blank=True, related_name="completion"
    )
    completed_on = models.DateField(_("completed"))
    expires_on = models.DateField(_("current until"), null=True, blank=True)
    credential = models.ForeignKey(
        "workforce.Credential",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("credential granted or renewed"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"))

    scope_site_path = "staff__site"
    scope_unit_path = "staff__home_unit"

    class Meta:
        ordering = ["-completed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("completed_on")),
                name="training_completion_expires_after_completion",
                violation_error_code="field:completed_on",
                violation_error_message=_("The expiry is before the completion date."),
            ),
        ]
        verbose_name = _("completion")
        verbose_name_plural = _("completions")

    def __str__(self) -> str:
        return f"{self.program} — {self.staff} {self.completed_on}"

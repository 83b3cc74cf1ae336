"""Performance evaluations: templates (competencies and a rating scale),
cycles, and one review per staff member per cycle.

A review moves draft → submitted (by the reviewer) → acknowledged (by the
employee) → signed off (by the reviewer's manager) → closed; it may be
cancelled before acknowledgement (e.g. the person left). Nothing is deleted.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from caredesk.core.models import TimeStampedModel

DEFAULT_SCALE = ["Does not meet", "Partially meets", "Meets", "Often exceeds", "Exceeds"]


class EvaluationTemplate(TimeStampedModel):
    """What is rated and on which scale. Once a cycle uses it, its competencies are frozen."""

    site = models.ForeignKey("org.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    # The labels of the scale, lowest first: a rating is 1..len(scale_labels).
    scale_labels = models.JSONField(_("rating scale"), default=list)
    is_active = models.BooleanField(_("active"), default=True)

    scope_site_path = "site"
    # Coordinators (unit grants) read their site's templates: they rate with them.
    scope_unit_path = "site__units"
    scope_through_many = True

    class Meta:
        ordering = ["name"]
        verbose_name = _("evaluation template")
        verbose_name_plural = _("evaluation templates")

    def __str__(self) -> str:
        return self.name

    @property
    def scale_max(self) -> int:
        return len(self.scale_labels)

    def label_of(self, rating: int | None) -> str:
        if rating is None or not 1 <= rating <= len(self.scale_labels):
            return ""
        return str(self.scale_labels[rating - 1])


class Competency(models.Model):
    template = models.ForeignKey(
        EvaluationTemplate, on_delete=models.PROTECT, related_name="competencies", verbose_name=_("template")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("competency"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    scope_site_path = "template__site"
    scope_unit_path = ""

    class Meta:
        ordering = ["template", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="performance_competency_weight_positive"),
        ]
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")

    def __str__(self) -> str:
        return self.name


class CycleKind(models.TextChoices):
    ANNUAL = "annual", _("Annual review")
    PROBATION = "probation", _("End of probation")
    AD_HOC = "ad_hoc", _("Ad hoc")


class CycleStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("status", "Open")
    CLOSED = "closed", _("Closed")


class EvaluationCycle(TimeStampedModel):
    site = models.ForeignKey("org.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("unit"),
        help_text=_("Empty for the whole site."),
    )
    template = models.ForeignKey(
        EvaluationTemplate, on_delete=models.PROTECT, related_name="cycles", verbose_name=_("template")
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=12, choices=CycleKind.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    due_on = models.DateField(
        _("due date"), help_text=_("Reviews are overdue after this day, in the site's time zone.")
    )
    status = models.CharField(_("status"), max_length=8, choices=CycleStatus.choices, default=CycleStatus.OPEN)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    scope_site_path = "site"
    # Coordinators (unit grants) see the cycles of their site; the reviews in them stay scoped by unit.
    scope_unit_path = "site__units"
    scope_through_many = True

    class Meta:
        ordering = ["-period_end", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="performance_cycle_period_order",
                violation_error_code="field:period_end",
                violation_error_message=_("The period ends before it starts."),
            ),
        ]
        verbose_name = _("evaluation cycle")
        verbose_name_plural = _("evaluation cycles")

    def __str__(self) -> str:
        return self.name


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    SIGNED_OFF = "signed_off", _("Signed off")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# States in which the reviewer still owes the review (overdue after the due date).
PENDING_STATES = (ReviewState.DRAFT,)
# States whose score counts in a person's history.
SCORED_STATES = (ReviewState.SUBMITTED, ReviewState.ACKNOWLEDGED, ReviewState.SIGNED_OFF, ReviewState.CLOSED)


class Review(TimeStampedModel):
    """One staff member's evaluation in one cycle."""

    cycle = models.ForeignKey(
        EvaluationCycle, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("cycle")
    )
    staff = models.ForeignKey(
        "workforce.StaffMember", on_delete=models.PROTECT, related_name="reviews", verbose_name=_("staff member")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews_to_write",
        verbose_name=_("reviewer"),
    )
    state = models.CharField(_("state"), max_length=14, choices=ReviewState.choices, default=ReviewState.DRAFT)
    comments = models.TextField(_("reviewer's comments"), blank=True)
    employee_comments = models.TextField(_("employee's comments"), blank=True)
    sign_off_comments = models.TextField(_("sign-off comments"), blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    score = models.DecimalField(_("overall score"), max_digits=4, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    signed_off_at = models.DateTimeField(_("signed off"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    scope_site_path = "cycle__site"
    scope_unit_path = "staff__home_unit"

    class Meta:
        ordering = ["cycle", "staff__user__last_name", "staff__user__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "staff"],
                name="performance_one_review_per_cycle",
                violation_error_code="field:staff_ids",
                violation_error_message=_("This person already has a review in this cycle."),
            ),
        ]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.cycle} – {self.staff}"

    def is_overdue(self, today: date) -> bool:
        """Past the due day (a date in the site's zone) and not yet submitted."""
        return self.state in PENDING_STATES and today > self.cycle.due_on


class Rating(models.Model):
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("review"))
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+", verbose_name=_("competency"))
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True)

    scope_site_path = "review__cycle__site"
    scope_unit_path = "review__staff__home_unit"

    class Meta:
        ordering = ["competency__position", "competency_id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "competency"], name="performance_one_rating_per_competency"),
            models.CheckConstraint(condition=Q(rating__gte=1), name="performance_rating_positive"),
        ]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self) -> str:
        return f"{self.competency}: {self.rating}"


class Goal(models.Model):
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="goals", verbose_name=_("review"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    description = models.CharField(_("goal"), max_length=300)
    target_date = models.DateField(_("target date"))

    scope_site_path = "review__cycle__site"
    scope_unit_path = "review__staff__home_unit"

    class Meta:
        ordering = ["review", "position", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.description

"""Recruiting: budgeted openings (requisitions), candidates, their applications
moving through the stages, interviews with scored feedback, and offers.

Nothing is deleted: requisitions are cancelled, applications are declined or
withdrawn, offers are declined or rescinded, interviews are cancelled.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from caredesk.core.models import TimeStampedModel
from caredesk.core.roles import Discipline

# A full-time year: 52 weeks of 40 hours (used for the budgeted annual cost).
HOURS_PER_FTE_YEAR = 2080


class RequisitionReason(models.TextChoices):
    VACANCY = "vacancy", _("Vacancy (replaces someone who left)")
    GROWTH = "growth", _("Growth (new position)")
    LEAVE_COVER = "leave_cover", _("Cover for a long leave")
    NEW_SERVICE = "new_service", _("New service")


class RequisitionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING_APPROVAL = "pending_approval", _("Pending approval")
    APPROVED = "approved", _("Approved (open)")
    FILLED = "filled", _("Filled")
    CANCELLED = "cancelled", _("Cancelled")


class Requisition(TimeStampedModel):
    """A budgeted opening on a unit, approved by the director before anyone is hired."""

    site = models.ForeignKey("org.Site", on_delete=models.PROTECT, related_name="requisitions", verbose_name=_("site"))
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="requisitions", verbose_name=_("unit"))
    discipline = models.CharField(_("discipline"), max_length=8, choices=Discipline.choices)
    job_title = models.CharField(_("job title"), max_length=120)
    positions = models.PositiveSmallIntegerField(_("positions"), default=1)
    fte = models.DecimalField(_("FTE per position"), max_digits=3, decimal_places=2, default=Decimal("1.00"))
    hourly_rate_min = models.DecimalField(_("budgeted hourly rate, minimum"), max_digits=8, decimal_places=2)
    hourly_rate_max = models.DecimalField(_("budgeted hourly rate, maximum"), max_digits=8, decimal_places=2)
    annual_cost = models.DecimalField(
        _("budgeted annual cost"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Positions × FTE × 2,080 hours × the maximum rate, unless given."),
    )
    reason = models.CharField(_("reason"), max_length=16, choices=RequisitionReason.choices)
    justification = models.TextField(_("justification"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RequisitionStatus.choices, default=RequisitionStatus.DRAFT
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    filled_at = models.DateTimeField(_("filled"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    scope_site_path = "site"
    scope_unit_path = "unit"

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hourly_rate_max__gte=F("hourly_rate_min")),
                name="recruiting_requisition_rate_range",
                violation_error_code="field:hourly_rate_max",
                violation_error_message=_("The maximum rate is below the minimum rate."),
            ),
            models.CheckConstraint(
                condition=Q(fte__gt=0) & Q(fte__lte=Decimal("1.5")),
                name="recruiting_requisition_fte_range",
                violation_error_code="field:fte",
                violation_error_message=_("FTE must be above 0 and at most 1.5."),
            ),
            models.CheckConstraint(
                condition=Q(positions__gte=1),
                name="recruiting_requisition_positions",
                violation_error_code="field:positions",
                violation_error_message=_("At least one position."),
            ),
        ]
        verbose_name = _("requisition")
        verbose_name_plural = _("requisitions")

    def __str__(self) -> str:
        return f"#{self.pk} {self.job_title}"

    @staticmethod
    def default_annual_cost(positions: int, fte: Decimal, rate_max: Decimal) -> Decimal:
        return (Decimal(positions) * fte * HOURS_PER_FTE_YEAR * rate_max).quantize(Decimal("0.01"))


class CandidateSource(models.TextChoices):
    WEBSITE = "website", _("Careers website")
    REFERRAL = "referral", _("Employee referral")
    JOB_BOARD = "job_board", _("Job board")
    AGENCY = "agency", _("Agency")
    SCHOOL = "school", _("Nursing or therapy school")
    INTERNAL = "internal", _("Internal applicant")
    OTHER = "other", _("Other")


class Candidate(TimeStampedModel):
    """A person who applies. Minimum personal data; visible to recruiting staff only."""

    site = models.ForeignKey("org.Site", on_delete=models.PROTECT, related_name="candidates", verbose_name=_("site"))
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=12, choices=CandidateSource.choices)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    scope_site_path = "site"
    # A coordinator (unit grant) sees the candidates who applied to a requisition of the unit.
    scope_unit_path = "applications__requisition__unit"
    scope_through_many = True

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Stage(models.TextChoices):
    APPLIED = "applied", _("Applied")
    SCREENED = "screened", _("Screened")
    INTERVIEWED = "interviewed", _("Interviewed")
    OFFERED = "offered", _("Offered")
    HIRED = "hired", _("Hired")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STAGES = (Stage.APPLIED, Stage.SCREENED, Stage.INTERVIEWED, Stage.OFFERED)
CLOSED_STAGES = (Stage.HIRED, Stage.DECLINED, Stage.WITHDRAWN)


class Application(TimeStampedModel):
    """A candidate applying to one requisition, moving through the stages."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, related_name="applications", verbose_name=_("candidate")
    )
    requisition = models.ForeignKey(
        Requisition, on_delete=models.PROTECT, related_name="applications", verbose_name=_("requisition")
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.APPLIED)
    applied_at = models.DateTimeField(_("applied"))
    stage_changed_at = models.DateTimeField(_("in this stage since"))
    closed_reason = models.TextField(_("reason"), blank=True)
    hired_at = models.DateTimeField(_("hired"), null=True, blank=True)
    hired_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    staff = models.ForeignKey(
        "workforce.StaffMember", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    scope_site_path = "requisition__site"
    scope_unit_path = "requisition__unit"

    class Meta:
        ordering = ["requisition", "-stage_changed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "requisition"],
                name="recruiting_one_application_per_requisition",
                violation_error_code="field:candidate_id",
                violation_error_message=_("This candidate already applied to this requisition."),
            )
        ]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return f"{self.candidate} → {self.requisition}"

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES


class StageChange(models.Model):
    """The history of an application's stages (appended, never edited)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="stage_changes")
    from_stage = models.CharField(_("from"), max_length=12, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=12, choices=Stage.choices)
    at = models.DateTimeField(_("when"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    scope_site_path = "application__requisition__site"
    scope_unit_path = "application__requisition__unit"

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self) -> str:
        return f"{self.from_stage or '—'} → {self.to_stage}"


class InterviewKind(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video call")
    PHONE = "phone", _("Phone")


class Interview(TimeStampedModel):
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="interviews", verbose_name=_("application")
    )
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=45)
    kind = models.CharField(_("kind"), max_length=10, choices=InterviewKind.choices, default=InterviewKind.IN_PERSON)
    location = models.CharField(_("place or link"), max_length=200, blank=True)
    interviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="recruiting_interviews", verbose_name=_("interviewers")
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    scope_site_path = "application__requisition__site"
    scope_unit_path = "application__requisition__unit"

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")

    def __str__(self) -> str:
        return f"{self.application.candidate} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class Recommendation(models.TextChoices):
    STRONG_YES = "strong_yes", _("Strongly recommend hiring")
    YES = "yes", _("Recommend hiring")
    NO = "no", _("Do not recommend")
    STRONG_NO = "strong_no", _("Strongly against")


class InterviewFeedback(models.Model):
    """One interviewer's feedback on one interview: scores per criterion, a recommendation."""

    interview = models.ForeignKey(Interview, on_delete=models.PROTECT, related_name="feedback")
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recommendation = models.CharField(_("recommendation"), max_length=12, choices=Recommendation.choices)
    comments = models.TextField(_("comments"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"))

    scope_site_path = "interview__application__requisition__site"
    scope_unit_path = "interview__application__requisition__unit"

    class Meta:
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "interviewer"],
                name="recruiting_one_feedback_per_interviewer",
                violation_error_code="field:interviewer",
                violation_error_message=_("This interviewer already gave feedback on this interview."),
            )
        ]
        verbose_name = _("interview feedback")
        verbose_name_plural = _("interview feedback")

    def __str__(self) -> str:
        return f"{self.interviewer}: {self.get_recommendation_display()}"

    @property
    def average(self) -> Decimal | None:
        scores = [s.score for s in self.scores.all()]
        return (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.1")) if scores else None


class FeedbackScore(models.Model):
    feedback = models.ForeignKey(InterviewFeedback, on_delete=models.PROTECT, related_name="scores")
    criterion = models.CharField(_("criterion"), max_length=80)
    score = models.PositiveSmallIntegerField(_("score (1-5)"))
    comment = models.TextField(_("comment"), blank=True)

    scope_site_path = "feedback__interview__application__requisition__site"
    scope_unit_path = "feedback__interview__application__requisition__unit"

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5),
                name="recruiting_score_1_to_5",
                violation_error_code="field:score",
                violation_error_message=_("Scores go from 1 to 5."),
            )
        ]
        verbose_name = _("score")
        verbose_name_plural = _("scores")

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class OfferStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("status", "Open")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    RESCINDED = "rescinded", _("Rescinded")


class Offer(TimeStampedModel):
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="offers", verbose_name=_("application")
    )
    hourly_rate = models.DecimalField(_("hourly rate"), max_digits=8, decimal_places=2)
    fte = models.DecimalField(_("FTE"), max_digits=3, decimal_places=2)
    start_date = models.DateField(_("start date"))
    expires_on = models.DateField(_("expires"), help_text=_("The last day the candidate may accept (site time)."))
    status = models.CharField(_("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    made_at = models.DateTimeField(_("made"))
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    response_note = models.TextField(_("note"), blank=True)

    scope_site_path = "application__requisition__site"
    scope_unit_path = "application__requisition__unit"

    class Meta:
        ordering = ["-made_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fte__gt=0) & Q(fte__lte=Decimal("1.5")),
                name="recruiting_offer_fte_range",
                violation_error_code="field:fte",
                violation_error_message=_("FTE must be above 0 and at most 1.5."),
            ),
        ]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def __str__(self) -> str:
        return f"{self.application.candidate}: {self.hourly_rate}/h from {self.start_date}"

    def expires_at(self, zone: str) -> datetime:
        """The first moment the offer can no longer be accepted: midnight after its last day, site time."""
        return datetime.combine(self.expires_on + timedelta(days=1), time(0), tzinfo=ZoneInfo(zone))

    def state(self, now: datetime, zone: str) -> str:
        """open, expired, accepted, declined or rescinded: a pure function of `now`."""
        if self.status == OfferStatus.OPEN and now >= self.expires_at(zone):
            return "expired"
        return str(self.status)


def local_today(now: datetime, zone: str) -> date:
    return now.astimezone(ZoneInfo(zone)).date()

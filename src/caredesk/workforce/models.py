"""Staff records, the work rules that apply to them, their employment history
and their credentials.

Rules that decide whether someone may work (credential requirements) and the
limits of a contract (work-rule packs) are data with a citation, never numbers
in code.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from caredesk.core.models import TimeStampedModel
from caredesk.core.roles import Discipline
from caredesk.org.models import UnitKind


class OvertimeBasis(models.TextChoices):
    FLSA_WEEKLY_40 = "flsa_40", _("FLSA: over 40 hours in the 7-day workweek")
    HOSPITAL_8_80 = "hospital_8_80", _("Hospital 8/80: over 8 a day or 80 in 14 days")
    CALIFORNIA_DAILY = "ca_daily", _("California: over 8 a day (double over 12) and 40 a week")
    FR_PUBLIC_HOSPITAL = "fr_fph", _("French public hospital: beyond the planned cycle")
    NONE = "none", _("No overtime premium")


class WorkRules(TimeStampedModel):
    """A named pack of contract limits (RULES.md §7): what the roster must respect."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=80, blank=True)
    source = models.TextField(_("source"), help_text=_("The regulation or contract clause this pack follows."))
    max_minutes_per_day = models.PositiveIntegerField(_("maximum minutes a day"), null=True, blank=True)
    max_minutes_per_week = models.PositiveIntegerField(_("maximum minutes in any 7 days"), null=True, blank=True)
    min_rest_minutes = models.PositiveIntegerField(_("minimum rest between shifts (minutes)"), default=600)
    max_consecutive_days = models.PositiveSmallIntegerField(
        _("maximum consecutive working days"), null=True, blank=True
    )
    min_consecutive_days_off = models.PositiveSmallIntegerField(_("minimum consecutive days off"), default=1)
    max_weekends_per_4_weeks = models.PositiveSmallIntegerField(
        _("maximum weekends worked in 4 weeks"), null=True, blank=True
    )
    weekly_rest_minutes = models.PositiveIntegerField(_("weekly uninterrupted rest (minutes)"), null=True, blank=True)
    overtime_basis = models.CharField(
        _("overtime"), max_length=20, choices=OvertimeBasis.choices, default=OvertimeBasis.FLSA_WEEKLY_40
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Empty: a shared pack (a law, a national agreement), managed by system
    # administrators; otherwise the site's own pack (its union contract).
    site = models.ForeignKey(
        "org.Site", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("site")
    )

    # Shared packs are readable by everyone who can see staff; a site's own
    # pack by those who can see that site's staff (workforce.queries.work_rules).
    scope_site_path = None

    class Meta:
        ordering = ["name"]
        verbose_name = _("work-rule pack")
        verbose_name_plural = _("work-rule packs")

    def __str__(self) -> str:
        return self.name


class StaffStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ON_LEAVE = "on_leave", _("On leave")
    TERMINATED = "terminated", _("Terminated")


class StaffMember(TimeStampedModel):
    """One employee's record. The log-in is `user`; one person, one record per site."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff", verbose_name=_("log-in")
    )
    site = models.ForeignKey("org.Site", on_delete=models.PROTECT, related_name="staff", verbose_name=_("site"))
    home_unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        related_name="home_staff",
        null=True,
        blank=True,
        verbose_name=_("home unit"),
    )
    other_units = models.ManyToManyField(
        "org.Unit", related_name="floating_staff", blank=True, verbose_name=_("other units they may work")
    )
    employee_number = models.CharField(_("employee number"), max_length=30)
    discipline = models.CharField(_("discipline"), max_length=8, choices=Discipline.choices)
    job_title = models.CharField(_("job title"), max_length=120)
    fte = models.DecimalField(_("FTE"), max_digits=3, decimal_places=2, help_text=_("1.00 is full time."))
    contracted_minutes_per_week = models.PositiveIntegerField(_("contracted minutes a week"))
    work_rules = models.ForeignKey(
        WorkRules, on_delete=models.PROTECT, related_name="staff", verbose_name=_("work rules")
    )
    # Pay: visible to HR and finance only (see permissions and schemas).
    hourly_rate = models.DecimalField(_("hourly rate"), max_digits=8, decimal_places=2)
    night_differential = models.DecimalField(
        _("night differential per hour"), max_digits=6, decimal_places=2, default=0
    )
    weekend_differential = models.DecimalField(
        _("weekend differential per hour"), max_digits=6, decimal_places=2, default=0
    )
    status = models.CharField(_("status"), max_length=12, choices=StaffStatus.choices, default=StaffStatus.ACTIVE)
    hire_date = models.DateField(_("hire date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    scope_site_path = "site"
    scope_unit_path = "home_unit"

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "employee_number"],
                name="workforce_staff_number_unique_per_site",
                violation_error_code="field:employee_number",
                violation_error_message=_("Another staff member of this site has this employee number."),
            ),
            models.CheckConstraint(condition=Q(fte__gt=0) & Q(fte__lte=1.5), name="workforce_staff_fte_range"),
        ]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self) -> str:
        return str(self.user)

    def may_work_on_unit(self, unit_id: int) -> bool:
        return unit_id == self.home_unit_id or self.other_units.filter(pk=unit_id).exists()


class EmploymentEventKind(models.TextChoices):
    HIRE = "hire", _("Hire")
    PROMOTION = "promotion", _("Promotion")
    TRANSFER = "transfer", _("Transfer")
    FTE_CHANGE = "fte_change", _("Change of FTE")
    RATE_CHANGE = "rate_change", _("Change of pay rate")
    LEAVE_START = "leave_start", _("Start of leave")
    LEAVE_END = "leave_end", _("Return from leave")
    TERMINATION = "termination", _("Termination")


class EmploymentEvent(models.Model):
    """A dated fact of someone's employment. History is appended, never edited."""

    staff = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="events", verbose_name=_("staff member")
    )
    kind = models.CharField(_("event"), max_length=16, choices=EmploymentEventKind.choices)
    effective_at = models.DateTimeField(_("effective"))
    changes = models.JSONField(_("changes"), default=dict, blank=True, help_text=_("Field -> [before, after]."))
    reason = models.TextField(_("reason"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    recorded_at = models.DateTimeField(_("recorded"))
    # Set when a termination's effect (log-in and tokens revoked) has been applied.
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)

    scope_site_path = "staff__site"
    scope_unit_path = "staff__home_unit"

    class Meta:
        ordering = ["-effective_at", "-pk"]
        verbose_name = _("employment event")
        verbose_name_plural = _("employment events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_at:%Y-%m-%d}"


class CredentialKind(models.TextChoices):
    LICENCE = "licence", _("Licence")
    CERTIFICATION = "certification", _("Certification")
    COMPETENCY = "competency", _("Competency")


class CredentialType(TimeStampedModel):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=CredentialKind.choices)
    validity_months = models.PositiveSmallIntegerField(_("usual validity (months)"), null=True, blank=True)
    requires_number = models.BooleanField(_("has a number"), default=False)

    scope_site_path = None

    class Meta:
        ordering = ["name"]
        verbose_name = _("credential type")
        verbose_name_plural = _("credential types")

    def __str__(self) -> str:
        return self.name


class Credential(TimeStampedModel):
    """A licence, certification or competency held by a staff member."""

    staff = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="credentials", verbose_name=_("staff member")
    )
    type = models.ForeignKey(
        CredentialType, on_delete=models.PROTECT, related_name="credentials", verbose_name=_("credential")
    )
    number = models.CharField(_("number"), max_length=60, blank=True)
    issuer = models.CharField(_("issuer"), max_length=120, blank=True)
    issued_on = models.DateField(_("issued"))
    expires_on = models.DateField(_("expires"), null=True, blank=True, help_text=_("Empty if it does not expire."))
    document = models.FileField(_("document"), upload_to="credentials/%Y/", blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # Time-driven state: the next expiry warning is due at this moment (UTC);
    # the periodic task claims it with a compare-and-set and raises it once.
    next_warning_at = models.DateTimeField(null=True, blank=True, db_index=True)

    scope_site_path = "staff__site"
    scope_unit_path = "staff__home_unit"

    class Meta:
        ordering = ["expires_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("issued_on")),
                name="workforce_credential_expires_after_issue",
                violation_error_code="field:expires_on",
                violation_error_message=_("The expiry date is before the issue date."),
            ),
        ]
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")

    def __str__(self) -> str:
        return f"{self.type} ({self.staff})"


class CredentialRequirement(TimeStampedModel):
    """Data: which work needs which credential.

    A requirement applies when every filled criterion matches: a discipline, a
    unit type, a task (e.g. "chemotherapy"), a site. Empty criteria match all.
    """

    credential_type = models.ForeignKey(
        CredentialType, on_delete=models.PROTECT, related_name="requirements", verbose_name=_("credential")
    )
    discipline = models.CharField(_("discipline"), max_length=8, choices=Discipline.choices, blank=True)
    unit_kind = models.CharField(_("unit type"), max_length=24, choices=UnitKind.choices, blank=True)
    task = models.SlugField(
        _("task"), max_length=40, blank=True, help_text=_("e.g. chemotherapy, iv-therapy; empty for any work.")
    )
    site = models.ForeignKey(
        "org.Site", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("site")
    )
    source = models.CharField(
        _("source"), max_length=300, help_text=_("Why: the regulation, policy or accreditation standard.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    scope_site_path = None

    class Meta:
        ordering = ["credential_type__name"]
        verbose_name = _("credential requirement")
        verbose_name_plural = _("credential requirements")

    def __str__(self) -> str:
        parts = [
            self.get_discipline_display() if self.discipline else "",
            self.get_unit_kind_display() if self.unit_kind else "",
            self.task,
        ]
        return f"{self.credential_type} for {' / '.join(p for p in parts if p) or 'all work'}"

"""Medication orders, the doses they schedule, their timing windows and administrations.

Timing follows RULES.md §1 (CMS SOM Appendix A tag A-0405, S&C 12-05-Hospital,
Transmittal 77; ISMP "Acute Care Guidelines for Timely Administration of
Scheduled Medications", 2011): ±30 min for time-critical medications, ±1 h for
medications prescribed more often than daily, ±2 h for daily or less often.
A site can only make these windows stricter (`TimingPolicy`).

Nothing clinical is edited in place or deleted: an order is changed (a new
version, its future doses regenerated) or stopped; an administration recorded
by mistake is corrected by a new *entered-in-error* event that points at it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from caredesk.core.models import TimeStampedModel

# RULES.md §1 [V]/[K]: the regulatory (ISMP 2011 / CMS A-0405) windows, in minutes either side.
TIME_CRITICAL_WINDOW = 30
MORE_THAN_DAILY_WINDOW = 60
DAILY_OR_LESS_WINDOW = 120
DEFAULT_DUE_SOON_MINUTES = 60
POLICY_CITATION = (
    "CMS SOM Appendix A tag A-0405 (S&C 12-05-Hospital, Transmittal 77, Dec 2011); "
    "ISMP Acute Care Guidelines for Timely Administration of Scheduled Medications (2011)"
)


class TimingPolicy(TimeStampedModel):
    """A site's medication timing windows. A site without a row uses the defaults;
    the database refuses any window looser than the regulatory default
    ("the site can only make them stricter")."""

    site = models.OneToOneField(
        "org.Site", on_delete=models.PROTECT, related_name="medication_policy", verbose_name=_("site")
    )
    time_critical_minutes = models.PositiveSmallIntegerField(
        _("window for time-critical medications (± minutes)"), default=TIME_CRITICAL_WINDOW
    )
    more_than_daily_minutes = models.PositiveSmallIntegerField(
        _("window for medications given more often than daily (± minutes)"), default=MORE_THAN_DAILY_WINDOW
    )
    daily_or_less_minutes = models.PositiveSmallIntegerField(
        _("window for daily, weekly or monthly medications (± minutes)"), default=DAILY_OR_LESS_WINDOW
    )
    due_soon_minutes = models.PositiveSmallIntegerField(
        _("show as due soon (minutes before the window opens)"), default=DEFAULT_DUE_SOON_MINUTES
    )
    citation = models.CharField(_("source"), max_length=300, default=POLICY_CITATION)

    scope_site_path = "site"
    scope_unit_path = "site__units"
    scope_through_many = True

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(time_critical_minutes__gte=1) & Q(time_critical_minutes__lte=TIME_CRITICAL_WINDOW),
                name="meds_policy_time_critical_stricter",
                violation_error_code="field:time_critical_minutes",
                violation_error_message=_("A site can only make this window stricter: between 1 and 30 minutes."),
            ),
            models.CheckConstraint(
                condition=Q(more_than_daily_minutes__gte=1) & Q(more_than_daily_minutes__lte=MORE_THAN_DAILY_WINDOW),
                name="meds_policy_more_than_daily_stricter",
                violation_error_code="field:more_than_daily_minutes",
                violation_error_message=_("A site can only make this window stricter: between 1 and 60 minutes."),
            ),
            models.CheckConstraint(
                condition=Q(daily_or_less_minutes__gte=1) & Q(daily_or_less_minutes__lte=DAILY_OR_LESS_WINDOW),
                name="meds_policy_daily_stricter",
                violation_error_code="field:daily_or_less_minutes",
                violation_error_message=_("A site can only make this window stricter: between 1 and 120 minutes."),
            ),
            models.CheckConstraint(
                condition=Q(due_soon_minutes__lte=24 * 60),
                name="meds_policy_due_soon_range",
                violation_error_code="field:due_soon_minutes",
                violation_error_message=_("Due soon is at most 24 hours ahead."),
            ),
        ]
        verbose_name = _("medication timing policy")
        verbose_name_plural = _("medication timing policies")

    def __str__(self) -> str:
        return (
            f"{self.site_id}: ±{self.time_critical_minutes}/{self.more_than_daily_minutes}/{self.daily_or_less_minutes}"
        )


class TimeCriticalDrug(TimeStampedModel):
    """One entry of a site's list of time-critical medications (ISMP 2011 asks each
    hospital to define its own). `name` matches an order's drug when it appears in
    it, case-insensitively ("insulin" matches "Insulin lispro")."""

    site = models.ForeignKey(
        "org.Site", on_delete=models.PROTECT, related_name="time_critical_drugs", verbose_name=_("site")
    )
    name = models.CharField(_("drug or class"), max_length=120)
    code = models.CharField(_("code"), max_length=40, blank=True, help_text=_("e.g. an RxNorm or ATC code."))
    reason = models.CharField(_("why it is time-critical"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    scope_site_path = "site"
    scope_unit_path = "site__units"
    scope_through_many = True

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "name"],
                name="meds_time_critical_once_per_site",
                violation_error_code="field:name",
                violation_error_message=_("This drug is already on the site's list."),
            )
        ]
        verbose_name = _("time-critical medication")
        verbose_name_plural = _("time-critical medications")

    def __str__(self) -> str:
        return self.name


class Route(models.TextChoices):
    """Routes of administration (SNOMED CT concepts used by FHIR dosage.route)."""

    PO = "po", _("By mouth (PO)")
    SL = "sl", _("Sublingual (SL)")
    IV = "iv", _("Intravenous (IV)")
    IM = "im", _("Intramuscular (IM)")
    SC = "sc", _("Subcutaneous (SC)")
    PR = "pr", _("Rectal (PR)")
    INH = "inh", _("Inhaled")
    TOP = "top", _("Topical")
    TD = "td", _("Transdermal")
    NG = "ng", _("Nasogastric tube (NG)")
    OPH = "oph", _("Eye drops")


class Frequency(models.TextChoices):
    ONCE = "once", _("Once / STAT")
    DAILY = "daily", _("Once daily")
    BID = "bid", _("Twice daily (BID)")
    TID = "tid", _("Three times daily (TID)")
    QID = "qid", _("Four times daily (QID)")
    Q2H = "q2h", _("Every 2 hours")
    Q3H = "q3h", _("Every 3 hours")
    Q4H = "q4h", _("Every 4 hours")
    Q6H = "q6h", _("Every 6 hours")
    Q8H = "q8h", _("Every 8 hours")
    Q12H = "q12h", _("Every 12 hours")
    WEEKLY = "weekly", _("Once weekly")
    PRN = "prn", _("As needed (PRN)")


class OrderStatus(models.TextChoices):
    """FHIR R4 MedicationRequest.status (the subset CareDesk uses)."""

    ACTIVE = "active", _("Active")
    STOPPED = "stopped", _("Stopped")
    ENTERED_IN_ERROR = "entered_in_error", _("Entered in error")


class MedicationOrder(TimeStampedModel):
    """A medication order of a stay (FHIR MedicationRequest), usually transcribed
    from the hospital's prescribing system. `times_of_day` are local wall-clock
    times in the site's zone ("08:00"); a change bumps `version` and regenerates
    the doses that are still to come."""

    stay = models.ForeignKey(
        "census.Stay", on_delete=models.PROTECT, related_name="medication_orders", verbose_name=_("stay")
    )
    drug = models.CharField(_("drug"), max_length=160)
    drug_code = models.CharField(_("drug code"), max_length=40, blank=True)
    dose = models.DecimalField(_("dose"), max_digits=10, decimal_places=3)
    dose_unit = models.CharField(_("unit"), max_length=20)
    route = models.CharField(_("route"), max_length=4, choices=Route.choices)
    frequency = models.CharField(_("frequency"), max_length=8, choices=Frequency.choices)
    times_of_day = models.JSONField(_("times of day (local)"), default=list, blank=True)
    prn_min_interval_minutes = models.PositiveIntegerField(_("PRN minimum interval (minutes)"), null=True, blank=True)
    indication = models.CharField(_("indication"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    time_critical = models.BooleanField(_("time-critical"), default=False)
    prescriber = models.CharField(_("prescriber"), max_length=120)
    status = models.CharField(_("status"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.ACTIVE)
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    stop_reason = models.CharField(_("reason for stopping"), max_length=300, blank=True)
    # Doses are generated up to this instant; the periodic task moves it forward.
    generated_until = models.DateTimeField(_("doses generated until"), null=True, blank=True)

    scope_site_path = "stay__unit__site"
    scope_unit_path = "stay__unit"
    contains_patient_information = True

    class Meta:
        ordering = ["stay", "drug", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dose__gt=0),
                name="meds_order_dose_positive",
                violation_error_code="field:dose",
                violation_error_message=_("The dose must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="meds_order_ends_after_start",
                violation_error_code="field:ends_at",
                violation_error_message=_("The order must end after it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(frequency="prn") | Q(prn_min_interval_minutes__gte=1),
                name="meds_order_prn_has_interval",
                violation_error_code="field:prn_min_interval_minutes",
                violation_error_message=_("An as-needed order needs a minimum interval between doses."),
            ),
        ]
        indexes = [models.Index(fields=["status", "generated_until"], name="meds_order_horizon_idx")]
        verbose_name = _("medication order")
        verbose_name_plural = _("medication orders")

    def __str__(self) -> str:
        return f"{self.drug} {self.dose.normalize():f} {self.dose_unit} {self.get_route_display()} {self.frequency}"

    @property
    def is_prn(self) -> bool:
        return self.frequency == Frequency.PRN


class Outcome(models.TextChoices):
    """What happened to a dose, cached on it by the services in the same
    transaction as the administration (the administration is the record)."""

    OPEN = "", _("Not documented")
    ON_TIME = "given_on_time", _("Given on time")
    EARLY = "given_early", _("Given early")
    LATE = "given_late", _("Given late")
    HELD = "held", _("Held")
    REFUSED = "refused", _("Refused")


class ScheduledDose(TimeStampedModel):
    """One scheduled dose of an order. `window_minutes` is frozen when the dose is
    generated, so a later policy change does not rewrite history. `next_dose_at`
    is the next dose of the same order (an open dose is *missed* from then on).
    `next_check_at` is when the alert sweep must next look at this dose; the
    sweep claims it with a compare-and-set update so an alert is raised once."""

    order = models.ForeignKey(MedicationOrder, on_delete=models.PROTECT, related_name="doses", verbose_name=_("order"))
    # The order's stay, copied for the board's index (an order never changes stay).
    stay = models.ForeignKey("census.Stay", on_delete=models.PROTECT, related_name="+", verbose_name=_("stay"))
    scheduled_at = models.DateTimeField(_("scheduled"))
    window_minutes = models.PositiveSmallIntegerField(_("window (± minutes)"))
    window_closes_at = models.DateTimeField(_("window closes"))
    next_dose_at = models.DateTimeField(_("next dose"), null=True, blank=True)
    order_version = models.PositiveIntegerField(_("order version"), default=1)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True, default="")
    # How many administrations of this dose were marked entered-in-error: the
    # slot the next recording takes (see Administration).
    corrections = models.PositiveSmallIntegerField(_("corrections"), default=0)
    next_check_at = models.DateTimeField(_("next check"), null=True, blank=True)
    late_alerted_at = models.DateTimeField(_("late alert raised"), null=True, blank=True)
    missed_alerted_at = models.DateTimeField(_("missed alert raised"), null=True, blank=True)

    scope_site_path = "stay__unit__site"
    scope_unit_path = "stay__unit"
    contains_patient_information = True

    class Meta:
        ordering = ["scheduled_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "scheduled_at"],
                condition=Q(is_cancelled=False),
                name="meds_dose_once_per_order_time",
                violation_error_code="field:scheduled_at",
                violation_error_message=_("This order already has a dose at that time."),
            ),
        ]
        indexes = [
            models.Index(fields=["stay", "scheduled_at"], name="meds_dose_stay_time_idx"),
            # The late/missed and wrong-time doses, hospital-wide, by time: a range
            # on scheduled_at, filtered on the outcome inside the index. (Not a
            # partial index: SQLite cannot match one against bound parameters.)
            models.Index(fields=["scheduled_at", "outcome", "is_cancelled"], name="meds_dose_time_outcome_idx"),
            models.Index(
                fields=["next_check_at"], condition=Q(next_check_at__isnull=False), name="meds_dose_check_idx"
            ),
        ]
        verbose_name = _("scheduled dose")
        verbose_name_plural = _("scheduled doses")

    def __str__(self) -> str:
        return f"{self.order.drug} @ {self.scheduled_at:%Y-%m-%d %H:%M} UTC"


class AdministrationStatus(models.TextChoices):
    """FHIR R4 MedicationAdministration.status (the values CareDesk records)."""

    COMPLETED = "completed", _("Given")
    NOT_DONE = "not_done", _("Not given")
    ENTERED_IN_ERROR = "entered_in_error", _("Entered in error")


class NotDoneReason(models.TextChoices):
    """MedicationAdministration.statusReason when not given: a documented reason
    makes it not an error (RULES.md §1)."""

    HELD = "held", _("Held (per order or assessment)")
    REFUSED = "refused", _("Refused by the patient")
    NPO = "npo", _("Held: nil by mouth (NPO)")
    OFF_UNIT = "off_unit", _("Held: patient off the unit")
    UNAVAILABLE = "unavailable", _("Held: medication unavailable")


class Administration(models.Model):
    """One administration event (FHIR MedicationAdministration). Never edited.

    A dose has at most one *effective* administration. The database enforces it:
    each recording of a dose takes the slot `dose.corrections` (the number of
    corrections made so far), and (dose, slot) is unique among rows that are not
    entered-in-error events, so twenty simultaneous recordings of the same dose
    leave exactly one. A correction is a new row with status entered-in-error
    whose `corrects` points at the mistaken one (one correction per row, a
    one-to-one link); it bumps `dose.corrections`, which frees the next slot for
    the right recording. The mistaken row itself is never changed: whether it
    still counts is read from the existence of its correction.
    """

    order = models.ForeignKey(
        MedicationOrder, on_delete=models.PROTECT, related_name="administrations", verbose_name=_("order")
    )
    dose = models.ForeignKey(
        ScheduledDose,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="administrations",
        verbose_name=_("scheduled dose"),
        help_text=_("Empty for an as-needed (PRN) dose."),
    )
    stay = models.ForeignKey("census.Stay", on_delete=models.PROTECT, related_name="+", verbose_name=_("stay"))
    slot = models.PositiveSmallIntegerField(_("slot"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=AdministrationStatus.choices)
    not_done_reason = models.CharField(
        _("reason not given"), max_length=12, choices=NotDoneReason.choices, blank=True, default=""
    )
    reason = models.TextField(_("note / reason"), blank=True)
    given_at = models.DateTimeField(_("time given"))
    dose_given = models.DecimalField(_("dose given"), max_digits=10, decimal_places=3, null=True, blank=True)
    dose_unit = models.CharField(_("unit"), max_length=20, blank=True)
    route = models.CharField(_("route"), max_length=4, choices=Route.choices, blank=True)
    wristband_scanned = models.CharField(_("wristband scanned"), max_length=40, blank=True)
    performer = models.ForeignKey(
        "workforce.StaffMember",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("performed by"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=80, unique=True)
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
        verbose_name=_("corrects"),
    )

    scope_site_path = "stay__unit__site"
    scope_unit_path = "stay__unit"
    contains_patient_information = True

    class Meta:
        ordering = ["-given_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dose", "slot"],
                condition=Q(dose__isnull=False) & ~Q(status="entered_in_error"),
                name="meds_one_effective_administration_per_dose",
                violation_error_code="field:dose_id",
                violation_error_message=_("This dose was already recorded."),
            ),
            models.CheckConstraint(
                condition=~Q(status="entered_in_error") | Q(corrects__isnull=False),
                name="meds_entered_in_error_names_what_it_corrects",
                violation_error_code="field:corrects",
                violation_error_message=_("An entered-in-error event names the administration it corrects."),
            ),
            models.CheckConstraint(
                condition=~Q(status="not_done") | ~Q(not_done_reason=""),
                name="meds_not_done_has_reason",
                violation_error_code="field:not_done_reason",
                violation_error_message=_("A dose not given needs a reason (held or refused)."),
            ),
        ]
        indexes = [models.Index(fields=["order", "-given_at"], name="meds_admin_order_time_idx")]
        verbose_name = _("administration")
        verbose_name_plural = _("administrations")

    def __str__(self) -> str:
        return f"{self.status} {self.order_id} @ {self.given_at:%Y-%m-%d %H:%M} UTC"

"""Every write of escalation: raising an alert once, escalating it on time,
acknowledging and resolving it, incident drafts and the site policy.

`raise_alert` and `escalate_due` are system actions (no acting user: audited
as "system"); the rest are atomic, permission-checked and audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from caredesk.accounts.models import RoleGrant, User
from caredesk.assignment import queries as assignment_queries
from caredesk.core import audit, clock, errors, notifications, scoping, writes
from caredesk.core.roles import LEADERSHIP, Role
from caredesk.escalation import schemas
from caredesk.escalation.models import (
    NOT_REACHING,
    AlertKind,
    AlertLevel,
    AlertRecipient,
    AlertStatus,
    CareAlert,
    DraftStatus,
    EscalationPolicy,
    EventType,
    IncidentDraft,
    Severity,
)
from caredesk.org.models import Site, Unit

DOSE_SOURCE = "medications.scheduleddose"
OMISSION_MESSAGE = "an omission reaches the patient, so its category is C or more"


# --- policy --------------------------------------------------------------------------


def policy_for(site: Site | int) -> EscalationPolicy:
    """The site's policy, or the defaults (unsaved) when none was set."""
    site_id = site if isinstance(site, int) else site.pk
    found = EscalationPolicy.objects.filter(site_id=site_id).first()
    return found or EscalationPolicy(site_id=site_id)


def ensure_policy(site: Site) -> EscalationPolicy:
    found, _created = EscalationPolicy.objects.get_or_create(site=site)
    return found


def first_delay(policy: EscalationPolicy, severity: str) -> timedelta:
    """How long the assigned nurse has before the charge nurse is told."""
    minutes = policy.critical_delay_minutes if severity == Severity.HIGH else policy.standard_delay_minutes
    return timedelta(minutes=minutes)


# --- who is told (the assignment module answers; a fallback keeps this app working alone) ---


def nurse_user(stay: Any, at: datetime) -> User | None:
    """The user of the nurse assigned to the stay on the shift running at `at`."""
    staff = assignment_queries.nurse_for(stay, at)
    user = getattr(staff, "user", None) if staff is not None else None
    return user if user is not None and user.is_active else None


def charge_users(unit: Unit, at: datetime) -> list[User]:
    """The charge nurse(s) on shift, else the coordinators of the unit or its site."""
    return _unique_active(list(assignment_queries.charge_for(unit, at)))


def leadership_users(site_id: int) -> list[User]:
    return _holders(site_id, LEADERSHIP, unit_id=None)


def _holders(site_id: int, roles: tuple[Role, ...], *, unit_id: int | None) -> list[User]:
    grants = RoleGrant.objects.filter(site_id=site_id, role__in=roles, revoked_at__isnull=True, user__is_active=True)
    if unit_id is None:
        grants = grants.filter(unit__isnull=True)
    else:
        grants = grants.filter(Q(unit__isnull=True) | Q(unit_id=unit_id))
    return _unique_active(list(User.objects.filter(pk__in=grants.values("user_id")).order_by("pk")))


def _unique_active(users: list[Any]) -> list[User]:
    seen: dict[int, User] = {}
    for u in users:
        if u is not None and u.is_active and u.pk not in seen:
            seen[u.pk] = u
    return list(seen.values())


def _climb(alert: CareAlert, policy: EscalationPolicy, now: datetime) -> tuple[int, list[User], datetime | None]:
    """The next level that has someone to tell, its people, and when it escalates again.
    The same level and nobody when there is nowhere left to go."""
    level = alert.level + 1
    while level <= AlertLevel.LEADERSHIP:
        if level == AlertLevel.LEADERSHIP and policy.leadership_delay_minutes is None:
            break
        users = charge_users(alert.unit, now) if level == AlertLevel.CHARGE else leadership_users(alert.site_id)
        if users:
            following = None
            if level == AlertLevel.CHARGE and policy.leadership_delay_minutes is not None:
                following = now + timedelta(minutes=policy.leadership_delay_minutes)
            return level, users, following
        level += 1
    return alert.level, [], None


def _tell(alert: CareAlert, users: list[User], level: int, policy: EscalationPolicy, now: datetime) -> None:
    """Record the recipients and queue their notification (the e-mail leaves on commit).
    The message names the unit and bed, not the patient: the details are behind the log-in."""
    where = alert.unit.name
    bed = alert.stay.bed
    if bed is not None:
        where = f"{where}, {bed}"
    title = (
        _("%(kind)s: %(where)s")
        if level == AlertLevel.NURSE
        else _("Escalated (no acknowledgement): %(kind)s: %(where)s")
    ) % {"kind": alert.get_kind_display(), "where": where}
    body = _("Due %(due)s. Open the alert in CareDesk to see the patient and acknowledge it.") % {
        "due": clock.to_zone(alert.due_at, alert.site.time_zone).strftime("%Y-%m-%d %H:%M")
    }
    link = reverse("escalation:alert_detail", args=[alert.pk])
    for user in users:
        _recipient, created = AlertRecipient.objects.get_or_create(
            alert=alert, user=user, level=level, defaults={"notified_at": now}
        )
        if created:
            notifications.notify(
                user,
                kind=f"escalation.{alert.kind}",
                title=title,
                body=body,
                link=link,
                site_id=alert.site_id,
                dedupe_key=f"escalation:{alert.pk}:{level}",
                now=now,
                email=policy.send_email,
            )


# --- raising and escalating (system actions) -----------------------------------------


def source_key(source: models.Model) -> tuple[str, int]:
    return source._meta.label_lower, int(source.pk)


def raise_alert(
    *,
    kind: str,
    stay: Any,
    source: models.Model,
    due_at: datetime,
    title: str,
    detail: str,
    severity: str = "high",
    now: datetime,
) -> CareAlert | None:
    """Raise the alert once per (kind, source) and tell the nurse assigned to the
    patient now (no nurse assigned: the charge nurse or coordinator at once).
    Returns None when it was already raised, by this or another worker."""
    if kind not in AlertKind.values:
        raise ValueError(f"unknown alert kind {kind!r}")
    if severity not in Severity.values:
        raise ValueError(f"unknown severity {severity!r}")
    source_type, source_id = source_key(source)
    if CareAlert.objects.filter(kind=kind, source_type=source_type, source_id=source_id).exists():
        return None
    unit = Unit.objects.select_related("site").get(pk=stay.unit_id)
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: losing the race leaves the caller's transaction usable
                alert = CareAlert.objects.create(
                    site_id=unit.site_id,
                    unit=unit,
                    stay=stay,
                    kind=kind,
                    source_type=source_type,
                    source_id=source_id,
                    title=title[:200],
                    detail=detail,
                    severity=severity,
                    due_at=due_at,
                    raised_at=now,
                    level=AlertLevel.NURSE,
                )
        except IntegrityError:
            return None
        policy = policy_for(unit.site_id)
        nurse = nurse_user(stay, now)
        if nurse is not None:
            alert.escalate_at = now + first_delay(policy, severity)
            _tell(alert, [nurse], AlertLevel.NURSE, policy, now)
        else:
            level, users, following = _climb(alert, policy, now)
            alert.level, alert.escalate_at = level, following
            _tell(alert, users, level, policy, now)
        alert.save(update_fields=["level", "escalate_at"])
        audit.record(actor=None, action="escalation.raise_alert", obj=alert, after=audit.snapshot(alert), at=now)
    return alert


def escalate_due(now: datetime | None = None, *, limit: int = 500) -> int:
    """Move every open alert whose `escalate_at` has come one level up. Each move
    is a compare-and-set on (level, escalate_at): however many workers sweep at
    the same moment, an alert is escalated (and its people told) once."""
    moment = now or clock.now()
    due = list(
        CareAlert.objects.filter(status=AlertStatus.OPEN, escalate_at__lte=moment)
        .order_by("escalate_at", "pk")
        .values_list("pk", "level", "escalate_at")[:limit]
    )
    moved = 0
    for pk, level, at in due:
        with transaction.atomic():
            alert = CareAlert.objects.select_related("site", "unit", "stay__bed__room").get(pk=pk)
            policy = policy_for(alert.site_id)
            new_level, users, following = _climb(alert, policy, moment)
            claimed = CareAlert.objects.filter(pk=pk, level=level, escalate_at=at, status=AlertStatus.OPEN).update(
                level=new_level, escalate_at=following, version=F("version") + 1, updated_at=moment
            )
            if not claimed or new_level == level:
                continue
            alert.level, alert.escalate_at = new_level, following
            _tell(alert, users, new_level, policy, moment)
            audit.record(
                actor=None,
                action="escalation.escalate_alert",
                obj=alert,
                before={"level": level},
                after={"level": new_level, "recipients": [u.pk for u in users]},
                at=moment,
            )
            moved += 1
    return moved


# --- acknowledging and resolving -------------------------------------------------------


def _alert_to_act_on(actor: Any, alert_id: int) -> CareAlert:
    """The alert, locked; visible to its recipients and to those who see the unit;
    acted on by its recipients and by those who manage the unit."""
    if not getattr(actor, "is_authenticated", False):
        raise errors.NotAuthenticated()
    alert = CareAlert.objects.select_for_update().filter(pk=alert_id).first()
    if alert is None:
        raise errors.NotFound()
    recipient = AlertRecipient.objects.filter(alert=alert, user_id=actor.pk).exists()
    if not recipient and not scoping.has(actor, "escalation.view", site_id=alert.site_id, unit_id=alert.unit_id):
        raise errors.NotFound()
    if not recipient and not scoping.has(actor, "escalation.manage", site_id=alert.site_id, unit_id=alert.unit_id):
        raise errors.PermissionDenied(
            _("Only the people this alert was sent to, or a manager of the unit, can act on it.")
        )
    return alert


def may_act(user: Any, alert: CareAlert) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if scoping.has(user, "escalation.manage", site_id=alert.site_id, unit_id=alert.unit_id):
        return True
    return any(r.user_id == user.pk for r in alert.recipients.all())  # prefetched on the lists


def _required_note(note: str | None, message: str) -> str:
    text = (note or "").strip()
    if not text:
        raise errors.ValidationFailed.field("note", message)
    return text


@transaction.atomic
def acknowledge(actor: Any, alert_id: int, note: str | None, *, now: datetime | None = None) -> CareAlert:
    """Say the alert was seen and what was done; it stops escalating. Once."""
    moment = now or clock.now()
    alert = _alert_to_act_on(actor, alert_id)
    if alert.status != AlertStatus.OPEN:
        raise errors.ValidationFailed.field(
            "status",
            _("this alert was already %(status)s") % {"status": alert.get_status_display().lower()},
        )
    text = _required_note(note, _("write what you did about this alert (e.g. dose given at 10:40, prescriber told)"))
    return writes.save_changes(
        alert,
        {
            "status": AlertStatus.ACKNOWLEDGED,
            "acknowledged_at": moment,
            "acknowledged_by": actor,
            "acknowledgement_note": text,
            "escalate_at": None,
        },
        actor=actor,
        action="escalation.acknowledge_alert",
        expected_version=None,
    )


@transaction.atomic
def resolve(actor: Any, alert_id: int, note: str | None, *, now: datetime | None = None) -> CareAlert:
    """Close the alert with how it was resolved (acknowledging it too if it was still open)."""
    moment = now or clock.now()
    alert = _alert_to_act_on(actor, alert_id)
    if alert.status == AlertStatus.RESOLVED:
        raise errors.ValidationFailed.field("status", _("this alert is already resolved"))
    text = _required_note(note, _("write how this alert was resolved"))
    changes: dict[str, Any] = {
        "status": AlertStatus.RESOLVED,
        "resolved_at": moment,
        "resolved_by": actor,
        "resolution_note": text,
        "escalate_at": None,
    }
    if alert.acknowledged_at is None:
        changes.update(acknowledged_at=moment, acknowledged_by=actor, acknowledgement_note=text)
    return writes.save_changes(alert, changes, actor=actor, action="escalation.resolve_alert", expected_version=None)


# --- incident drafts -------------------------------------------------------------------


@dataclass(frozen=True)
class DoseFacts:
    """What an incident report needs to say about a scheduled dose."""

    dose_id: int
    stay: Any
    drug: str
    dose: str
    route: str
    scheduled_at: datetime
    window: str
    status: str

    @property
    def is_omission(self) -> bool:
        return self.status == "missed"


def _dose_model() -> Any:
    from caredesk.medications.models import ScheduledDose  # medications raises alerts here: import late

    return ScheduledDose


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(getattr(value, "value", value))


def _dose_status(dose: Any, now: datetime) -> str:
    """The dose's status at `now`, as medications computes it (administrations and window)."""
    from caredesk.medications import queries as med_queries  # medications raises alerts here: import late

    return _text(med_queries.doses_with_status([dose], now)[0].status)


def _window_text(dose: Any, order: Any) -> str:
    for holder in (dose, order):
        minutes = getattr(holder, "window_minutes", None)
        if minutes:
            return _("±%(m)s min") % {"m": minutes}
    critical = getattr(order, "time_critical", None)
    if critical is True:
        return _("±30 min (time-critical)")
    if critical is False:
        return _("±1 to 2 h (not time-critical)")
    return ""


def dose_facts(dose: Any, now: datetime) -> DoseFacts:
    order = dose.order
    amount = getattr(order, "dose", "")
    if hasattr(amount, "normalize"):
        amount = f"{amount.normalize():f}"
    route = order.get_route_display() if hasattr(order, "get_route_display") else getattr(order, "route", "")
    return DoseFacts(
        dose_id=int(dose.pk),
        stay=order.stay,
        drug=_text(getattr(order, "drug", "")),
        dose=f"{_text(amount)} {_text(getattr(order, 'dose_unit', ''))}".strip(),
        route=_text(route),
        scheduled_at=dose.scheduled_at,
        window=_window_text(dose, order),
        status=_dose_status(dose, now),
    )


def _describe_dose(facts: DoseFacts, zone: str) -> str:
    local = clock.to_zone(facts.scheduled_at, zone).strftime("%Y-%m-%d %H:%M")
    lines = [
        _("Medication: %(drug)s %(dose)s %(route)s") % {"drug": facts.drug, "dose": facts.dose, "route": facts.route},
        _("Scheduled: %(at)s (%(zone)s)") % {"at": local, "zone": zone},
    ]
    if facts.window:
        lines.append(_("Window: %(w)s") % {"w": facts.window})
    if facts.status:
        lines.append(_("Status: %(s)s") % {"s": facts.status.replace("_", " ")})
    if facts.is_omission:
        lines.append(_("Omission: the dose was not given before the next one was due, with no documented reason."))
    return "\n".join(line.strip() for line in lines)


def check_category(event_type: str, is_omission: bool, category: str) -> None:
    if event_type == EventType.MEDICATION and not category:
        raise errors.ValidationFailed.field("ncc_merp_category", _("choose the NCC MERP category"))
    if is_omission and category in NOT_REACHING:
        raise errors.ValidationFailed.field("ncc_merp_category", _(OMISSION_MESSAGE))


def _new_draft(
    actor: Any,
    *,
    stay: Any,
    alert: CareAlert | None,
    source_type: str,
    source_id: int | None,
    event_type: str,
    is_omission: bool,
    description: str,
    occurred_at: datetime,
    category: str | None,
) -> IncidentDraft:
    unit = Unit.objects.get(pk=stay.unit_id) if alert is None else alert.unit
    scoping.require(actor, "escalation.draft_incident", site_id=unit.site_id, unit_id=unit.pk)
    if source_type:
        existing = IncidentDraft.objects.filter(
            source_type=source_type, source_id=source_id, status=DraftStatus.DRAFT
        ).first()
        if existing is not None:
            return existing  # one open draft per source: a second click opens the same one
    prefilled = "C" if event_type == EventType.MEDICATION else ""
    chosen = category if category is not None else prefilled
    check_category(event_type, is_omission, chosen)
    draft = IncidentDraft(
        site_id=unit.site_id,
        unit=unit,
        stay=stay,
        alert=alert,
        source_type=source_type,
        source_id=source_id,
        event_type=event_type,
        is_omission=is_omission,
        ncc_merp_category=chosen,
        description=description,
        occurred_at=occurred_at,
        reported_by=actor,
    )
    return writes.save_new(draft, actor=actor, action="escalation.draft_incident")


@transaction.atomic
def draft_incident_for_missed_dose(
    actor: Any, dose_id: int, *, now: datetime | None = None, category: str | None = None, description: str = ""
) -> IncidentDraft:
    """An incident draft about a scheduled dose, prefilled: medication event,
    NCC MERP category C, what was due and when. A missed dose is an omission,
    which reaches the patient: its category cannot be A or B."""
    moment = now or clock.now()
    if not getattr(actor, "is_authenticated", False):
        raise errors.NotAuthenticated()
    model = _dose_model()
    dose = (
        model.objects.select_related("order__stay__unit__site", "order__stay__patient", "stay__unit__site")
        .filter(pk=dose_id)
        .first()
    )
    if dose is None:
        raise errors.NotFound()
    stay = dose.order.stay
    if not scoping.has(actor, "escalation.view", site_id=stay.unit.site_id, unit_id=stay.unit_id):
        raise errors.NotFound()
    facts = dose_facts(dose, moment)
    alert = (
        CareAlert.objects.filter(source_type=DOSE_SOURCE, source_id=dose.pk)
        .select_related("unit")
        .order_by("-kind")  # dose_missed before dose_late
        .first()
    )
    omission = facts.is_omission or (alert is not None and alert.kind == AlertKind.DOSE_MISSED)
    text = _describe_dose(facts, stay.unit.site.time_zone)
    return _new_draft(
        actor,
        stay=stay,
        alert=alert,
        source_type=DOSE_SOURCE,
        source_id=dose.pk,
        event_type=EventType.MEDICATION,
        is_omission=omission,
        description=description.strip() or text,
        occurred_at=facts.scheduled_at,
        category=category,
    )


def prefill_from_alert(alert: CareAlert, now: datetime) -> dict[str, Any]:
    """What a draft opened from this alert starts with (the form shows it)."""
    is_dose = alert.kind in (AlertKind.DOSE_LATE, AlertKind.DOSE_MISSED)
    description = f"{alert.title}\n{alert.detail}".strip()
    if alert.source_type == DOSE_SOURCE:
        model = _dose_model()
        dose = (
            model.objects.select_related("order__stay", "stay__unit__site").filter(pk=alert.source_id).first()
            if model
            else None
        )
        if dose is not None:
            description = _describe_dose(dose_facts(dose, now), alert.site.time_zone)
    return {
        "event_type": EventType.MEDICATION if is_dose else EventType.CARE_DELIVERY,
        "is_omission": alert.kind in (AlertKind.DOSE_MISSED, AlertKind.SESSION_MISSED),
        "ncc_merp_category": "C" if is_dose else "",
        "description": description,
        "occurred_at": alert.due_at,
    }


@transaction.atomic
def draft_incident_for_alert(
    actor: Any, alert_id: int, *, now: datetime | None = None, category: str | None = None, description: str = ""
) -> IncidentDraft:
    moment = now or clock.now()
    alert = scoping.get_scoped(CareAlert.objects.select_related("site", "unit"), actor, "escalation.view", pk=alert_id)
    facts = prefill_from_alert(alert, moment)
    return _new_draft(
        actor,
        stay=alert.stay,
        alert=alert,
        source_type=alert.source_type,
        source_id=alert.source_id,
        event_type=facts["event_type"],
        is_omission=facts["is_omission"],
        description=description.strip() or facts["description"],
        occurred_at=facts["occurred_at"],
        category=category,
    )


def create_incident_draft(
    actor: Any, data: schemas.IncidentDraftCreate, *, now: datetime | None = None
) -> IncidentDraft:
    category = data.ncc_merp_category.value if data.ncc_merp_category is not None else None
    if data.alert_id is not None:
        return draft_incident_for_alert(
            actor, data.alert_id, now=now, category=category, description=data.description or ""
        )
    if data.dose_id is not None:
        return draft_incident_for_missed_dose(
            actor, data.dose_id, now=now, category=category, description=data.description or ""
        )
    raise errors.ValidationFailed.field("alert_id", _("name the alert (or the dose) the report is about"))


@transaction.atomic
def update_incident_draft(
    actor: Any, draft_id: int, data: schemas.IncidentDraftUpdate, *, now: datetime | None = None
) -> IncidentDraft:
    draft = scoping.get_scoped(IncidentDraft.objects.select_for_update(), actor, "escalation.view", pk=draft_id)
    scoping.require(actor, "escalation.draft_incident", site_id=draft.site_id, unit_id=draft.unit_id)
    if draft.status != DraftStatus.DRAFT:
        raise errors.ValidationFailed.field("status", _("this report was already handed to incident reporting"))
    writes.check_version(draft, data.version)
    changes: dict[str, Any] = {}
    if data.ncc_merp_category is not None:
        changes["ncc_merp_category"] = data.ncc_merp_category.value
    if data.description is not None:
        if not data.description.strip():
            raise errors.ValidationFailed.field("description", _("say what happened"))
        changes["description"] = data.description.strip()
    if data.occurred_at is not None:
        if data.occurred_at > (now or clock.now()) + timedelta(minutes=5):
            raise errors.ValidationFailed.field("occurred_at", _("an incident cannot be in the future"))
        changes["occurred_at"] = data.occurred_at
    check_category(draft.event_type, draft.is_omission, changes.get("ncc_merp_category", draft.ncc_merp_category))
    return writes.save_changes(
        draft, changes, actor=actor, action="escalation.update_incident_draft", expected_version=data.version
    )


# --- the site policy ---------------------------------------------------------------------


@transaction.atomic
def update_policy(actor: Any, site_id: int, data: schemas.EscalationPolicyUpdate) -> EscalationPolicy:
    site = scoping.get_scoped(Site.objects.all(), actor, "org.view_site", pk=site_id)
    scoping.require(actor, "escalation.manage_policy", site_id=site.pk)
    policy = EscalationPolicy.objects.select_for_update().filter(site=site).first()
    if policy is None:
        policy = writes.save_new(EscalationPolicy(site=site), actor=actor, action="escalation.create_policy")
    changes: dict[str, Any] = {}
    for name in ("critical_delay_minutes", "standard_delay_minutes", "send_email"):
        value = getattr(data, name)
        if value is not None:
            changes[name] = value
    if data.no_leadership_level:
        changes["leadership_delay_minutes"] = None
    elif data.leadership_delay_minutes is not None:
        changes["leadership_delay_minutes"] = data.leadership_delay_minutes
    return writes.save_changes(
        policy, changes, actor=actor, action="escalation.update_policy", expected_version=data.version
    )

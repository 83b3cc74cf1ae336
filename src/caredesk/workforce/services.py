"""Every write about staff records, employment events and credentials."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from caredesk.accounts.models import ApiToken, User
from caredesk.core import audit, clock, errors, scoping, writes
from caredesk.org.models import Site, Unit
from caredesk.workforce import qualification, schemas
from caredesk.workforce.models import (
    Credential,
    CredentialRequirement,
    CredentialType,
    EmploymentEvent,
    EmploymentEventKind,
    StaffMember,
    StaffStatus,
    WorkRules,
)


def _unit_of_site(site: Site, unit_id: int | None, field: str) -> Unit | None:
    if unit_id is None:
        return None
    unit = Unit.objects.filter(pk=unit_id, site=site).first()
    if unit is None:
        raise errors.ValidationFailed.field(field, _("this unit is not part of the staff member's site"))
    return unit


def _work_rules(rules_id: int, site: Site | None = None) -> WorkRules:
    """An active pack that applies on `site`: a shared one, or the site's own."""
    rules = WorkRules.objects.filter(pk=rules_id, is_active=True).first()
    if rules is None or (site is not None and rules.site_id not in (None, site.pk)):
        raise errors.ValidationFailed.field("work_rules_id", _("unknown or inactive work-rule pack"))
    return rules


def _discipline_of(user: User, site: Site) -> str:
    """The discipline of the person's clinician role on the site (or on one of its units)."""
    found = (
        user.active_grants()
        .filter(site=site)
        .exclude(discipline="")
        .order_by("unit_id", "pk")
        .values_list("discipline", flat=True)
        .first()
    )
    if not found:
        raise errors.ValidationFailed.field(
            "discipline", _("choose the discipline: this person has no clinician role here")
        )
    return str(found)


def locked_staff(actor: Any, staff_id: int) -> StaffMember:
    """The staff record, locked, if the actor may see it (everyone sees their own)."""
    qs = StaffMember.objects.select_for_update().select_related("site")
    own = qs.filter(pk=staff_id, user_id=getattr(actor, "pk", None) or 0).first()
    return own or scoping.get_scoped(qs, actor, "workforce.view_staff", pk=staff_id)


@transaction.atomic
def create_staff(actor: Any, data: schemas.StaffCreate, *, now: datetime | None = None) -> StaffMember:
    """Open the staff record of a person who already has a log-in, with their hire event."""
    moment = now or clock.now()
    site = scoping.get_scoped(Site.objects.all(), actor, "org.view_site", pk=data.site_id)
    scoping.require(actor, "workforce.manage_staff", site_id=site.pk)
    user = User.objects.filter(pk=data.user_id, is_active=True).first()
    if user is None:
        raise errors.ValidationFailed.field("user_id", _("unknown or inactive log-in"))
    if StaffMember.objects.filter(user=user).exists():
        raise errors.Conflict(_("This person already has a staff record."))
    staff = StaffMember(
        user=user,
        site=site,
        home_unit=_unit_of_site(site, data.home_unit_id, "home_unit_id"),
        employee_number=data.employee_number,
        discipline=data.discipline or _discipline_of(user, site),
        job_title=data.job_title,
        fte=data.fte,
        contracted_minutes_per_week=data.contracted_minutes_per_week,
        work_rules=_work_rules(data.work_rules_id, site),
        hourly_rate=data.hourly_rate,
        night_differential=data.night_differential,
        weekend_differential=data.weekend_differential,
        hire_date=data.hire_date,
    )
    writes.save_new(staff, actor=actor, action="workforce.create_staff")
    others = [_unit_of_site(site, uid, "other_unit_ids") for uid in data.other_unit_ids]
    staff.other_units.set([u for u in others if u is not None])
    EmploymentEvent.objects.create(
        staff=staff,
        kind=EmploymentEventKind.HIRE,
        effective_at=moment,
        recorded_by=actor,
        recorded_at=moment,
        changes={"job_title": [None, staff.job_title], "fte": [None, str(staff.fte)]},
        applied_at=moment,
    )
    return staff


@transaction.atomic
def update_staff(actor: Any, staff_id: int, data: schemas.StaffUpdate) -> StaffMember:
    staff = locked_staff(actor, staff_id)
    scoping.require(actor, "workforce.manage_staff", site_id=staff.site_id)
    changes: dict[str, Any] = {}
    if data.employee_number is not None:
        changes["employee_number"] = data.employee_number
    if data.work_rules_id is not None:
        changes["work_rules"] = _work_rules(data.work_rules_id, staff.site)
    writes.check_version(staff, data.version)
    units_before: list[int] = []
    units_after: list[int] = []
    if data.other_unit_ids is not None:
        units = [_unit_of_site(staff.site, uid, "other_unit_ids") for uid in data.other_unit_ids]
        units_before = sorted(staff.other_units.values_list("pk", flat=True))
        units_after = sorted({u.pk for u in units if u is not None and u.pk != staff.home_unit_id})
    staff = writes.save_changes(
        staff, changes, actor=actor, action="workforce.update_staff", expected_version=data.version
    )
    if units_before != units_after:
        staff.other_units.set(units_after)
        if staff.version == data.version:  # nothing else changed: the new units are a new version
            staff.version += 1
            staff.save(update_fields=["version", "updated_at"])
        audit.record(
            actor=actor,
            action="workforce.set_other_units",
            obj=staff,
            before={"other_unit_ids": units_before},
            after={"other_unit_ids": units_after},
        )
    return staff


# Which fields each kind of employment event may change.
EVENT_FIELDS: dict[str, tuple[str, ...]] = {
    EmploymentEventKind.PROMOTION: ("job_title", "discipline", "hourly_rate"),
    EmploymentEventKind.TRANSFER: ("home_unit_id",),
    EmploymentEventKind.FTE_CHANGE: ("fte", "contracted_minutes_per_week"),
    EmploymentEventKind.RATE_CHANGE: ("hourly_rate", "night_differential", "weekend_differential"),
    EmploymentEventKind.LEAVE_START: (),
    EmploymentEventKind.LEAVE_END: (),
    EmploymentEventKind.TERMINATION: (),
}


@transaction.atomic
def record_employment_event(
    actor: Any, staff_id: int, data: schemas.EmploymentEventCreate, *, now: datetime | None = None
) -> EmploymentEvent:
    """Promotion, transfer, FTE or rate change, leave, termination: one dated event.

    A termination takes effect at its time: from then on the person's log-in
    and API tokens are revoked (HIPAA §164.308(a)(3)(ii)(C)); a future one is
    applied by the periodic job `apply_due_terminations`.
    """
    moment = now or clock.now()
    if data.effective_at is None:
        data = data.model_copy(update={"effective_at": moment})
    assert data.effective_at is not None
    staff = locked_staff(actor, staff_id)
    scoping.require(actor, "workforce.manage_staff", site_id=staff.site_id)
    writes.check_version(staff, data.version)
    if data.kind == EmploymentEventKind.HIRE:
        raise errors.ValidationFailed.field("kind", _("a hire is recorded when the staff record is created"))
    if staff.status == StaffStatus.TERMINATED:
        raise errors.ValidationFailed.field("kind", _("this person's employment has ended"))
    if data.kind == EmploymentEventKind.LEAVE_START and staff.status == StaffStatus.ON_LEAVE:
        raise errors.ValidationFailed.field("kind", _("already on leave"))
    if data.kind == EmploymentEventKind.LEAVE_END and staff.status != StaffStatus.ON_LEAVE:
        raise errors.ValidationFailed.field("kind", _("not on leave"))
    if data.kind == EmploymentEventKind.TERMINATION and not data.reason.strip():
        raise errors.ValidationFailed.field("reason", _("a termination needs a reason"))
    allowed = EVENT_FIELDS[data.kind]
    given = {
        k: v for k, v in data.model_dump(exclude={"version", "kind", "effective_at", "reason"}).items() if v is not None
    }
    # A field sent with its current value is no change (a client may send the whole record).
    given = {k: v for k, v in given.items() if getattr(staff, k) != v}
    stray = sorted(set(given) - set(allowed))
    if stray:
        raise errors.ValidationFailed(
            _("%(kind)s does not change %(fields)s") % {"kind": data.kind, "fields": ", ".join(stray)},
            fields={name: [_("not changed by this kind of event")] for name in stray},
        )
    if allowed and not given:
        raise errors.ValidationFailed(
            _("Say what changes."), fields={allowed[0]: [_("required for this kind of event")]}
        )
    changes: dict[str, Any] = {}
    if "home_unit_id" in given:
        unit = _unit_of_site(staff.site, given.pop("home_unit_id"), "home_unit_id")
        changes["home_unit"] = unit
    changes.update(given)
    if data.kind == EmploymentEventKind.LEAVE_START:
        changes["status"] = StaffStatus.ON_LEAVE
    elif data.kind == EmploymentEventKind.LEAVE_END:
        changes["status"] = StaffStatus.ACTIVE
    before = {k: str(getattr(staff, k)) for k in changes}
    event = EmploymentEvent.objects.create(
        staff=staff,
        kind=data.kind,
        effective_at=data.effective_at,
        reason=data.reason,
        recorded_by=actor,
        recorded_at=moment,
        changes={k: [before[k], str(v.pk if hasattr(v, "pk") else v)] for k, v in changes.items()},
    )
    if data.kind == EmploymentEventKind.TERMINATION:
        changes["end_date"] = clock.to_zone(data.effective_at, staff.site.time_zone).date()
    writes.save_changes(staff, changes, actor=actor, action=f"workforce.{data.kind}", expected_version=data.version)
    audit.record(
        actor=actor,
        action="workforce.record_employment_event",
        obj=event,
        after={"kind": data.kind, "effective_at": data.effective_at, "reason": data.reason},
    )
    if data.kind == EmploymentEventKind.TERMINATION and data.effective_at <= moment:
        _apply_termination(event, actor=actor, now=moment)
    elif data.kind != EmploymentEventKind.TERMINATION:
        event.applied_at = moment
        event.save(update_fields=["applied_at"])
    return event


def _apply_termination(event: EmploymentEvent, *, actor: Any, now: datetime) -> None:
    """Revoke log-in and tokens; compare-and-set on applied_at so it runs once."""
    claimed = EmploymentEvent.objects.filter(pk=event.pk, applied_at__isnull=True).update(applied_at=now)
    if not claimed:
        return
    staff = StaffMember.objects.select_for_update().get(pk=event.staff_id)
    staff.status = StaffStatus.TERMINATED
    staff.version += 1
    staff.save(update_fields=["status", "version", "updated_at"])
    user = User.objects.select_for_update().get(pk=staff.user_id)
    user.is_active = False
    user.save(update_fields=["is_active"])
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    audit.record(
        actor=actor,
        action="workforce.revoke_access",
        obj=staff,
        at=now,
        after={"status": StaffStatus.TERMINATED, "login_active": False, "tokens_revoked": tokens},
    )


def apply_due_terminations(*, now: datetime | None = None) -> int:
    """Apply every termination whose time has come (run by a periodic job)."""
    moment = now or clock.now()
    done = 0
    due = EmploymentEvent.objects.filter(
        kind=EmploymentEventKind.TERMINATION, applied_at__isnull=True, effective_at__lte=moment
    )
    for event in due:
        with transaction.atomic():
            _apply_termination(event, actor=None, now=moment)
            done += 1
    return done


# --- credentials --------------------------------------------------------------------


def credential_state(cred: Credential, today: Any) -> str:
    if cred.revoked_at is not None:
        return "revoked"
    if cred.expires_on is None:
        return "valid"
    if cred.expires_on < today:
        return "expired"
    if (cred.expires_on - today).days <= max(qualification.WARNING_DAYS):
        return "expiring"
    return "valid"


@transaction.atomic
def add_credential(
    actor: Any, data: schemas.CredentialCreate, *, now: datetime | None = None, document: File | None = None
) -> Credential:
    moment = now or clock.now()
    staff = locked_staff(actor, data.staff_id)
    scoping.require(actor, "workforce.manage_credentials", site_id=staff.site_id, unit_id=staff.home_unit_id)
    ctype = CredentialType.objects.filter(code=data.type_code).first()
    if ctype is None:
        raise errors.ValidationFailed.field("type_code", _("unknown credential type"))
    if ctype.requires_number and not data.number.strip():
        raise errors.ValidationFailed.field("number", _("this credential has a number; enter it"))
    cred = Credential(
        staff=staff,
        type=ctype,
        number=data.number.strip(),
        issuer=data.issuer.strip(),
        issued_on=data.issued_on,
        expires_on=data.expires_on,
        next_warning_at=qualification.initial_next_warning_at(data.expires_on, staff.site.time_zone, moment),
    )
    if document is not None:
        cred.document = _checked_document(document, ctype.code)
    return writes.save_new(cred, actor=actor, action="workforce.add_credential")


@transaction.atomic
def update_credential(
    actor: Any,
    credential_id: int,
    data: schemas.CredentialUpdate,
    *,
    now: datetime | None = None,
    document: File | None = None,
) -> Credential:
    """Correct or renew a credential; a new expiry date re-arms its warnings."""
    moment = now or clock.now()
    cred = scoping.get_scoped(
        Credential.objects.select_for_update().select_related("staff__site"),
        actor,
        "workforce.view_staff",
        pk=credential_id,
    )
    scoping.require(actor, "workforce.manage_credentials", site_id=cred.staff.site_id, unit_id=cred.staff.home_unit_id)
    if cred.revoked_at is not None:
        raise errors.ValidationFailed.field("version", _("a revoked credential cannot be changed; record a new one"))
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    if "expires_on" in changes and changes["expires_on"] != cred.expires_on:
        changes["next_warning_at"] = qualification.initial_next_warning_at(
            changes["expires_on"], cred.staff.site.time_zone, moment
        )
    if document is not None:
        changes["document"] = _checked_document(document, cred.type.code)
    return writes.save_changes(
        cred, changes, actor=actor, action="workforce.update_credential", expected_version=data.version
    )


@transaction.atomic
def revoke_credential(actor: Any, credential_id: int, *, reason: str, now: datetime | None = None) -> Credential:
    cred = scoping.get_scoped(
        Credential.objects.select_for_update().select_related("staff"), actor, "workforce.view_staff", pk=credential_id
    )
    scoping.require(actor, "workforce.manage_credentials", site_id=cred.staff.site_id, unit_id=cred.staff.home_unit_id)
    if not reason.strip():
        raise errors.ValidationFailed.field("reason", _("say why the credential is revoked"))
    if cred.revoked_at is None:
        cred.revoked_at = now or clock.now()
        cred.next_warning_at = None
        cred.version += 1
        cred.save(update_fields=["revoked_at", "next_warning_at", "version", "updated_at"])
        audit.record(
            actor=actor,
            action="workforce.revoke_credential",
            obj=cred,
            after={"revoked_at": cred.revoked_at, "reason": reason},
        )
    return cred


# --- credential documents -----------------------------------------------------------

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# Accepted documents: the file's first bytes must say what its name says.
DOCUMENT_TYPES: dict[str, tuple[bytes, str]] = {
    "pdf": (b"%PDF-", "application/pdf"),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png"),
    "jpg": (b"\xff\xd8\xff", "image/jpeg"),
    "jpeg": (b"\xff\xd8\xff", "image/jpeg"),
}


def document_content_type(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return DOCUMENT_TYPES.get(ext, (b"", "application/octet-stream"))[1]


def _checked_document(upload: File, code: str) -> ContentFile:
    """A PDF, PNG or JPEG of at most 5 MB, renamed so no uploaded name reaches the disk."""
    name = str(getattr(upload, "name", "") or "")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in DOCUMENT_TYPES:
        raise errors.ValidationFailed.field("document", _("attach a PDF, PNG or JPEG file"))
    size = upload.size if upload.size is not None else 0
    if size > MAX_DOCUMENT_BYTES:
        raise errors.ValidationFailed.field("document", _("the file is larger than 5 MB"))
    upload.seek(0)
    content = upload.read(MAX_DOCUMENT_BYTES + 1)
    if len(content) > MAX_DOCUMENT_BYTES:
        raise errors.ValidationFailed.field("document", _("the file is larger than 5 MB"))
    if not content:
        raise errors.ValidationFailed.field("document", _("the file is empty"))
    magic = DOCUMENT_TYPES[ext][0]
    if not content.startswith(magic):
        raise errors.ValidationFailed.field(
            "document", _("the file's content is not a %(type)s") % {"type": ext.upper()}
        )
    return ContentFile(content, name=f"{code}-{secrets.token_hex(12)}.{'jpg' if ext == 'jpeg' else ext}")


@transaction.atomic
def attach_credential_document(actor: Any, credential_id: int, document: File) -> Credential:
    """Attach (or replace) the scanned licence or certificate of a credential."""
    cred = scoping.get_scoped(
        Credential.objects.select_for_update().select_related("staff", "type"),
        actor,
        "workforce.view_staff",
        pk=credential_id,
    )
    scoping.require(actor, "workforce.manage_credentials", site_id=cred.staff.site_id, unit_id=cred.staff.home_unit_id)
    if cred.revoked_at is not None:
        raise errors.ValidationFailed.field("document", _("a revoked credential cannot be changed; record a new one"))
    return writes.save_changes(
        cred,
        {"document": _checked_document(document, cred.type.code)},
        actor=actor,
        action="workforce.attach_credential_document",
        expected_version=None,
    )


# --- work-rule packs and credential requirements ----------------------------------------


def _require_rules_manager(actor: Any, site_id: int | None, field: str = "site_id") -> None:
    """A site's own rules: workforce.manage_rules there. Shared rules apply to every
    site, so only a system administrator changes them."""
    if not getattr(actor, "is_authenticated", False):
        raise errors.NotAuthenticated()
    if site_id is None:
        if not actor.is_superuser:
            raise errors.PermissionDenied(
                _("Shared rules apply to every site: only a system administrator changes them.")
            )
        return
    scoping.require(actor, "workforce.manage_rules", site_id=site_id)


def _visible_site(actor: Any, site_id: int | None) -> Site | None:
    if site_id is None:
        return None
    return scoping.get_scoped(Site.objects.all(), actor, "org.view_site", pk=site_id)


@transaction.atomic
def create_work_rules(actor: Any, data: schemas.WorkRulesCreate) -> WorkRules:
    site = _visible_site(actor, data.site_id)
    _require_rules_manager(actor, data.site_id)
    if WorkRules.objects.filter(code__iexact=data.code).exists():
        raise errors.ValidationFailed.field("code", _("a work-rule pack with this code already exists"))
    rules = WorkRules(site=site, **data.model_dump(exclude={"site_id"}))
    return writes.save_new(rules, actor=actor, action="workforce.create_work_rules")


def locked_rules(actor: Any, rules_id: int) -> WorkRules:
    from caredesk.workforce import queries

    visible = queries.work_rules(actor, include_inactive=True).values("pk")
    return scoping_get(WorkRules.objects.select_for_update().filter(pk__in=visible), pk=rules_id)


def scoping_get(qs: Any, **lookup: Any) -> Any:
    try:
        return qs.get(**lookup)
    except (WorkRules.DoesNotExist, CredentialRequirement.DoesNotExist, ValueError, TypeError):
        raise errors.NotFound() from None


@transaction.atomic
def update_work_rules(actor: Any, rules_id: int, data: schemas.WorkRulesUpdate) -> WorkRules:
    """Edit or deactivate a pack. A pack still applied to active staff stays active."""
    rules = locked_rules(actor, rules_id)
    _require_rules_manager(actor, rules.site_id)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    for name in ("name", "source", "min_rest_minutes", "min_consecutive_days_off", "overtime_basis", "is_active"):
        if name in changes and changes[name] is None:
            raise errors.ValidationFailed.field(name, _("this field cannot be empty"))
    if changes.get("is_active") is False and rules.is_active:
        used = rules.staff.exclude(status=StaffStatus.TERMINATED).count()
        if used:
            raise errors.ValidationFailed.field(
                "is_active", _("%(count)d staff members still work under this pack; move them first") % {"count": used}
            )
    return writes.save_changes(
        rules, changes, actor=actor, action="workforce.update_work_rules", expected_version=data.version
    )


@transaction.atomic
def create_requirement(actor: Any, data: schemas.RequirementCreate) -> CredentialRequirement:
    site = _visible_site(actor, data.site_id)
    _require_rules_manager(actor, data.site_id)
    ctype = CredentialType.objects.filter(code=data.type_code).first()
    if ctype is None:
        raise errors.ValidationFailed.field("type_code", _("unknown credential type"))
    req = CredentialRequirement(
        credential_type=ctype,
        site=site,
        discipline=data.discipline or "",
        unit_kind=data.unit_kind or "",
        task=data.task.strip().lower(),
        source=data.source.strip(),
    )
    return writes.save_new(req, actor=actor, action="workforce.create_requirement")


@transaction.atomic
def update_requirement(actor: Any, requirement_id: int, data: schemas.RequirementUpdate) -> CredentialRequirement:
    from caredesk.workforce import queries

    visible = queries.requirements(actor, include_inactive=True).values("pk")
    req = scoping_get(CredentialRequirement.objects.select_for_update().filter(pk__in=visible), pk=requirement_id)
    _require_rules_manager(actor, req.site_id)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    for name in ("discipline", "unit_kind", "task"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    if "task" in changes:
        changes["task"] = changes["task"].strip().lower()
    for name in ("source", "is_active"):
        if name in changes and changes[name] is None:
            raise errors.ValidationFailed.field(name, _("this field cannot be empty"))
    return writes.save_changes(
        req, changes, actor=actor, action="workforce.update_requirement", expected_version=data.version
    )

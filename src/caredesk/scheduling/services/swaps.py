"""Swaps between staff and open shifts, each checked against the rules and
approved by the coordinator.

Decision: an approval changes the working copy (entries moved, source "swap" or
"open_shift") AND freezes a new published version at once, made of the last
published version with only this change, so the people concerned see it
straight away and are notified. Other unpublished edits of the working copy
stay unpublished (they still need the full rule check of `publish`).

Skills of an open shift: those its shift pattern requires
(`assignment.ShiftPattern.required_skills`) and the skill-mix need it covers
(`OpenShift.skill`), if recorded. Only someone holding each of them on the
shift's date (`checks.skills_on`: discipline, charge by experience, credentials
valid that day) may claim it, and the coordinator's approval checks again (a
credential may have lapsed in between); the refusal names the missing skill.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from caredesk.assignment.models import ShiftPattern
from caredesk.core import clock, errors, notifications, scoping, writes
from caredesk.scheduling import checks
from caredesk.scheduling.models import (
    EntrySource,
    OpenShift,
    OpenShiftStatus,
    Roster,
    RosterEntry,
    SwapRequest,
    SwapStatus,
)
from caredesk.scheduling.services import publishing as pub
from caredesk.workforce.models import Credential, StaffMember, StaffStatus

OPEN_SWAP = (SwapStatus.PROPOSED, SwapStatus.ACCEPTED)


def _own_staff(actor: Any) -> StaffMember:
    staff = StaffMember.objects.filter(user_id=getattr(actor, "pk", 0) or 0).select_related("user").first()
    if staff is None:
        raise errors.PermissionDenied(_("You have no staff record, so no shifts."))
    return staff


def _published_key(roster: Roster, entry: RosterEntry) -> bool:
    """Is this working-copy entry what staff were shown (in the last published version)?"""
    version = pub.latest_version(roster)
    if version is None:
        return False
    return pub.as_map(version.entries).get((entry.staff_id, entry.date.isoformat())) == entry.pattern_id


def _notify(user: Any, *, kind: str, title: str, key: str, roster: Roster, now: datetime, body: str = "") -> None:
    from django.urls import reverse

    notifications.notify(
        user,
        kind=kind,
        title=title,
        body=body,
        link=reverse("scheduling:swaps_home"),
        dedupe_key=key,
        site_id=roster.unit.site_id,
        now=now,
    )


def _shift_label(entry: RosterEntry) -> str:
    return f"{entry.date.isoformat()} {entry.pattern.name}"


# --- swaps ------------------------------------------------------------------------------------


@transaction.atomic
def propose_swap(
    actor: Any,
    entry_id: int,
    colleague_id: int,
    their_entry_id: int | None = None,
    note: str = "",
    *,
    now: datetime | None = None,
) -> SwapRequest:
    """The person who works `entry` gives it to a colleague, or exchanges it for one of theirs."""
    moment = now or clock.now()
    staff = _own_staff(actor)
    entry = (
        RosterEntry.objects.select_related("roster", "roster__unit", "roster__unit__site", "pattern")
        .filter(pk=entry_id, staff=staff)
        .first()
    )
    if entry is None:
        raise errors.NotFound()
    roster = entry.roster
    scoping.require(actor, "scheduling.request", site_id=roster.unit.site_id, unit_id=roster.unit_id)
    if not _published_key(roster, entry):
        raise errors.ValidationFailed.field("entry_id", _("only a published shift can be swapped"))
    if entry.date < clock.to_zone(moment, roster.unit.site.time_zone).date():
        raise errors.ValidationFailed.field("entry_id", _("this shift is in the past"))
    colleague = (
        StaffMember.objects.filter(pk=colleague_id, site_id=roster.unit.site_id, status=StaffStatus.ACTIVE)
        .select_related("user")
        .first()
    )
    if colleague is None or colleague.pk == staff.pk or not colleague.may_work_on_unit(roster.unit_id):
        raise errors.ValidationFailed.field("colleague_id", _("choose a colleague who works on this unit"))
    their_entry = None
    if their_entry_id is not None:
        their_entry = (
            RosterEntry.objects.select_related("pattern")
            .filter(pk=their_entry_id, roster=roster, staff=colleague)
            .first()
        )
        if their_entry is None or not _published_key(roster, their_entry):
            raise errors.ValidationFailed.field("their_entry_id", _("choose a published shift of your colleague"))
    if SwapRequest.objects.filter(entry=entry, status__in=OPEN_SWAP).exists():
        raise errors.ValidationFailed.field("entry_id", _("this shift already has a swap waiting"))
    swap = SwapRequest(
        roster=roster,
        entry=entry,
        requester=staff,
        colleague=colleague,
        their_entry=their_entry,
        note=note.strip()[:300],
        status=SwapStatus.PROPOSED,
    )
    writes.save_new(swap, actor=actor, action="scheduling.propose_swap")
    _notify(
        colleague.user,
        kind="scheduling.swap_proposed",
        title=_("%(who)s asks you to take their shift of %(shift)s") % {"who": staff, "shift": _shift_label(entry)},
        body=note,
        key=f"scheduling.swap:{swap.pk}:proposed",
        roster=roster,
        now=moment,
    )
    return swap


#: what every page, API answer and decision about a swap reads with it
SWAP_RELATED = (
    "roster",
    "roster__unit",
    "roster__unit__site",
    "entry",
    "entry__pattern",
    "their_entry",
    "their_entry__pattern",
    "requester__user",
    "colleague__user",
)


def _swap(actor: Any, swap_id: int) -> SwapRequest:
    swap = SwapRequest.objects.select_for_update(of=("self",)).select_related(*SWAP_RELATED).filter(pk=swap_id).first()
    if swap is None:
        raise errors.NotFound()
    staff = StaffMember.objects.filter(user_id=getattr(actor, "pk", 0) or 0).first()
    mine = staff is not None and staff.pk in (swap.requester_id, swap.colleague_id)
    if not mine and not scoping.has(
        actor, "scheduling.manage", site_id=swap.roster.unit.site_id, unit_id=swap.roster.unit_id
    ):
        raise errors.NotFound()
    return swap


@transaction.atomic
def respond_swap(
    actor: Any,
    swap_id: int,
    *,
    accept: bool,
    expected_version: int | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> SwapRequest:
    """The colleague accepts (it goes to the coordinator) or declines."""
    moment = now or clock.now()
    swap = _swap(actor, swap_id)
    staff = _own_staff(actor)
    if staff.pk != swap.colleague_id:
        raise errors.PermissionDenied(_("Only the colleague asked can answer this swap."))
    if swap.status != SwapStatus.PROPOSED:
        raise errors.ValidationFailed.field("status", _("this swap is no longer waiting for your answer"))
    status = SwapStatus.ACCEPTED if accept else SwapStatus.DECLINED
    data: dict[str, Any] = {"status": status}
    if not accept:
        data.update(decision_reason=reason.strip()[:300], decided_by=actor, decided_at=moment)
    writes.save_changes(swap, data, actor=actor, action="scheduling.answer_swap", expected_version=expected_version)
    _notify(
        swap.requester.user,
        kind="scheduling.swap_answered",
        title=(
            _("%(who)s accepted your swap; the coordinator will decide") if accept else _("%(who)s declined your swap")
        )
        % {"who": swap.colleague},
        body=reason,
        key=f"scheduling.swap:{swap.pk}:{status}",
        roster=swap.roster,
        now=moment,
    )
    return swap


def swap_problems(swap: SwapRequest) -> list[Any]:
    """What the rules say about the swap, for both people, with every cell moved at once."""
    entry, theirs = swap.entry, swap.their_entry
    moves: list[pub.Move] = [(swap.requester_id, entry.date, None), (swap.colleague_id, entry.date, entry.pattern_id)]
    if theirs is not None:
        if theirs.date == entry.date:
            moves[0] = (swap.requester_id, entry.date, theirs.pattern_id)
        else:
            moves += [(swap.colleague_id, theirs.date, None), (swap.requester_id, theirs.date, theirs.pattern_id)]
    return pub.check_moves(swap.roster, moves)


@transaction.atomic
def decide_swap(
    actor: Any,
    swap_id: int,
    *,
    approve: bool,
    expected_version: int | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> SwapRequest:
    """The coordinator approves (after the rule check for both people: any hard
    problem refuses it) or declines an accepted swap."""
    moment = now or clock.now()
    swap = _swap(actor, swap_id)
    roster = Roster.objects.select_for_update(of=("self",)).select_related("unit", "unit__site").get(pk=swap.roster_id)
    swap.roster = roster
    scoping.require(actor, "scheduling.manage", site_id=roster.unit.site_id, unit_id=roster.unit_id)
    writes.check_version(swap, expected_version)
    if swap.status != SwapStatus.ACCEPTED:
        raise errors.ValidationFailed.field("status", _("only a swap the colleague accepted can be decided"))
    if not approve:
        writes.save_changes(
            swap,
            {
                "status": SwapStatus.DECLINED,
                "decided_by": actor,
                "decided_at": moment,
                "decision_reason": reason.strip()[:300],
            },
            actor=actor,
            action="scheduling.decline_swap",
            expected_version=None,
        )
        for person in (swap.requester, swap.colleague):
            _notify(
                person.user,
                kind="scheduling.swap_decided",
                title=_("Swap declined by the coordinator"),
                body=reason,
                key=f"scheduling.swap:{swap.pk}:declined",
                roster=roster,
                now=moment,
            )
        return swap
    entry = RosterEntry.objects.select_for_update().select_related("pattern").filter(pk=swap.entry_id).first()
    theirs = None
    if swap.their_entry_id:
        theirs = (
            RosterEntry.objects.select_for_update().select_related("pattern").filter(pk=swap.their_entry_id).first()
        )
    if (
        entry is None
        or entry.staff_id != swap.requester_id
        or not _published_key(roster, entry)
        or (
            swap.their_entry_id
            and (theirs is None or theirs.staff_id != swap.colleague_id or not _published_key(roster, theirs))
        )
    ):
        raise errors.ValidationFailed.field("status", _("the shifts of this swap changed since it was proposed"))
    problems = swap_problems(swap)
    hard = pub.hard_problems(problems)
    SwapRequest.objects.filter(pk=swap.pk).update(problems=pub.problems_payload(problems))
    if hard:
        raise errors.ValidationFailed(
            _("This swap breaks a hard rule and cannot be approved: %(problems)s")
            % {"problems": pub.describe_problems(hard)},
            fields={"problems": [pub.describe_problems(hard, limit=len(hard))]},
        )
    remove = [(entry.staff_id, entry.date.isoformat())]
    add = [(swap.colleague_id, entry.date.isoformat(), entry.pattern_id)]
    if theirs is not None:
        remove.append((theirs.staff_id, theirs.date.isoformat()))
        add.append((swap.requester_id, theirs.date.isoformat(), theirs.pattern_id))
    # Move the working copy in place (the swap keeps pointing at the shift given and taken).
    if theirs is not None and theirs.date == entry.date:
        # Same day: the two rows exchange their shifts, and the swap follows the shifts.
        entry.pattern_id, theirs.pattern_id = theirs.pattern_id, entry.pattern_id
        for e in (entry, theirs):
            e.source = EntrySource.SWAP
            e.save(update_fields=["pattern", "source", "updated_at"])
        swap.entry, swap.their_entry = theirs, entry
        SwapRequest.objects.filter(pk=swap.pk).update(entry=theirs, their_entry=entry)
    else:
        moves = [(entry, swap.colleague_id)] + ([(theirs, swap.requester_id)] if theirs is not None else [])
        for e, who in moves:
            if (
                RosterEntry.objects.filter(roster=roster, staff_id=who, date=e.date)
                .exclude(pk__in=[m.pk for m, _w in moves])
                .exists()
            ):
                raise errors.ValidationFailed.field(
                    "status", _("%(day)s: the person taking the shift already works that day") % {"day": e.date}
                )
        for e, who in moves:
            e.staff_id = who
            e.source = EntrySource.SWAP
            e.save(update_fields=["staff", "source", "updated_at"])
    swap.problems = pub.problems_payload(problems)
    writes.save_changes(
        swap,
        {
            "status": SwapStatus.APPROVED,
            "decided_by": actor,
            "decided_at": moment,
            "decision_reason": reason.strip()[:300],
        },
        actor=actor,
        action="scheduling.approve_swap",
        expected_version=None,
    )
    pub.apply_to_published(
        roster, actor, remove=remove, add=add, note=_("Swap approved"), now=moment, action="publish_swap"
    )
    return swap


@transaction.atomic
def cancel_swap(actor: Any, swap_id: int, *, now: datetime | None = None) -> SwapRequest:
    """The person who proposed it withdraws it, while it is still open."""
    swap = _swap(actor, swap_id)
    staff = _own_staff(actor)
    if staff.pk != swap.requester_id:
        raise errors.PermissionDenied(_("Only the person who proposed this swap can withdraw it."))
    if swap.status not in OPEN_SWAP:
        raise errors.ValidationFailed.field("status", _("this swap is already decided"))
    return writes.save_changes(
        swap, {"status": SwapStatus.CANCELLED}, actor=actor, action="scheduling.cancel_swap", expected_version=None
    )


# --- open shifts ------------------------------------------------------------------------------


@transaction.atomic
def post_open_shift(
    actor: Any,
    roster_id: int,
    day: date,
    pattern_id: int,
    skill: str = "",
    note: str = "",
    *,
    now: datetime | None = None,
) -> OpenShift:
    """A coordinator offers a shift of a published roster that others can pick up."""
    moment = now or clock.now()
    roster = pub._roster_for_manager(actor, roster_id)
    if not roster.published_version:
        raise errors.ValidationFailed.field("roster_id", _("publish the roster before offering open shifts"))
    last = roster.start_date.toordinal() + roster.days - 1
    if not (roster.start_date <= day and day.toordinal() <= last):
        raise errors.ValidationFailed.field("date", _("this day is not in the roster"))
    if day < clock.to_zone(moment, roster.unit.site.time_zone).date():
        raise errors.ValidationFailed.field("date", _("this day is in the past"))
    pattern = ShiftPattern.objects.filter(pk=pattern_id, unit_id=roster.unit_id).first()
    if pattern is None:
        raise errors.ValidationFailed.field("pattern_id", _("choose a shift of this unit"))
    shift = OpenShift(
        roster=roster,
        date=day,
        pattern=pattern,
        skill=skill.strip()[:40],
        note=note.strip()[:300],
        status=OpenShiftStatus.OPEN,
        posted_by=actor,
    )
    writes.save_new(shift, actor=actor, action="scheduling.post_open_shift")
    return shift


def _open_shift(actor: Any, open_shift_id: int, permission: str) -> OpenShift:
    shift = scoping.get_scoped(
        OpenShift.objects.select_for_update(of=("self",)).select_related(
            "roster", "roster__unit", "roster__unit__site", "pattern", "claimed_by__user"
        ),
        actor,
        permission,
        pk=open_shift_id,
    )
    return shift


def claim_problems(shift: OpenShift, staff: StaffMember) -> list[Any]:
    return pub.check_moves(shift.roster, [(staff.pk, shift.date, shift.pattern_id)])


def _skill_key(skill: str) -> str:
    return skill.strip().lower().replace(" ", "_")


def required_skills(shift: OpenShift) -> list[str]:
    """The skills an open shift asks for: its pattern's, and the skill-mix need it covers."""
    named = [str(s) for s in (shift.pattern.required_skills or [])] + [shift.skill]
    out: dict[str, str] = {}
    for skill in named:
        if skill and skill.strip():
            out.setdefault(_skill_key(skill), skill.strip())
    return sorted(out.values(), key=_skill_key)


def missing_skills(shift: OpenShift, staff: StaffMember, credentials: Iterable[Credential] | None = None) -> list[str]:
    """The skills of the open shift that `staff` does not hold on its date
    (`credentials`: the person's, if already loaded)."""
    needed = required_skills(shift)
    if not needed:
        return []
    if credentials is None:
        credentials = Credential.objects.filter(staff=staff, revoked_at__isnull=True).select_related("type")
    have = {_skill_key(s) for s in checks.skills_on(staff, credentials, shift.date)}
    return [s for s in needed if _skill_key(s) not in have]


def _require_skills(shift: OpenShift, staff: StaffMember, *, own: bool) -> None:
    missing = missing_skills(shift, staff)
    if not missing:
        return
    words = {"skills": ", ".join(missing), "date": shift.date.isoformat(), "who": staff}
    if own:
        message = _("You cannot take this shift: it requires %(skills)s, which you do not hold on %(date)s.") % words
    else:
        message = (
            _("%(who)s cannot take this shift: it requires %(skills)s, which they do not hold on %(date)s.") % words
        )
    raise errors.ValidationFailed(message, fields={"skill": [message]})


@transaction.atomic
def claim_open_shift(actor: Any, open_shift_id: int, *, now: datetime | None = None) -> OpenShift:
    """A person of the unit claims an open shift (one claim at a time)."""
    moment = now or clock.now()
    staff = _own_staff(actor)
    shift = _open_shift(actor, open_shift_id, "scheduling.request")
    roster = shift.roster
    if not staff.may_work_on_unit(roster.unit_id) or staff.site_id != roster.unit.site_id:
        raise errors.PermissionDenied(_("This shift is on a unit you do not work on."))
    if shift.status != OpenShiftStatus.OPEN:
        raise errors.ValidationFailed.field("status", _("this shift was already claimed"))
    _require_skills(shift, staff, own=True)
    hard = pub.hard_problems(claim_problems(shift, staff))
    if hard:
        raise errors.ValidationFailed(
            _("You cannot take this shift: %(problems)s") % {"problems": pub.describe_problems(hard)},
            fields={"status": [pub.describe_problems(hard)]},
        )
    writes.save_changes(
        shift,
        {"status": OpenShiftStatus.CLAIMED, "claimed_by": staff, "claimed_at": moment},
        actor=actor,
        action="scheduling.claim_open_shift",
        expected_version=None,
    )
    return shift


@transaction.atomic
def decide_claim(
    actor: Any,
    open_shift_id: int,
    *,
    approve: bool,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> OpenShift:
    """The coordinator approves the claim (after the rule check: hard problems refuse
    it; the person gets the shift, published at once) or declines it (open again)."""
    moment = now or clock.now()
    shift = _open_shift(actor, open_shift_id, "scheduling.view")
    roster = pub._roster_for_manager(actor, shift.roster_id)
    shift.roster = roster
    writes.check_version(shift, expected_version)
    if shift.status != OpenShiftStatus.CLAIMED or shift.claimed_by is None:
        raise errors.ValidationFailed.field("status", _("nobody has claimed this shift"))
    staff = shift.claimed_by
    label = f"{shift.date.isoformat()} {shift.pattern.name}"
    if not approve:
        writes.save_changes(
            shift,
            {"status": OpenShiftStatus.OPEN, "claimed_by": None, "claimed_at": None},
            actor=actor,
            action="scheduling.decline_claim",
            expected_version=None,
        )
        _notify(
            staff.user,
            kind="scheduling.claim_decided",
            title=_("Your claim of %(shift)s was declined") % {"shift": label},
            key=f"scheduling.open_shift:{shift.pk}:declined:{staff.pk}:{shift.version}",
            roster=roster,
            now=moment,
        )
        return shift
    _require_skills(shift, staff, own=False)
    problems = claim_problems(shift, staff)
    hard = pub.hard_problems(problems)
    if hard:
        raise errors.ValidationFailed(
            _("This claim breaks a hard rule and cannot be approved: %(problems)s")
            % {"problems": pub.describe_problems(hard)},
            fields={"problems": [pub.describe_problems(hard, limit=len(hard))]},
        )
    if RosterEntry.objects.filter(roster=roster, staff=staff, date=shift.date).exists():
        raise errors.ValidationFailed.field("status", _("%(who)s already works a shift that day") % {"who": staff})
    RosterEntry.objects.create(
        roster=roster, staff=staff, date=shift.date, pattern=shift.pattern, source=EntrySource.OPEN_SHIFT
    )
    writes.save_changes(
        shift,
        {"status": OpenShiftStatus.FILLED, "decided_by": actor, "decided_at": moment},
        actor=actor,
        action="scheduling.approve_claim",
        expected_version=None,
    )
    pub.apply_to_published(
        roster,
        actor,
        remove=[],
        add=[(staff.pk, shift.date.isoformat(), shift.pattern_id)],
        note=_("Open shift filled"),
        now=moment,
        action="publish_open_shift",
    )
    return shift


@transaction.atomic
def cancel_open_shift(
    actor: Any, open_shift_id: int, *, expected_version: int | None = None, now: datetime | None = None
) -> OpenShift:
    shift = _open_shift(actor, open_shift_id, "scheduling.view")
    pub._roster_for_manager(actor, shift.roster_id)
    writes.check_version(shift, expected_version)
    if shift.status not in (OpenShiftStatus.OPEN, OpenShiftStatus.CLAIMED):
        raise errors.ValidationFailed.field("status", _("this shift is already filled or cancelled"))
    return writes.save_changes(
        shift,
        {"status": OpenShiftStatus.CANCELLED},
        actor=actor,
        action="scheduling.cancel_open_shift",
        expected_version=None,
    )

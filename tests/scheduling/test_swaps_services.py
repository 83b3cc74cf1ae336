"""Swaps (propose → accept → approve with the rule check; a hard problem refuses)
and open shifts (post → claim → approve), each approval published at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from caredesk.core import errors
from caredesk.core.models import Notification
from caredesk.scheduling.models import OpenShift, RosterEntry, RosterVersion, SwapRequest
from caredesk.scheduling.queries import publishing as q
from caredesk.scheduling.services import publishing as pub
from caredesk.scheduling.services import swaps
from tests.scheduling.helpers_publishing import NOW, START, Problem, entry, make_staff, no_problems, problems_when, ward

pytestmark = pytest.mark.django_db

D1, D2 = START + timedelta(days=1), START + timedelta(days=3)


def _published(world: Any, w: Any) -> None:
    entry(w.roster, w.ann, D1, w.day)
    entry(w.roster, w.bob, D2, w.night)
    w.roster.refresh_from_db()
    pub.publish(world.coordinator_a, w.roster.pk, expected_version=w.roster.version, now=NOW)


def _entry(staff: Any, day: Any) -> RosterEntry:
    return RosterEntry.objects.get(staff=staff, date=day)


def test_swap_exchange_flow(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    no_problems(monkeypatch)
    w = ward(world)
    _published(world, w)
    Notification.objects.all().delete()
    swap = swaps.propose_swap(world.nurse_a, _entry(w.ann, D1).pk, w.bob.pk, _entry(w.bob, D2).pk, "family", now=NOW)
    assert swap.status == "proposed"
    assert Notification.objects.filter(recipient=w.bob_user).count() == 1
    with pytest.raises(errors.NotFound):  # not theirs: they learn nothing
        swaps.respond_swap(w.cid_user, swap.pk, accept=True, now=NOW)
    with pytest.raises(errors.ValidationFailed):  # not accepted yet
        swaps.decide_swap(world.coordinator_a, swap.pk, approve=True, now=NOW)
    swaps.respond_swap(w.bob_user, swap.pk, accept=True, now=NOW)
    swap.refresh_from_db()
    assert swap.status == "accepted"
    with pytest.raises(errors.PermissionDenied):
        swaps.decide_swap(world.nurse_a, swap.pk, approve=True, now=NOW)
    Notification.objects.all().delete()
    swaps.decide_swap(world.coordinator_a, swap.pk, approve=True, expected_version=swap.version, now=NOW)
    swap.refresh_from_db()
    assert swap.status == "approved"
    assert _entry(w.bob, D1).source == "swap" and _entry(w.ann, D2).pattern_id == w.night.pk
    w.roster.refresh_from_db()
    assert w.roster.published_version == 2
    assert [(s.date, s.pattern_code) for s in q.published_shifts(w.ann)] == [(D2, "N")]
    assert {n.recipient_id for n in Notification.objects.all()} == {world.nurse_a.pk, w.bob_user.pk}


def test_swap_refused_on_a_rest_violation(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    w = ward(world)

    def rest(staff_id: int, day: Any, pattern_id: int | None) -> Problem | None:
        if staff_id == w.bob.pk and pattern_id is not None:
            return Problem("rest", staff_id, day, "only 0 h of rest", True)
        return None

    problems_when(monkeypatch, rest)
    _published(world, w)
    swap = swaps.propose_swap(world.nurse_a, _entry(w.ann, D1).pk, w.bob.pk, None, now=NOW)
    swaps.respond_swap(w.bob_user, swap.pk, accept=True, now=NOW)
    with pytest.raises(errors.ValidationFailed) as exc:
        swaps.decide_swap(world.coordinator_a, swap.pk, approve=True, now=NOW)
    assert "rest" in exc.value.message
    swap.refresh_from_db()
    assert swap.status == "accepted" and _entry(w.ann, D1)
    assert RosterVersion.objects.filter(roster=w.roster).count() == 1
    swaps.decide_swap(world.coordinator_a, swap.pk, approve=False, reason="rest", now=NOW)
    swap.refresh_from_db()
    assert swap.status == "declined"


def test_swap_only_of_own_published_shift(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    no_problems(monkeypatch)
    w = ward(world)
    draft = entry(w.roster, w.ann, D1, w.day)
    with pytest.raises(errors.ValidationFailed):
        swaps.propose_swap(world.nurse_a, draft.pk, w.bob.pk, None, now=NOW)
    w.roster.refresh_from_db()
    pub.publish(world.coordinator_a, w.roster.pk, expected_version=w.roster.version, now=NOW)
    with pytest.raises(errors.NotFound):  # someone else's shift
        swaps.propose_swap(w.bob_user, draft.pk, w.cid.pk, None, now=NOW)
    nurse_b = make_staff(world.nurse_b, world.site_b, world.ltc_b)
    with pytest.raises(errors.ValidationFailed):  # a colleague of another site
        swaps.propose_swap(world.nurse_a, draft.pk, nurse_b.pk, None, now=NOW)


def test_open_shift_claim_and_approve(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    no_problems(monkeypatch)
    w = ward(world)
    _published(world, w)
    shift = swaps.post_open_shift(world.coordinator_a, w.roster.pk, D2, w.day.pk, "", "call-out", now=NOW)
    with pytest.raises(errors.PermissionDenied):
        swaps.post_open_shift(world.nurse_a, w.roster.pk, D2, w.day.pk, now=NOW)
    swaps.claim_open_shift(w.cid_user, shift.pk, now=NOW)
    with pytest.raises(errors.ValidationFailed):  # one claim at a time
        swaps.claim_open_shift(world.nurse_a, shift.pk, now=NOW)
    shift.refresh_from_db()
    assert shift.status == "claimed" and shift.claimed_by_id == w.cid.pk
    # Declined: open again; claimed again, approved.
    swaps.decide_claim(world.coordinator_a, shift.pk, approve=False, now=NOW)
    shift.refresh_from_db()
    assert shift.status == "open" and shift.claimed_by_id is None
    swaps.claim_open_shift(w.cid_user, shift.pk, now=NOW)
    Notification.objects.all().delete()
    swaps.decide_claim(world.coordinator_a, shift.pk, approve=True, now=NOW)
    shift.refresh_from_db()
    assert shift.status == "filled"
    assert RosterEntry.objects.get(staff=w.cid, date=D2).source == "open_shift"
    assert [(s.date, s.pattern_code) for s in q.published_shifts(w.cid)] == [(D2, "D")]
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [w.cid_user.pk]


def test_open_shift_claim_refused_by_the_rules_and_other_site(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    w = ward(world)
    problems_when(monkeypatch, lambda staff_id, day, p: Problem("time_off", staff_id, day, "approved time off", True))
    _published(world, w)
    shift = swaps.post_open_shift(world.coordinator_a, w.roster.pk, D2, w.day.pk, now=NOW)
    with pytest.raises(errors.ValidationFailed):
        swaps.claim_open_shift(w.cid_user, shift.pk, now=NOW)
    make_staff(world.nurse_b, world.site_b, world.ltc_b)
    with pytest.raises(errors.NotFound):
        swaps.claim_open_shift(world.nurse_b, shift.pk, now=NOW)
    assert OpenShift.objects.get(pk=shift.pk).status == "open"
    assert SwapRequest.objects.count() == 0

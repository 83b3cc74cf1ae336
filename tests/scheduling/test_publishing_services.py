"""Publishing: refused while a hard rule is broken, a frozen version, each person
whose shifts changed notified (exactly them), the version check, care shifts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from caredesk.assignment.models import CareShift, ShiftStaff
from caredesk.assignment.services import shift_times
from caredesk.core import errors
from caredesk.core.models import Notification
from caredesk.scheduling.models import Roster, RosterEntry, RosterVersion
from caredesk.scheduling.queries import publishing as q
from caredesk.scheduling.services import publishing as pub
from tests.scheduling.helpers_publishing import NOW, START, Problem, entry, no_problems, ward

pytestmark = pytest.mark.django_db


def _publish(world: Any, roster: Roster, **kw: Any) -> RosterVersion:
    roster.refresh_from_db()
    return pub.publish(world.coordinator_a, roster.pk, expected_version=roster.version, now=NOW, **kw)


def test_publish_refused_with_a_hard_problem(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    w = ward(world)
    entry(w.roster, w.ann, START, w.night)
    entry(w.roster, w.ann, START + timedelta(days=1), w.day)
    problem = Problem("rest", w.ann.pk, START + timedelta(days=1), "only 0 h of rest after the night", True)
    soft = Problem("wish", w.bob.pk, START, "would rather not work", False)
    monkeypatch.setattr(pub, "check_roster", lambda roster: [soft, problem])
    with pytest.raises(errors.ValidationFailed) as exc:
        _publish(world, w.roster)
    assert "rest" in exc.value.message and str(w.ann) in exc.value.message
    assert (START + timedelta(days=1)).isoformat() in exc.value.message
    w.roster.refresh_from_db()
    assert w.roster.published_version == 0 and w.roster.status == "draft"
    assert not RosterVersion.objects.exists()
    # Soft problems alone do not stop it.
    monkeypatch.setattr(pub, "check_roster", lambda roster: [soft])
    assert _publish(world, w.roster).number == 1


def test_publish_freezes_a_version_and_notifies_exactly_the_changed(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_problems(monkeypatch)
    w = ward(world)
    for i in range(3):
        entry(w.roster, w.ann, START + timedelta(days=i), w.day)
        entry(w.roster, w.bob, START + timedelta(days=i), w.night)
    first = _publish(world, w.roster, note="first")
    w.roster.refresh_from_db()
    assert (first.number, w.roster.published_version, w.roster.status) == (1, 1, "published")
    assert w.roster.published_at == NOW and not w.roster.has_unpublished_changes
    assert len(first.entries) == 6
    assert {n.recipient_id for n in Notification.objects.all()} == {world.nurse_a.pk, w.bob_user.pk}
    Notification.objects.all().delete()

    # Bob's second day becomes Cid's; Ann is untouched.
    RosterEntry.objects.filter(staff=w.bob, date=START + timedelta(days=1)).update(staff=w.cid)
    pub.mark_changed(w.roster)
    assert q.diff(w.roster)[0]["changes"]
    second = _publish(world, w.roster)
    assert second.number == 2
    notes = list(Notification.objects.all())
    assert {n.recipient_id for n in notes} == {w.bob_user.pk, w.cid_user.pk}
    bob_note = next(n for n in notes if n.recipient_id == w.bob_user.pk)
    assert (START + timedelta(days=1)).isoformat() in bob_note.body and "Night" in bob_note.body
    # The first version is frozen as it was.
    first.refresh_from_db()
    assert {(r["staff_id"], r["date"]) for r in first.entries} >= {(w.bob.pk, (START + timedelta(days=1)).isoformat())}
    w.roster.refresh_from_db()
    assert not w.roster.has_unpublished_changes and q.diff(w.roster) == []


def test_publish_version_conflict(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    no_problems(monkeypatch)
    w = ward(world)
    stale = w.roster.version
    Roster.objects.filter(pk=w.roster.pk).update(version=stale + 1)
    with pytest.raises(errors.Conflict):
        pub.publish(world.coordinator_a, w.roster.pk, expected_version=stale, now=NOW)


def test_publish_permissions(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    no_problems(monkeypatch)
    w = ward(world)
    with pytest.raises(errors.PermissionDenied):
        pub.publish(world.nurse_a, w.roster.pk, expected_version=w.roster.version, now=NOW)
    with pytest.raises(errors.NotFound):
        pub.publish(world.coordinator_b, w.roster.pk, expected_version=w.roster.version, now=NOW)


def test_publish_puts_people_on_existing_care_shifts(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    no_problems(monkeypatch)
    w = ward(world)
    starts, ends = shift_times(world.site_a.time_zone, START, w.day.start_time, w.day.length_minutes)
    shift = CareShift.objects.create(
        unit=world.icu_a, pattern=w.day, date=START, label="Day", starts_at=starts, ends_at=ends
    )
    entry(w.roster, w.ann, START, w.day)
    entry(w.roster, w.bob, START, w.day)
    _publish(world, w.roster)
    assert set(ShiftStaff.objects.filter(shift=shift, source="roster").values_list("staff_id", flat=True)) == {
        w.ann.pk,
        w.bob.pk,
    }
    RosterEntry.objects.filter(staff=w.bob).delete()
    _publish(world, w.roster)
    assert list(ShiftStaff.objects.filter(shift=shift).values_list("staff_id", flat=True)) == [w.ann.pk]


def test_my_shifts_read_the_published_version_only(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    no_problems(monkeypatch)
    w = ward(world)
    entry(w.roster, w.ann, START, w.day)
    assert q.published_shifts(w.ann) == []
    _publish(world, w.roster)
    entry(w.roster, w.ann, START + timedelta(days=2), w.night)  # not published yet
    shifts = q.published_shifts(w.ann)
    assert [(s.date, s.pattern_code) for s in shifts] == [(START, "D")]
    assert shifts[0].entry_id is not None


def test_replan_after_publication(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    no_problems(monkeypatch)
    w = ward(world)
    entry(w.roster, w.ann, START, w.day)
    with pytest.raises(errors.ValidationFailed):  # never published: generate instead
        pub.replan(world.coordinator_a, w.roster.pk, expected_version=w.roster.version, now=NOW)
    _publish(world, w.roster)
    w.roster.refresh_from_db()
    with pytest.raises(errors.PermissionDenied):
        pub.replan(world.nurse_a, w.roster.pk, expected_version=w.roster.version, now=NOW)
    run = pub.replan(world.coordinator_a, w.roster.pk, expected_version=w.roster.version, now=NOW)
    assert run.roster_id == w.roster.pk and run.breakdown == {"replan": 1}

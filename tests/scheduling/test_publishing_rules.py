"""With the real rule check (scheduling.checks): a roster with a broken rest rule
is never published, and a swap that would break it is never approved."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from caredesk.core import errors
from caredesk.scheduling.models import RosterEntry
from caredesk.scheduling.services import publishing as pub
from caredesk.scheduling.services import swaps
from tests.scheduling.helpers_publishing import NOW, START, entry, ward

pytestmark = pytest.mark.django_db


def test_a_rest_violation_blocks_publication(world: Any) -> None:
    w = ward(world)
    entry(w.roster, w.ann, START, w.night)  # ends 07:00 the next morning
    bad = entry(w.roster, w.ann, START + timedelta(days=1), w.day)  # starts 07:00: no rest
    w.roster.refresh_from_db()
    with pytest.raises(errors.ValidationFailed) as exc:
        pub.publish(world.coordinator_a, w.roster.pk, expected_version=w.roster.version, now=NOW)
    assert str(w.ann) in exc.value.message and (START + timedelta(days=1)).isoformat() in exc.value.message
    bad.delete()
    version = pub.publish(world.coordinator_a, w.roster.pk, expected_version=w.roster.version, now=NOW)
    assert version.number == 1


def test_a_swap_breaking_rest_is_refused(world: Any) -> None:
    w = ward(world)
    entry(w.roster, w.ann, START + timedelta(days=1), w.day)
    entry(w.roster, w.bob, START, w.night)  # Bob taking Ann's day after his night: no rest
    entry(w.roster, w.cid, START + timedelta(days=3), w.day)
    w.roster.refresh_from_db()
    pub.publish(world.coordinator_a, w.roster.pk, expected_version=w.roster.version, now=NOW)
    ann_day = RosterEntry.objects.get(staff=w.ann)
    swap = swaps.propose_swap(world.nurse_a, ann_day.pk, w.bob.pk, None, now=NOW)
    swaps.respond_swap(w.bob_user, swap.pk, accept=True, now=NOW)
    with pytest.raises(errors.ValidationFailed) as exc:
        swaps.decide_swap(world.coordinator_a, swap.pk, approve=True, now=NOW)
    assert str(w.bob) in exc.value.message
    # Cid can take it: no problem, approved and published.
    swaps.decide_swap(world.coordinator_a, swap.pk, approve=False, now=NOW)
    swap2 = swaps.propose_swap(world.nurse_a, ann_day.pk, w.cid.pk, None, now=NOW)
    swaps.respond_swap(w.cid_user, swap2.pk, accept=True, now=NOW)
    swaps.decide_swap(world.coordinator_a, swap2.pk, approve=True, now=NOW)
    assert RosterEntry.objects.get(date=START + timedelta(days=1), pattern=w.day).staff_id == w.cid.pk

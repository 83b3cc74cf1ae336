"""Staff requests: ask, decide, cancel; field errors, notifications, rostered
days warned about, who may do what."""

from __future__ import annotations

from datetime import timedelta

import pytest

from caredesk.core import errors
from caredesk.core.models import Notification
from caredesk.scheduling.models import RequestKind, RequestStatus
from caredesk.scheduling.queries import requests as queries
from caredesk.scheduling.schemas.requests import StaffRequestCreate
from caredesk.scheduling.services import requests as services
from tests.scheduling.helpers_needs import make_nurse, make_request, patterns, published_entry, staff_for, today

pytestmark = pytest.mark.django_db


def _ask(world, user, kind="time_off", offset=10, days=3, **kw):
    first = today(world.site_a) + timedelta(days=offset)
    data = StaffRequestCreate(kind=kind, start_date=first, end_date=first + timedelta(days=days - 1), **kw)
    return services.create_request(user, data)


def test_time_off_is_pending_and_wishes_are_noted(world):
    staff_for(world.nurse_a, world.site_a, world.icu_a)
    day, _ = patterns(world.icu_a)
    off = _ask(world, world.nurse_a, reason="wedding")
    assert off.status == RequestStatus.PENDING and off.reason == "wedding"
    wish = _ask(world, world.nurse_a, "shift_wanted", offset=20, pattern_id=day.pk)
    assert wish.status == RequestStatus.NOTED and wish.pattern == day
    assert _ask(world, world.nurse_a, "unavailable", offset=30).status == RequestStatus.NOTED


def test_field_errors(world):
    staff_for(world.nurse_a, world.site_a, world.icu_a)
    day, _ = patterns(world.icu_a)
    _, other = patterns(world.ms_a)
    first = today(world.site_a) + timedelta(days=5)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.create_request(
            world.nurse_a,
            StaffRequestCreate(kind=RequestKind.TIME_OFF, start_date=first, end_date=first - timedelta(days=1)),
        )
    assert exc.value.fields == {"end_date": ["the last day cannot be before the first"]}
    with pytest.raises(errors.ValidationFailed) as exc:
        _ask(world, world.nurse_a, offset=-3)
    assert "start_date" in exc.value.fields
    with pytest.raises(errors.ValidationFailed) as exc:
        _ask(world, world.nurse_a, pattern_id=day.pk)
    assert "pattern_id" in exc.value.fields  # time off is whole days
    with pytest.raises(errors.ValidationFailed) as exc:
        _ask(world, world.nurse_a, "shift_unwanted", pattern_id=other.pk)
    assert "pattern_id" in exc.value.fields
    _ask(world, world.nurse_a)
    with pytest.raises(errors.ValidationFailed) as exc:
        _ask(world, world.nurse_a, offset=11)
    assert "start_date" in exc.value.fields and "already asked" in exc.value.fields["start_date"][0]


def test_without_a_staff_record_nothing_can_be_asked(world):
    with pytest.raises(errors.PermissionDenied):
        _ask(world, world.nurse_a)


def test_approve_notifies_and_warns_about_published_shifts(world):
    nurse = staff_for(world.nurse_a, world.site_a, world.icu_a)
    day, _ = patterns(world.icu_a)
    req = _ask(world, world.nurse_a)
    published_entry(world.icu_a, nurse, req.start_date + timedelta(days=1), day, world.coordinator_a)
    d = services.decide_request(world.coordinator_a, req.pk, True, "", expected_version=1)
    assert d.request.status == RequestStatus.APPROVED and d.request.decided_by == world.coordinator_a
    assert d.rostered_dates == [req.start_date + timedelta(days=1)]
    assert (req.start_date + timedelta(days=1)).isoformat() in d.warnings[0]
    note = Notification.objects.get(recipient=world.nurse_a)
    assert "approved" in note.title and note.link == "/scheduling/requests/mine/"


def test_decline_needs_a_reason_and_notifies(world):
    staff_for(world.nurse_a, world.site_a, world.icu_a)
    req = _ask(world, world.nurse_a)
    with pytest.raises(errors.ValidationFailed) as exc:
        services.decide_request(world.coordinator_a, req.pk, False, "  ", expected_version=1)
    assert exc.value.fields == {"reason": ["say why the time off is declined"]}
    d = services.decide_request(world.coordinator_a, req.pk, False, "two others already off", expected_version=1)
    assert d.request.status == RequestStatus.DECLINED and d.request.decision_reason == "two others already off"
    note = Notification.objects.get(recipient=world.nurse_a)
    assert "declined" in note.title and note.body == "two others already off"
    with pytest.raises(errors.ValidationFailed) as exc:
        services.decide_request(world.coordinator_a, req.pk, True, "", expected_version=2)
    assert "status" in exc.value.fields


def test_decide_version_conflict(world):
    staff_for(world.nurse_a, world.site_a, world.icu_a)
    req = _ask(world, world.nurse_a)
    with pytest.raises(errors.Conflict):
        services.decide_request(world.coordinator_a, req.pk, True, expected_version=5)


def test_who_may_decide(world):
    staff_for(world.nurse_a, world.site_a, world.icu_a)
    colleague = make_nurse(world.site_a, world.icu_a)
    req = _ask(world, world.nurse_a)
    with pytest.raises(errors.NotFound):  # a nurse cannot see a colleague's request
        services.decide_request(colleague.user, req.pk, True, expected_version=1)
    with pytest.raises(errors.PermissionDenied):  # the nurse cannot decide her own
        services.decide_request(world.nurse_a, req.pk, True, expected_version=1)
    with pytest.raises(errors.NotFound):
        services.decide_request(world.coordinator_b, req.pk, True, expected_version=1)
    with pytest.raises(errors.NotFound):
        services.decide_request(world.auditor_a, req.pk, True, expected_version=1)
    assert services.decide_request(world.director_a, req.pk, True, expected_version=1).request.status == "approved"


def test_a_coordinator_does_not_approve_their_own(world):
    staff_for(world.coordinator_a, world.site_a, world.icu_a)
    req = _ask(world, world.coordinator_a)
    with pytest.raises(errors.PermissionDenied):
        services.decide_request(world.coordinator_a, req.pk, True, expected_version=1)


def test_wishes_need_no_decision(world):
    staff_for(world.nurse_a, world.site_a, world.icu_a)
    wish = _ask(world, world.nurse_a, "shift_unwanted")
    with pytest.raises(errors.ValidationFailed):
        services.decide_request(world.coordinator_a, wish.pk, True, expected_version=1)


def test_cancel_rules(world):
    staff_for(world.nurse_a, world.site_a, world.icu_a)
    pending = _ask(world, world.nurse_a)
    assert services.cancel_request(world.nurse_a, pending.pk, expected_version=1).status == "cancelled"
    with pytest.raises(errors.ValidationFailed):
        services.cancel_request(world.nurse_a, pending.pk, expected_version=2)
    approved = _ask(world, world.nurse_a, offset=40)
    services.decide_request(world.coordinator_a, approved.pk, True, expected_version=1)
    with pytest.raises(errors.PermissionDenied):
        services.cancel_request(world.nurse_a, approved.pk, expected_version=2)
    Notification.objects.all().delete()
    assert services.cancel_request(world.coordinator_a, approved.pk, expected_version=2).status == "cancelled"
    assert "cancelled" in Notification.objects.get(recipient=world.nurse_a).title
    wish = _ask(world, world.nurse_a, "shift_wanted", offset=50)
    with pytest.raises(errors.Conflict):
        services.cancel_request(world.nurse_a, wish.pk, expected_version=3)
    with pytest.raises(errors.NotFound):
        services.cancel_request(world.coordinator_b, wish.pk, expected_version=1)


def test_queue_scope_and_order(world):
    nurse = staff_for(world.nurse_a, world.site_a, world.icu_a)
    other_unit = make_nurse(world.site_a, world.ms_a)
    site_b = staff_for(world.nurse_b, world.site_b, world.ltc_b)
    wish = make_request(nurse, "shift_wanted", start=today(world.site_a) + timedelta(days=2))
    off = make_request(nurse, start=today(world.site_a) + timedelta(days=20))
    make_request(other_unit)
    make_request(site_b)
    assert list(queries.for_units(world.coordinator_a)) == [off, wish]  # pending time off first
    assert queries.for_units(world.nurse_a).count() == 0
    assert queries.for_units(world.director_a).count() == 3
    assert queries.for_units(world.coordinator_b).count() == 1
    assert list(queries.mine(world.nurse_a)) == [off, wish]


def test_hard_days_and_who_is_off(world):
    nurse = staff_for(world.nurse_a, world.site_a, world.icu_a)
    day, _ = patterns(world.icu_a)
    first = today(world.site_a) + timedelta(days=3)
    make_request(nurse, start=first, days=2, status="approved")
    make_request(nurse, "unavailable", start=first + timedelta(days=5), days=1)
    make_request(nurse, "unavailable", start=first + timedelta(days=6), days=1, pattern=day)
    make_request(nurse, start=first + timedelta(days=8), days=1)  # pending: not hard yet
    got = queries.hard_days([nurse.pk], first, first + timedelta(days=10))
    assert got == {nurse.pk: {first, first + timedelta(days=1), first + timedelta(days=5)}}
    rows = queries.who_is_off(world.coordinator_a, world.icu_a.pk, first, 28)
    assert rows[0].cells[:2] == ["off", "off"] and rows[0].cells[5] == "unavailable" and rows[0].cells[8] == "pending"

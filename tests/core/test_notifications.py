"""In-app notifications: raised once, e-mailed after commit, read by their owner only."""

from __future__ import annotations

import pytest
from django.core import mail

from caredesk.core import errors, notifications
from caredesk.core.models import Notification

pytestmark = pytest.mark.django_db


def test_the_same_notification_is_raised_once(world):
    first = notifications.notify(
        world.nurse_a, kind="credential.expiring", title="BLS expires in 30 days", dedupe_key="bls:30"
    )
    again = notifications.notify(
        world.nurse_a, kind="credential.expiring", title="BLS expires in 30 days", dedupe_key="bls:30"
    )
    assert first is not None and again is None
    assert Notification.objects.filter(recipient=world.nurse_a).count() == 1


def test_email_leaves_only_after_commit(world, django_capture_on_commit_callbacks):
    world.nurse_a.email = "nurse@example.org"
    world.nurse_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(world.nurse_a, kind="x", title="Late dose", dedupe_key="d1", body="Room A201")
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "[CareDesk] Late dose"


def test_only_the_recipient_marks_as_read(world, api):
    note = notifications.notify(world.nurse_a, kind="x", title="t", dedupe_key="k")
    with pytest.raises(errors.NotFound):
        notifications.mark_read(world.director_a, note.pk)
    assert api.get("/notifications?unread=true", user=world.nurse_a).json()["count"] == 1
    assert api.post(f"/notifications/{note.pk}/read", user=world.nurse_a).status_code == 200
    assert api.get("/notifications?unread=true", user=world.nurse_a).json()["count"] == 0


def test_badge_shows_the_unread_count(world, client):
    notifications.notify(world.nurse_a, kind="x", title="t1", dedupe_key="k1")
    notifications.notify(world.nurse_a, kind="x", title="t2", dedupe_key="k2")
    client.force_login(world.nurse_a)
    badge = client.get("/notifications/badge/").content.decode()
    assert "text-bg-danger" in badge and ">2<" in badge
    client.post("/notifications/read-all/")
    assert "text-bg-danger" not in client.get("/notifications/badge/").content.decode()

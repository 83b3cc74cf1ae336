"""Changing and resetting a password."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from caredesk.core.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_change_own_password(world, client):
    client.force_login(world.nurse_a)
    r = client.post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": "Meadow-lantern-88", "new_password2": "Meadow-lantern-88"},
    )
    assert r.status_code == 200
    r = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Meadow-lantern-88", "new_password2": "Meadow-lantern-88"},
    )
    assert r.status_code == 302
    world.nurse_a.refresh_from_db()
    assert world.nurse_a.check_password("Meadow-lantern-88")
    assert AuditEvent.objects.filter(action="accounts.change_password", actor_id=world.nurse_a.pk).exists()


def test_reset_by_email_link(world, client):
    world.nurse_a.email = "nurse.a@example.org"
    world.nurse_a.save()
    r = client.post("/accounts/password/reset/", {"email": "nurse.a@example.org"})
    assert r.status_code == 302 and len(mail.outbox) == 1
    # The same answer for an unknown address: no way to learn who has an account.
    assert client.post("/accounts/password/reset/", {"email": "nobody@example.org"}).status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    target = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    r = client.post(target, {"new_password1": "Harbour-violet-31", "new_password2": "Harbour-violet-31"})
    assert r.status_code == 302
    world.nurse_a.refresh_from_db()
    assert world.nurse_a.check_password("Harbour-violet-31")
    assert AuditEvent.objects.filter(action="accounts.reset_password", actor_id=world.nurse_a.pk).exists()

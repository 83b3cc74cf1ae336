"""Log-in security: argon2, password rules, lock-out, idle log-off, API tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings

from caredesk.accounts import schemas, services
from caredesk.accounts.models import ApiToken
from caredesk.core import clock, errors
from caredesk.core.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2_in_production_settings():
    import caredesk.settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert any("MinimumLengthValidator" in v["NAME"] for v in production.AUTH_PASSWORD_VALIDATORS)


def test_log_in_and_out_are_audited(world, client):
    response = login(client, "coordinator_a", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    actions = list(AuditEvent.objects.filter(actor_id=world.coordinator_a.pk).values_list("action", flat=True))
    assert actions[-2:] == ["accounts.login", "accounts.logout"]
    assert client.get("/").status_code == 302


def test_lock_out_after_repeated_failures(world, client, settings):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit):
        response = login(client, "nurse_a", "wrong-password")
        assert response.status_code in (200, 429)
    # Now even the right password is refused.
    response = login(client, "nurse_a", PASSWORD)
    assert response.status_code == 429
    assert b"locked" in response.content.lower()
    assert AuditEvent.objects.filter(action="accounts.login_failed", object_id="nurse_a").count() >= limit - 1
    # Another person's account is not affected.
    assert login(client, "coordinator_a", PASSWORD).status_code == 302


def test_idle_sessions_are_signed_out(world, client):
    start = clock.now()
    with time_machine.travel(start, tick=False) as traveller:
        assert login(client, "coordinator_a", PASSWORD).status_code == 302
        traveller.shift(timedelta(minutes=settings.CAREDESK_IDLE_TIMEOUT_MINUTES - 1))
        assert client.get("/").status_code == 200  # activity resets the clock
        traveller.shift(timedelta(minutes=settings.CAREDESK_IDLE_TIMEOUT_MINUTES - 1))
        assert client.get("/org/units/").status_code == 200
        traveller.shift(timedelta(minutes=settings.CAREDESK_IDLE_TIMEOUT_MINUTES, seconds=1))
        response = client.get("/org/units/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert client.get("/").status_code == 302  # the session is gone


def test_background_polling_does_not_keep_a_session_alive(world, client):
    start = clock.now()
    with time_machine.travel(start, tick=False) as traveller:
        login(client, "coordinator_a", PASSWORD)
        for _ in range(4):
            traveller.shift(timedelta(minutes=settings.CAREDESK_IDLE_TIMEOUT_MINUTES / 4))
            client.get("/", HTTP_X_CAREDESK_BACKGROUND="1")
        traveller.shift(timedelta(seconds=5))
        assert client.get("/").status_code == 302


def test_api_session_expiry_answers_401_in_the_error_shape(world, client):
    start = clock.now()
    with time_machine.travel(start, tick=False) as traveller:
        login(client, "coordinator_a", PASSWORD)
        traveller.shift(timedelta(minutes=settings.CAREDESK_IDLE_TIMEOUT_MINUTES + 1))
        response = client.get("/api/v1/sites")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "session_expired"


def test_api_tokens_are_stored_hashed_and_work_until_revoked_or_expired(world, client):
    token, secret = services.create_api_token(world.coordinator_a, schemas.TokenCreate(name="bed board", days=1))
    assert secret.startswith("cdk_") and secret not in token.token_hash
    assert not ApiToken.objects.filter(token_hash=secret).exists()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=headers).json()["username"] == "coordinator_a"
    with time_machine.travel(clock.now() + timedelta(days=1, seconds=1)):
        assert client.get("/api/v1/me", headers=headers).status_code == 401
    services.revoke_api_token(world.coordinator_a, token.pk)
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_tokens_stop_working_when_the_user_is_deactivated(world, client):
    _token, secret = services.create_api_token(world.nurse_a, schemas.TokenCreate(name="x"))
    world.nurse_a.is_active = False
    world.nurse_a.save()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_nobody_can_revoke_another_persons_token(world):
    token, _ = services.create_api_token(world.nurse_a, schemas.TokenCreate(name="x"))
    with pytest.raises(errors.NotFound):
        services.revoke_api_token(world.director_a, token.pk)


def test_tokens_page_shows_the_secret_once(world, client):
    client.force_login(world.nurse_a)
    response = client.post("/accounts/tokens/", {"name": "my phone", "days": 30})
    assert b"cdk_" in response.content
    assert b"cdk_" not in client.get("/accounts/tokens/").content.replace(b"<code>cdk_", b"")

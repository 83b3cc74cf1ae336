"""Shared fixtures: named personas on two sites, built once per test.

Site A ("Alpha General Hospital") has an ICU and a med-surg unit; site B
("Bravo Care Home") is another organisation's site as far as A's people are
concerned. Every persona is a real log-in with a real role grant.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import testcases

from caredesk.core import dbguard

# Between transactional tests Django empties every table; the audit table
# refuses DELETE except when this process explicitly allows a purge.
_original_teardown = testcases.TransactionTestCase._fixture_teardown


def _teardown_allowing_audit_purge(self: Any) -> None:
    with dbguard.audit_purge_allowed():
        _original_teardown(self)


testcases.TransactionTestCase._fixture_teardown = _teardown_allowing_audit_purge  # type: ignore[method-assign]

REQUIRE_ALL = os.environ.get("CAREDESK_REQUIRE_ALL", "") not in ("", "0", "false")


def skip_or_fail(reason: str) -> None:
    """Skip on a laptop without the tool; fail in CI, where everything must run."""
    if REQUIRE_ALL:
        pytest.fail(f"CAREDESK_REQUIRE_ALL is set but: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    # Argon2 is the real hasher (see test_settings); tests hash with MD5 for speed.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings: Any, tmp_path: Any) -> None:
    """Uploaded documents go to the test's own folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


PASSWORD = "Correct-horse-battery-9"


@dataclass
class World:
    site_a: Any
    site_b: Any
    icu_a: Any
    ms_a: Any
    ltc_b: Any
    room_a: Any
    bed_a: Any
    room_b: Any
    bed_b: Any
    director_a: Any
    assistant_a: Any
    coordinator_a: Any  # coordinator of the ICU of site A
    nurse_a: Any  # RN on the ICU of site A
    hr_a: Any
    finance_a: Any
    compliance_a: Any
    auditor_a: Any
    admin_a: Any
    director_b: Any
    coordinator_b: Any
    nurse_b: Any
    auditor_b: Any
    superuser: Any

    def persona(self, name: str) -> Any:
        return getattr(self, name)


def make_user(
    username: str, *, role: str | None = None, site: Any = None, unit: Any = None, discipline: str = "", **extra: Any
) -> Any:
    from caredesk.accounts.models import RoleGrant, User

    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        first_name=username.split("_")[0].title(),
        last_name=username.split("_")[-1].upper(),
        **extra,
    )
    if role:
        RoleGrant.objects.create(user=user, role=role, site=site, unit=unit, discipline=discipline)
    return user


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


def build_world() -> World:
    """Two sites, A (a hospital) and B (a care home), with a person of every
    role; the database must be open to the caller."""
    from caredesk.org.models import Bed, Room, Site, Unit

    site_a = Site.objects.create(
        name="Alpha General Hospital", code="ALPHA", kind="hospital", time_zone="America/New_York", city="Hartford"
    )
    site_b = Site.objects.create(
        name="Bravo Care Home", code="BRAVO", kind="nursing_home", time_zone="Europe/Paris", city="Lyon"
    )
    icu_a = Unit.objects.create(site=site_a, name="Alpha ICU", code="A-ICU", kind="icu")
    ms_a = Unit.objects.create(site=site_a, name="Alpha 4 West", code="A-4W", kind="med_surg")
    ltc_b = Unit.objects.create(site=site_b, name="Bravo Birch Wing", code="B-LTC", kind="long_term_care")
    room_a = Room.objects.create(unit=icu_a, name="A201", position=1)
    bed_a = Bed.objects.create(room=room_a, label="A")
    room_b = Room.objects.create(unit=ltc_b, name="B101", position=1)
    bed_b = Bed.objects.create(room=room_b, label="A")
    return World(
        site_a=site_a,
        site_b=site_b,
        icu_a=icu_a,
        ms_a=ms_a,
        ltc_b=ltc_b,
        room_a=room_a,
        bed_a=bed_a,
        room_b=room_b,
        bed_b=bed_b,
        director_a=make_user("director_a", role="director", site=site_a),
        assistant_a=make_user("assistant_a", role="assistant_director", site=site_a),
        coordinator_a=make_user("coordinator_a", role="coordinator", site=site_a, unit=icu_a),
        nurse_a=make_user("nurse_a", role="clinician", site=site_a, unit=icu_a, discipline="rn"),
        hr_a=make_user("hr_a", role="hr", site=site_a),
        finance_a=make_user("finance_a", role="finance", site=site_a),
        compliance_a=make_user("compliance_a", role="compliance", site=site_a),
        auditor_a=make_user("auditor_a", role="auditor", site=site_a),
        admin_a=make_user("admin_a", role="administrator", site=site_a),
        director_b=make_user("director_b", role="director", site=site_b),
        coordinator_b=make_user("coordinator_b", role="coordinator", site=site_b, unit=ltc_b),
        nurse_b=make_user("nurse_b", role="clinician", site=site_b, unit=ltc_b, discipline="lpn"),
        auditor_b=make_user("auditor_b", role="auditor", site=site_b),
        superuser=make_user("root_admin", is_superuser=True, is_staff=True),
    )


def bearer(user: Any) -> dict[str, str]:
    """Headers authenticating as `user` with a fresh API token."""
    from caredesk.accounts import schemas, services

    _token, secret = services.create_api_token(user, schemas.TokenCreate(name="test"))
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def api(client: Any) -> Any:
    """A JSON client: api.get(path, user=...), api.post(path, body, user=...)."""
    import json as _json

    class Api:
        def __init__(self) -> None:
            self._tokens: dict[int, dict[str, str]] = {}

        def _headers(self, user: Any) -> dict[str, str]:
            if user is None:
                return {}
            if user.pk not in self._tokens:
                self._tokens[user.pk] = bearer(user)
            return self._tokens[user.pk]

        def call(self, method: str, path: str, body: Any = None, *, user: Any = None, raw: str | None = None) -> Any:
            url = path if path.startswith("/api/") else f"/api/v1{path}"
            data = raw if raw is not None else (_json.dumps(body) if body is not None else None)
            kwargs: dict[str, Any] = {"headers": self._headers(user)}
            if data is not None:
                kwargs.update(data=data, content_type="application/json")
            return getattr(client, method.lower())(url, **kwargs)

        def get(self, path: str, **kw: Any) -> Any:
            return self.call("GET", path, **kw)

        def post(self, path: str, body: Any = None, **kw: Any) -> Any:
            return self.call("POST", path, body, **kw)

        def patch(self, path: str, body: Any = None, **kw: Any) -> Any:
            return self.call("PATCH", path, body, **kw)

        def put(self, path: str, body: Any = None, **kw: Any) -> Any:
            return self.call("PUT", path, body, **kw)

        def delete(self, path: str, **kw: Any) -> Any:
            return self.call("DELETE", path, **kw)

    return Api()

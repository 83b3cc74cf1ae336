"""A user of another site gets no data: every API route and every page, walked
automatically, so an endpoint added later is covered without writing a test.

For each route, people of site B (a director and an auditor) call it aimed at
site A's records. The answer must carry none of site A's names, must be a
403/404 where it names a site-A record, and site A's rows must not change.
A control call by an administrator proves the same request reaches real data.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from caredesk.accounts.models import ApiToken, RoleGrant, User
from caredesk.api import api as ninja_api
from caredesk.core.models import Notification
from caredesk.core.notifications import notify
from caredesk.org.models import Bed, Room, Site, Unit
from tests.conftest import PASSWORD, World, bearer, build_world

pytestmark = pytest.mark.django_db

OUTSIDERS = ["director_b", "auditor_b"]
# Strings that exist only in site A's data; none may reach an outsider.
MARKERS = [
    "Alpha General Hospital",
    "Alpha ICU",
    "Alpha 4 West",
    "A-ICU",
    "A201",
    "director_a",
    "nurse_a",
    "coordinator_a",
]


def site_a_state(w: World) -> str:
    """Every row of site A, as text, to prove nothing of it changed."""
    rows: list[Any] = [
        list(Site.objects.filter(pk=w.site_a.pk).values()),
        list(Unit.objects.filter(site=w.site_a).values()),
        list(Room.objects.filter(unit__site=w.site_a).values()),
        list(Bed.objects.filter(room__unit__site=w.site_a).values()),
        list(RoleGrant.objects.filter(site=w.site_a).values()),
        list(
            User.objects.filter(role_grants__site=w.site_a).values(
                "id", "username", "language", "is_active", "password"
            )
        ),
        list(ApiToken.objects.filter(user__role_grants__site=w.site_a).values("id", "revoked_at")),
        list(Notification.objects.filter(recipient__role_grants__site=w.site_a).values("id", "read_at")),
    ]
    rows += [module.state(w) for module in _walk_modules() if hasattr(module, "state")]
    return json.dumps(rows, default=str, sort_keys=True)


def _walk_modules() -> list[Any]:
    """Each app's tests may add to the walk with `tests/<app>/walk.py`:
    `targets(world) -> {param_name: id of a site-A record}` and optionally
    `state(world) -> rows of site A that no outsider may change`."""
    import importlib
    import pkgutil

    import tests

    modules = []
    for info in pkgutil.iter_modules(tests.__path__):
        if not info.ispkg:
            continue
        try:
            modules.append(importlib.import_module(f"tests.{info.name}.walk"))
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.{info.name}.walk":
                raise
    return modules


def app_targets(w: World) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for module in _walk_modules():
        found.update(module.targets(w))
    return found


def targets(w: World) -> dict[str, Any]:
    """What a path or body parameter of each name points at: always site A's."""
    token, _secret = __import__("caredesk.accounts.services", fromlist=["x"]).create_api_token(
        w.nurse_a, __import__("caredesk.accounts.schemas", fromlist=["x"]).TokenCreate(name="nurse's integration")
    )
    return {
        "site_id": w.site_a.pk,
        "unit_id": w.icu_a.pk,
        "room_id": w.room_a.pk,
        "bed_id": w.bed_a.pk,
        "user_id": w.nurse_a.pk,
        "grant_id": w.nurse_a.role_grants.get().pk,
        "token_id": token.pk,
        "notification_id": notify(
            w.nurse_a, kind="test", title="Alpha ICU: BLS expires soon", dedupe_key="walk", site_id=w.site_a.pk
        ).pk,
        **app_targets(w),
    }


def body_of(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def leaks(content: bytes) -> list[str]:
    text = content.decode("utf-8", "replace")
    return [m for m in MARKERS if m in text]


def seed_site_a_activity(w: World) -> None:
    """Audit events about site A, so a leaky audit endpoint would show them."""
    from caredesk.org import schemas, services

    services.update_unit(w.director_a, w.ms_a.pk, schemas.UnitUpdate(version=w.ms_a.version, phone="555-0100"))


def wrote_only_own_token(seen: CaptureQueriesContext, user: Any) -> bool:
    """Whether the statements run were all reads, but for the touch of the
    caller's own API token (its last use): then site A cannot have changed,
    and the costly comparison of its rows is skipped.  Anything that is not
    plainly a read counts as a write."""
    own = set(ApiToken.objects.filter(user=user).values_list("pk", flat=True))
    for query in seen.captured_queries:
        sql = query["sql"].lstrip()
        if sql.upper().startswith(("SELECT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
            continue
        touch = re.fullmatch(
            r'UPDATE "accounts_apitoken" SET "last_used_at" = .+ WHERE "accounts_apitoken"\."id" = (\d+)', sql
        )
        if touch and int(touch.group(1)) in own:
            continue
        return False
    return True


def assert_site_a_kept(world: World, before: str, seen: CaptureQueriesContext, outsider: str, what: str) -> None:
    """Site A's rows are as ``before``, unless the calls ``seen`` could not
    have changed them."""
    if not wrote_only_own_token(seen, world.persona(outsider)):
        assert site_a_state(world) == before, f"{what} by {outsider} changed site A"


@pytest.fixture(scope="module")
def walk_media(tmp_path_factory: Any) -> Any:
    return tmp_path_factory.mktemp("walk") / "media"


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings: Any, walk_media: Any) -> None:
    """Site A's documents are uploaded once for the module, to its own folder."""
    settings.MEDIA_ROOT = walk_media


@pytest.fixture(scope="module")
def walk(django_db_setup: None, django_db_blocker: Any, walk_media: Any) -> Any:
    """The two sites, site A's targets and its rows as text, made once for
    the module's two thousand calls (made again for each, they took half the
    suite's time): inside one transaction, rolled back at the end, in which
    each test runs in a savepoint of its own (Django's ``setUpTestData``)."""
    with override_settings(MEDIA_ROOT=walk_media), django_db_blocker.unblock(), transaction.atomic():
        w = build_world()
        seed_site_a_activity(w)
        t = targets(w)
        yield w, t, site_a_state(w)
        transaction.set_rollback(True)


# --- the API ------------------------------------------------------------------------

SPEC = ninja_api.get_openapi_schema()
OPERATIONS = sorted(
    (method.upper(), path)
    for path, item in SPEC["paths"].items()
    for method in item
    if method in {"get", "post", "put", "patch", "delete"}
)


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].split("/")[-1]
        schema = SPEC["components"]["schemas"][name]
    if "anyOf" in schema:
        non_null = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return _resolve(non_null[0]) if non_null else schema
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve(schema["allOf"][0])
    return schema


def example(schema: dict[str, Any], name: str, t: dict[str, Any], salt: str = "") -> Any:
    """A valid value for a field, aimed at site A wherever it names a record."""
    schema = _resolve(schema)
    if name in t:
        return t[name]
    if name == "version":
        return 1
    if name == "password":
        return PASSWORD
    if name == "email":
        return "walker@example.org"
    if name == "language":
        return "fr"
    if name == "role":
        return "coordinator"
    if name == "discipline":
        return None
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        required = set(schema.get("required", []))
        return {k: example(v, k, t, salt) for k, v in props.items() if k in required or k in t or k == "version"}
    if kind == "array":
        return []
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return True
    if name == "time_zone":
        return "UTC"
    return "walk" + salt + name.replace("_", "")[:8]


def for_path(path: str, t: dict[str, Any]) -> dict[str, Any]:
    """Targets as seen by one route: a key "<path prefix>:<name>" gives `name`
    a value for the routes under that prefix only (two apps may use the same
    field name for different things, e.g. a wristband to register and to scan)."""
    scoped = {}
    for key, value in t.items():
        prefix, sep, name = key.rpartition(":")
        if sep and prefix.startswith("/") and path.startswith(prefix):
            scoped[name] = value
    return {**{k: v for k, v in t.items() if not k.startswith("/")}, **scoped}


def request_for(method: str, path: str, t: dict[str, Any], salt: str = "") -> tuple[str, Any]:
    op = SPEC["paths"][path][method.lower()]
    t = for_path(path, t)
    url = re.sub(r"\{(\w+)\}", lambda m: str(t[m.group(1)]), path)
    query = {p["name"]: t[p["name"]] for p in op.get("parameters", []) if p["in"] == "query" and p["name"] in t}
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    body = None
    if "requestBody" in op:
        schema = op["requestBody"]["content"]["application/json"]["schema"]
        body = example(schema, "", t, salt)
    return url, body


def call(client: Any, method: str, url: str, body: Any, headers: dict[str, str]) -> Any:
    kwargs: dict[str, Any] = {"headers": headers}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method.lower())(url, **kwargs)


@pytest.mark.parametrize("outsider", OUTSIDERS)
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_route_gives_another_site_nothing(walk, client, method, path, outsider):
    world, t, before = walk
    url, body = request_for(method, path, t)
    headers = bearer(world.persona(outsider))
    with CaptureQueriesContext(connection) as seen:
        response = call(client, method, url, body, headers)
    assert not leaks(response.content), f"{method} {url} leaked {leaks(response.content)} to {outsider}"
    if "{" in path:
        assert response.status_code in (403, 404), f"{method} {url} answered {response.status_code} to {outsider}"
    assert_site_a_kept(world, before, seen, outsider, f"{method} {url}")
    # Control: the same request by an administrator (or, for personal records
    # such as API tokens, their owner) reaches real data.
    personal = "{token_id}" in path or "{notification_id}" in path
    owner = world.nurse_a if personal else world.superuser
    url, body = request_for(method, path, t, salt="2")  # fresh names: the outsider may have created its own
    control = call(client, method, url, body, bearer(owner))
    assert control.status_code < 300, f"control {method} {url}: {control.status_code} {control.content[:300]!r}"


def test_every_api_route_is_walked():
    assert len(OPERATIONS) >= 20
    assert ("GET", "/api/v1/units/{unit_id}") in OPERATIONS


# --- the pages ----------------------------------------------------------------------


def _page_patterns() -> list[tuple[str, str]]:
    """(name, route) of every named page, from the project's URL configuration."""
    found: list[tuple[str, str]] = []

    def walk(patterns: Any, prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern).startswith("api/"):
                    continue
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name:
                found.append((namespace + p.name, prefix + str(p.pattern)))

    walk(get_resolver().url_patterns, "", "")
    return sorted(found)


PAGES = [
    (n, r)
    for n, r in _page_patterns()
    if n not in {"set_language", "javascript-catalog", "accounts:login", "accounts:logout", "healthz"}
]


def page_url(route: str, t: dict[str, Any]) -> str:
    t = for_path("/" + route, t)
    return "/" + re.sub(r"<int:(\w+)>", lambda m: str(t[m.group(1)]), route)


@pytest.mark.parametrize("outsider", OUTSIDERS)
@pytest.mark.parametrize(("name", "route"), PAGES, ids=[n for n, _ in PAGES])
def test_page_gives_another_site_nothing(walk, client, name, route, outsider):
    world, t, before = walk
    url = page_url(route, t)
    client.force_login(world.persona(outsider))
    with CaptureQueriesContext(connection) as seen:
        for method in ("get", "post"):
            response = getattr(client, method)(
                url, data={"version": 1, "name": "walk", "label": "Z", "role": "director", "site": t["site_id"]}
            )
            content = body_of(response)
            assert not leaks(content), f"{method.upper()} {url} leaked {leaks(content)} to {outsider}"
            if "<int:" in route:
                assert response.status_code in (403, 404, 405), (
                    f"{method.upper()} {url} answered {response.status_code}"
                )
    assert_site_a_kept(world, before, seen, outsider, url)
    if "<int:" in route:
        client.force_login(world.nurse_a if "notification_id" in route else world.superuser)
        control = client.get(url)
        assert control.status_code in (200, 405), f"control GET {url}: {control.status_code}"


def test_every_page_is_walked():
    names = {n for n, _ in PAGES}
    assert {"org:unit_detail", "org:site_detail", "core:audit", "accounts:person", "web:home"} <= names


def test_only_reads_and_the_callers_own_token_touch_skip_the_comparison(walk):
    from caredesk.accounts.services import authenticate_token

    world = walk[0]

    def seen(action: Any) -> CaptureQueriesContext:
        with CaptureQueriesContext(connection) as captured:
            action()
        return captured

    outsider = world.director_b
    own = bearer(outsider)["Authorization"].removeprefix("Bearer ")
    insider = bearer(world.nurse_a)["Authorization"].removeprefix("Bearer ")
    assert wrote_only_own_token(seen(lambda: list(Unit.objects.filter(site=world.site_a))), outsider)
    assert wrote_only_own_token(seen(lambda: authenticate_token(own)), outsider)
    assert not wrote_only_own_token(seen(lambda: authenticate_token(insider)), outsider)
    assert not wrote_only_own_token(seen(lambda: Unit.objects.filter(pk=world.icu_a.pk).update(phone="1")), outsider)
    assert not wrote_only_own_token(seen(lambda: Room.objects.create(unit=world.ms_a, name="X9")), outsider)

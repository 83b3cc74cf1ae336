"""The audit trail: sealed, chained, append-only in the database, verifiable."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from django.db import DatabaseError, connection, transaction

from caredesk.core import audit
from caredesk.core.migrations import _audit_sql  # type: ignore[attr-defined]
from caredesk.core.models import AuditChainHead, AuditEvent
from caredesk.org.models import Unit

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def around_the_trigger() -> Iterator[None]:
    """Write around the append-only trigger, as an attacker with database access would."""
    vendor = connection.vendor
    with connection.cursor() as cur:
        for sql in _audit_sql.DOWN[vendor]:
            cur.execute(sql)
    try:
        yield
    finally:
        with connection.cursor() as cur:
            for sql in _audit_sql.UP[vendor]:
                cur.execute(sql)


def _three_events(world) -> list[AuditEvent]:
    return [
        audit.record(actor=world.director_a, action="test.one", obj=world.icu_a, after={"n": 1}),
        audit.record(actor=world.director_a, action="test.two", obj=world.icu_a, before={"n": 1}, after={"n": 2}),
        audit.record(actor=world.nurse_a, action="test.three", obj=world.icu_a, after={"n": 3}),
    ]


def test_events_chain_and_verify(world):
    events = _three_events(world)
    assert [e.seq for e in events] == [events[0].seq, events[0].seq + 1, events[0].seq + 2]
    assert events[1].prev_seal == events[0].seal
    assert events[0].site_id == world.site_a.pk
    result = audit.verify()
    assert result.ok, result.problem
    assert result.head_seq == events[-1].seq


def test_database_refuses_update_and_delete(world):
    event = _three_events(world)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.one"


def test_verify_names_an_altered_event(world):
    events = _three_events(world)
    with around_the_trigger():
        AuditEvent.objects.filter(pk=events[1].pk).update(after='{"n":999}')
    result = audit.verify()
    assert not result.ok
    assert result.problem.kind == "changed"
    assert result.problem.seq == events[1].seq


def test_verify_names_a_deleted_event(world):
    events = _three_events(world)
    with around_the_trigger():
        AuditEvent.objects.filter(pk=events[1].pk).delete()
    result = audit.verify()
    assert result.problem is not None and result.problem.kind == "removed"
    assert result.problem.seq == events[1].seq


def test_verify_names_a_deleted_last_event(world):
    events = _three_events(world)
    with around_the_trigger():
        AuditEvent.objects.filter(pk=events[2].pk).delete()
    result = audit.verify()
    assert result.problem is not None and result.problem.kind == "removed"
    assert result.problem.seq == events[2].seq


def test_verify_names_an_inserted_event(world):
    events = _three_events(world)
    # Insert a forged event in the middle: shift the later ones up by one.
    with around_the_trigger():
        last = events[2]
        AuditEvent.objects.filter(pk=last.pk).update(seq=last.seq + 1)
        forged = AuditEvent(
            seq=last.seq,
            at=last.at,
            actor_username="mallory",
            action="test.forged",
            object_type="org.unit",
            object_id=str(world.icu_a.pk),
            site_id=world.site_a.pk,
            prev_seal=events[1].seal,
            seal="f" * 64,
        )
        forged.save(force_insert=True)
        AuditChainHead.objects.filter(pk=1).update(last_seq=last.seq + 1)
    result = audit.verify()
    assert result.problem is not None and result.problem.kind == "inserted"
    assert result.problem.seq == last.seq
    assert result.problem.event_id == forged.pk


def test_verify_names_an_event_appended_past_the_head(world):
    events = _three_events(world)
    with around_the_trigger():
        AuditEvent(
            seq=events[2].seq + 1, at=events[2].at, action="test.extra", prev_seal=events[2].seal, seal="0" * 64
        ).save(force_insert=True)
    result = audit.verify()
    assert result.problem is not None and result.problem.kind == "inserted"


def test_snapshot_leaves_out_secrets_and_changes_keep_only_differences(world):
    snap = audit.snapshot(world.nurse_a)
    assert "password" not in snap
    before, after = audit.changes({"a": 1, "b": 2, "updated_at": "x"}, {"a": 1, "b": 3, "updated_at": "y"})
    assert before == {"b": 2} and after == {"b": 3}


def test_views_of_patient_information_are_logged(world, monkeypatch):
    monkeypatch.setattr(Unit, "contains_patient_information", True, raising=False)
    before = AuditEvent.objects.count()
    audit.log_patient_view(world.nurse_a, world.icu_a)
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == before + 1
    assert event.action == "view" and event.actor_id == world.nurse_a.pk and event.object_id == str(world.icu_a.pk)


def test_records_that_are_not_patient_information_are_not_logged_on_view(world):
    before = AuditEvent.objects.count()
    audit.log_patient_view(world.nurse_a, world.icu_a)
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_transactional_tests_can_still_empty_the_audit_table(world):
    """The test suite's flush between transactional tests is the one allowed purge."""
    _three_events(world)
    assert AuditEvent.objects.count() >= 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_a_single_chain(world):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency runs in the PostgreSQL pass of the suite (DATABASE_URL=postgres://...)")
    import threading

    from django.db import connections

    errors_seen: list[BaseException] = []

    def append(n: int) -> None:
        try:
            for i in range(5):
                with transaction.atomic():
                    audit.record(actor=world.director_a, action=f"test.thread{n}", obj=world.icu_a, after={"i": i})
        except BaseException as exc:
            errors_seen.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors_seen
    assert AuditEvent.objects.filter(action__startswith="test.thread").count() == 40
    result = audit.verify()
    assert result.ok, result.problem

"""Twenty nurses' tablets record the same dose at the same instant: exactly one
administration is stored (PostgreSQL: real concurrent transactions)."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections

from caredesk.core import errors
from caredesk.medications import schemas, services
from caredesk.medications.models import Administration
from tests.conftest import make_user
from tests.medications.helpers import make_order, make_stay

N = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_recordings_give_one_administration(world):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is checked on PostgreSQL (SQLite serialises every writer)")
    from caredesk.core import clock

    now = clock.now()
    stay = make_stay(world.site_a, world.icu_a, wristband_id="WB-RACE")
    local = now.astimezone(__import__("zoneinfo").ZoneInfo(world.site_a.time_zone))
    order = make_order(stay, frequency="daily", times=[f"{local:%H:%M}"], starts_at=now - timedelta(hours=1), now=now)
    dose = order.doses.order_by("scheduled_at")[0]
    nurses = [
        make_user(f"nurse_race_{i}", role="clinician", site=world.site_a, unit=world.icu_a, discipline="rn")
        for i in range(N)
    ]
    barrier = threading.Barrier(N)
    outcomes: list[str] = []
    lock = threading.Lock()

    def record(i: int) -> None:
        try:
            barrier.wait()
            services.record_administration(
                nurses[i],
                dose.pk,
                schemas.AdministrationCreate(
                    wristband_id="WB-RACE",
                    drug=order.drug,
                    dose=Decimal("25"),
                    route="po",
                    idempotency_key=f"tablet-{i}",
                ),
            )
            result = "created"
        except errors.Conflict:
            result = "conflict"
        except Exception as exc:
            result = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=record, args=(i,)) for i in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * (N - 1) + ["created"], outcomes
    assert Administration.objects.filter(dose=dose).count() == 1


@pytest.mark.django_db(transaction=True)
def test_same_key_from_twenty_retries_gives_one_administration(world):
    """The same idempotency key sent 20 times (a flaky network): one row, the same answer."""
    from caredesk.core import clock

    now = clock.now()
    stay = make_stay(world.site_a, world.icu_a, wristband_id="WB-RETRY")
    local = now.astimezone(__import__("zoneinfo").ZoneInfo(world.site_a.time_zone))
    order = make_order(stay, frequency="daily", times=[f"{local:%H:%M}"], starts_at=now - timedelta(hours=1), now=now)
    dose = order.doses.order_by("scheduled_at")[0]
    data = schemas.AdministrationCreate(
        wristband_id="WB-RETRY", drug=order.drug, dose=Decimal("25"), route="po", idempotency_key="same"
    )
    ids = {services.record_administration(world.nurse_a, dose.pk, data)[0].pk for _ in range(N)}
    assert len(ids) == 1 and Administration.objects.count() == 1

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.conftest import make_user
from tests.medications.helpers import make_order, make_staff, make_stay

# 09:00 in New York (site A) on a summer day.
NOW = datetime(2026, 6, 10, 13, 0, tzinfo=UTC)


@pytest.fixture
def meds(world: Any) -> Any:
    """A patient on the ICU of site A with a BID order (09:00, 21:00) whose 09:00 dose is due at NOW."""

    class Meds:
        now: Any
        stay: Any
        other: Any
        order: Any
        nurse_staff: Any

    m = Meds()
    m.now = NOW
    m.stay = make_stay(
        world.site_a,
        world.icu_a,
        bed=world.bed_a,
        family_name="Alpha-Patient",
        wristband_id="WB-A1",
        admitted_at=NOW.replace(day=1),
    )
    m.other = make_stay(
        world.site_a, world.icu_a, family_name="Other", wristband_id="WB-A2", admitted_at=NOW.replace(day=1)
    )
    m.order = make_order(m.stay, times=["09:00", "21:00"], starts_at=NOW.replace(day=9, hour=12), now=NOW)
    m.nurse_staff = make_staff(world.nurse_a, world.site_a, world.icu_a)
    return m


@pytest.fixture
def nurse_4w(world: Any) -> Any:
    return make_user("nurse_4w", role="clinician", site=world.site_a, unit=world.ms_a, discipline="rn")

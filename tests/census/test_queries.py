"""Census reads: the interfaces for other apps, the unit board, scoping and the audit of views."""

from __future__ import annotations

from datetime import timedelta

import pytest

from caredesk.census import queries, schemas, services
from caredesk.core import clock, errors
from caredesk.core.models import AuditEvent
from tests.census.helpers import admit_patient, make_bed, make_flag, make_level_scale, make_patient, make_score

pytestmark = pytest.mark.django_db


def test_active_stays_at_a_moment(world):
    now = clock.now()
    current = admit_patient(world.icu_a, at=now - timedelta(days=2))
    later = admit_patient(world.icu_a, at=now + timedelta(hours=1))
    gone = admit_patient(world.icu_a, at=now - timedelta(days=3))
    services.discharge(
        world.director_a, gone.pk, schemas.StayDischarge(version=1, disposition="Home", at=now - timedelta(days=1))
    )
    assert set(queries.active_stays(world.icu_a)) == {current}
    assert set(queries.active_stays(world.icu_a, now - timedelta(days=2, hours=12))) == {gone}
    assert set(queries.active_stays(world.icu_a, now + timedelta(hours=2))) == {current, later}
    assert not queries.active_stays(world.ms_a).exists()


def test_latest_acuity_takes_the_newest_score_in_one_query(world, django_assert_num_queries):
    a = admit_patient(world.icu_a)
    b = admit_patient(world.icu_a)
    never = admit_patient(world.icu_a)
    scale = make_level_scale()
    make_score(a, world.nurse_a, points=2, scale=scale, at=clock.now() - timedelta(hours=12))
    make_score(a, world.nurse_a, points=4, scale=scale, at=clock.now() - timedelta(hours=1))
    make_score(b, world.nurse_a, points=1, scale=scale)
    with django_assert_num_queries(1):
        assert queries.latest_acuity([a.pk, b.pk, never.pk]) == {a.pk: 4, b.pk: 1}
    assert queries.latest_acuity([]) == {}


def _fill(world, n: int) -> None:
    scale = make_level_scale(code=f"board-{n}")
    for i in range(n):
        stay = admit_patient(world.icu_a, make_bed(world.icu_a, f"B{n}-{i}"))
        make_score(stay, world.nurse_a, points=3, level=3, scale=scale)
        make_flag(stay, world.nurse_a, "fall_risk")
        make_flag(stay, world.nurse_a, "isolation", isolation_type="contact")


def _assign(world, stays) -> None:
    """A care shift running now with the nurse assigned to every stay."""
    from caredesk.assignment.models import CareShift, PatientAssignment
    from tests.training.helpers import make_staff

    staff = make_staff(world.nurse_a, world.site_a, world.icu_a)
    now = clock.now()
    shift = CareShift.objects.create(
        unit=world.icu_a,
        date=now.date(),
        label="Day",
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(hours=10),
    )
    for stay in stays:
        PatientAssignment.objects.create(shift=shift, stay=stay, staff=staff, source="manual", assigned_at=now)


def test_board_runs_a_constant_number_of_queries(world, django_assert_max_num_queries):
    _fill(world, 2)
    _assign(world, queries.active_stays(world.icu_a))
    with django_assert_max_num_queries(12) as few:
        small = queries.unit_board(world.coordinator_a, world.icu_a.pk)
    _fill(world, 12)
    _assign_more = queries.active_stays(world.icu_a)
    from caredesk.assignment.models import CareShift, PatientAssignment

    shift = CareShift.objects.get(unit=world.icu_a)
    staff = PatientAssignment.objects.first().staff  # type: ignore[union-attr]
    for stay in _assign_more:
        PatientAssignment.objects.get_or_create(
            shift=shift, stay=stay, defaults={"staff": staff, "source": "manual", "assigned_at": clock.now()}
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        big = queries.unit_board(world.coordinator_a, world.icu_a.pk)
    assert big.patients == 14 and small.patients == 2
    row = next(r for r in big.rows if r.stay is not None)
    assert row.score is not None and row.score.level == 3 and row.level_label == "Complex"
    assert [f.kind for f in row.flags] == ["fall_risk", "isolation"]
    assert row.nurse is not None and row.nurse.user_id == world.nurse_a.pk


def test_board_shows_free_beds_and_patients_without_a_bed(world):
    stay = admit_patient(world.icu_a, world.bed_a, family_name="Bedded")
    nobed = admit_patient(world.icu_a, family_name="Unbedded")
    make_bed(world.icu_a, "A201", label="B")
    board = queries.unit_board(world.nurse_a, world.icu_a.pk)
    assert [(r.bed_label, r.stay) for r in board.rows] == [("A", stay), ("B", None), ("", nobed)]
    assert (board.beds, board.occupied, board.patients) == (2, 1, 2)


def test_board_is_refused_outside_the_care_team(world):
    for persona in ("hr_a", "finance_a", "auditor_a", "director_b", "nurse_b"):
        with pytest.raises(errors.NotFound):
            queries.unit_board(world.persona(persona), world.icu_a.pk)
    with pytest.raises(errors.NotFound):  # a unit-level nurse of the ICU does not see 4 West
        queries.unit_board(world.nurse_a, world.ms_a.pk)


def test_patients_are_scoped_and_searchable(world):
    icu = admit_patient(world.icu_a, family_name="Nakamura", given_name="Aiko", mrn="A-77")
    admit_patient(world.ms_a, family_name="Nakamura", given_name="Ben")
    make_patient(world.site_b, family_name="Nakamura", given_name="Chloé")
    assert {str(p) for p in queries.patients(world.director_a, q="nakamura")} == {"Nakamura, Aiko", "Nakamura, Ben"}
    assert [p.pk for p in queries.patients(world.nurse_a, q="naka aik")] == [icu.patient_id]
    assert [p.pk for p in queries.patients(world.coordinator_a, q="a-77")] == [icu.patient_id]
    for persona in ("hr_a", "finance_a", "auditor_a", "compliance_a"):
        assert not queries.patients(world.persona(persona)).exists()
    assert [str(p) for p in queries.patients(world.director_b, q="nakamura")] == ["Nakamura, Chloé"]
    assert not queries.patients(world.nurse_b).exists()  # a unit grant: only patients with a stay there


def test_units_overview_counts_beds_and_patients(world):
    admit_patient(world.icu_a, world.bed_a)
    admit_patient(world.icu_a)
    [icu] = queries.units_overview(world.nurse_a)
    assert (icu.bed_count, icu.occupied_beds, icu.patient_count) == (1, 1, 2)  # type: ignore[attr-defined]


def test_acuity_scales_shared_and_own(world):
    shared = make_level_scale()
    own_a = make_level_scale(site=world.site_a, code="a-own")
    own_b = make_level_scale(site=world.site_b, code="b-own")
    assert set(queries.acuity_scales(world.nurse_a)) == {shared, own_a}
    assert set(queries.acuity_scales(world.director_b)) == {shared, own_b}
    with pytest.raises(errors.NotFound):
        queries.get_scale(world.director_b, own_a.pk)


def test_board_view_and_patient_view_are_audited(world, client):
    stay = admit_patient(world.icu_a, world.bed_a)
    client.force_login(world.nurse_a)
    before = AuditEvent.objects.count()
    assert client.get(f"/census/units/{world.icu_a.pk}/board/").status_code == 200
    assert AuditEvent.objects.filter(action="census.view_board", object_id=str(world.icu_a.pk)).count() == 1
    assert client.get(f"/census/patients/{stay.patient_id}/").status_code == 200
    assert (
        AuditEvent.objects.filter(
            action="view", object_type="census.patient", object_id=str(stay.patient_id), actor_id=world.nurse_a.pk
        ).count()
        == 1
    )
    assert client.get(f"/census/stays/{stay.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action="view", object_type="census.stay", object_id=str(stay.pk)).count() == 1
    assert AuditEvent.objects.count() == before + 3

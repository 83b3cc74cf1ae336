"""Site-A census records for the cross-site walk (tests/test_cross_site.py)."""

from __future__ import annotations

from typing import Any

from caredesk.census.models import (
    AcuityScale,
    AcuityScore,
    FamilyContact,
    Patient,
    PatientFlag,
    Stay,
    StayMovement,
)
from tests.census.helpers import admit_patient, make_bed, make_checklist_scale, make_contact, make_flag, make_patient


def targets(world: Any) -> dict[str, Any]:
    # A patient not admitted (POST /census/stays admits them to the ICU, in bed A201-A)...
    waiting = make_patient(world.site_a, family_name="Alphawalker", given_name="Ada", mrn="ALPHA-W1")
    make_contact(waiting, "Alpha ICU contact", relationship="daughter")
    # ...and one in another ICU bed, with a flag, a contact and a score.
    bed = make_bed(world.icu_a, "A299")
    stay = admit_patient(world.icu_a, bed, family_name="Alphastay", given_name="Bea", mrn="ALPHA-S1")
    flag = make_flag(stay, world.nurse_a, "isolation", isolation_type="contact", note="Alpha ICU MRSA")
    contact = make_contact(stay.patient, "Alpha ICU family", relationship="son")
    # A site-A scale (a checklist: scoring with no item ticked is valid).
    scale = make_checklist_scale(site=world.site_a, code="alpha-icu-walk", name="Alpha ICU checklist")
    return {
        "patient_id": waiting.pk,
        # Other apps' walks have a stay of their own: this one is for census's routes.
        "/api/v1/census/:stay_id": stay.pk,
        "/census/:stay_id": stay.pk,
        "flag_id": flag.pk,
        "contact_id": contact.pk,
        "scale_id": scale.pk,
        # A valid date for the body of POST /census/patients (the walk cannot invent one).
        "birth_date": "1948-05-17",
    }


def state(world: Any) -> list[Any]:
    site = world.site_a
    return [
        list(Patient.objects.filter(site=site).values()),
        list(Stay.objects.filter(unit__site=site).values()),
        list(StayMovement.objects.filter(stay__unit__site=site).values()),
        list(AcuityScale.objects.filter(site=site).values()),
        list(AcuityScore.objects.filter(stay__unit__site=site).values()),
        list(PatientFlag.objects.filter(stay__unit__site=site).values()),
        list(FamilyContact.objects.filter(patient__site=site).values()),
    ]

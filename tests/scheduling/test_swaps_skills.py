"""Open shifts that need a skill: only someone holding it on the shift's date
may claim it, and the coordinator's approval checks again; the refusal names the
missing skill (services, API and the page)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from caredesk.core import errors
from caredesk.scheduling.models import OpenShift, RosterEntry
from caredesk.scheduling.services import publishing as pub
from caredesk.scheduling.services import swaps
from caredesk.workforce.models import Credential, CredentialKind, CredentialType
from tests.scheduling.helpers_publishing import NOW, START, entry, no_problems, ward

pytestmark = pytest.mark.django_db

D1, D2 = START + timedelta(days=1), START + timedelta(days=3)


def ccrn(staff: Any, *, expires: date | None = None, issued: date = date(2024, 1, 1)) -> Credential:
    """Critical-care certification: grants the "critical_care" skill (assignment.SKILL_OF_CREDENTIAL)."""
    ctype, _ = CredentialType.objects.get_or_create(
        code="ccrn", defaults={"name": "CCRN", "kind": CredentialKind.CERTIFICATION}
    )
    return Credential.objects.create(staff=staff, type=ctype, issued_on=issued, expires_on=expires)


def _published_with_skill(world: Any, skills: list[str]) -> Any:
    w = ward(world)
    w.day.required_skills = skills
    w.day.save(update_fields=["required_skills"])
    entry(w.roster, w.ann, D1, w.night)
    w.roster.refresh_from_db()
    pub.publish(world.coordinator_a, w.roster.pk, expected_version=w.roster.version, now=NOW)
    return w


def test_claim_refused_without_the_patterns_skill_naming_it(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    no_problems(monkeypatch)
    w = _published_with_skill(world, ["critical_care"])
    shift = swaps.post_open_shift(world.coordinator_a, w.roster.pk, D2, w.day.pk, now=NOW)
    with pytest.raises(errors.ValidationFailed) as refused:
        swaps.claim_open_shift(w.cid_user, shift.pk, now=NOW)
    assert "critical_care" in refused.value.message and "skill" in refused.value.fields
    assert OpenShift.objects.get(pk=shift.pk).status == "open"
    ccrn(w.cid)
    claimed = swaps.claim_open_shift(w.cid_user, shift.pk, now=NOW)
    assert claimed.status == "claimed" and claimed.claimed_by_id == w.cid.pk


def test_skill_must_be_valid_on_the_shifts_date(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    no_problems(monkeypatch)
    w = _published_with_skill(world, ["critical_care"])
    ccrn(w.cid, expires=D2 - timedelta(days=1))  # valid today, lapsed by the shift
    shift = swaps.post_open_shift(world.coordinator_a, w.roster.pk, D2, w.day.pk, now=NOW)
    with pytest.raises(errors.ValidationFailed, match="critical_care"):
        swaps.claim_open_shift(w.cid_user, shift.pk, now=NOW)
    assert swaps.missing_skills(OpenShift.objects.select_related("pattern").get(pk=shift.pk), w.cid) == [
        "critical_care"
    ]


def test_the_skill_mix_need_of_the_open_shift_counts_too(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    no_problems(monkeypatch)
    w = ward(world)
    entry(w.roster, w.ann, D1, w.night)
    w.roster.refresh_from_db()
    pub.publish(world.coordinator_a, w.roster.pk, expected_version=w.roster.version, now=NOW)
    shift = swaps.post_open_shift(
        world.coordinator_a, w.roster.pk, D2, w.day.pk, "charge", "charge nurse off sick", now=NOW
    )
    w.cid.hire_date = D2 - timedelta(days=200)  # an RN of less than two years: not charge
    w.cid.save(update_fields=["hire_date"])
    with pytest.raises(errors.ValidationFailed, match="charge"):
        swaps.claim_open_shift(w.cid_user, shift.pk, now=NOW)
    claimed = swaps.claim_open_shift(w.bob_user, shift.pk, now=NOW)  # hired 2020: charge
    assert claimed.claimed_by_id == w.bob.pk


def test_approval_checks_the_skill_again(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    no_problems(monkeypatch)
    w = _published_with_skill(world, ["critical_care"])
    held = ccrn(w.cid)
    shift = swaps.post_open_shift(world.coordinator_a, w.roster.pk, D2, w.day.pk, now=NOW)
    swaps.claim_open_shift(w.cid_user, shift.pk, now=NOW)
    held.revoked_at = NOW
    held.save(update_fields=["revoked_at"])
    with pytest.raises(errors.ValidationFailed) as refused:
        swaps.decide_claim(world.coordinator_a, shift.pk, approve=True, now=NOW)
    assert "critical_care" in refused.value.message and str(w.cid) in refused.value.message
    assert OpenShift.objects.get(pk=shift.pk).status == "claimed"
    assert not RosterEntry.objects.filter(staff=w.cid, date=D2).exists()
    ccrn(w.cid)
    swaps.decide_claim(world.coordinator_a, shift.pk, approve=True, now=NOW)
    assert OpenShift.objects.get(pk=shift.pk).status == "filled"
    assert RosterEntry.objects.get(staff=w.cid, date=D2).pattern_id == w.day.pk


def test_the_real_rule_check_also_refuses_and_allows(world: Any) -> None:
    """Without a stand-in rule check: the skill is the one thing that decides."""
    w = _published_with_skill(world, ["critical_care"])
    shift = swaps.post_open_shift(world.coordinator_a, w.roster.pk, D2, w.day.pk, now=NOW)
    with pytest.raises(errors.ValidationFailed, match="critical_care"):
        swaps.claim_open_shift(w.cid_user, shift.pk, now=NOW)
    ccrn(w.cid)
    swaps.claim_open_shift(w.cid_user, shift.pk, now=NOW)
    swaps.decide_claim(world.coordinator_a, shift.pk, approve=True, now=NOW)
    assert OpenShift.objects.get(pk=shift.pk).status == "filled"


def test_api_claim_names_the_missing_skill(api: Any, world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    no_problems(monkeypatch)
    w = _published_with_skill(world, ["critical_care"])
    shift = swaps.post_open_shift(world.coordinator_a, w.roster.pk, D2, w.day.pk, now=NOW)
    with time_machine.travel(NOW, tick=False):
        r = api.post(f"/scheduling/open-shifts/{shift.pk}/claim", user=w.cid_user)
        assert r.status_code == 422
        assert "critical_care" in r.json()["error"]["message"] and "skill" in r.json()["error"]["fields"]
        ccrn(w.cid)
        r = api.post(f"/scheduling/open-shifts/{shift.pk}/claim", user=w.cid_user)
        assert r.status_code == 200 and r.json()["status"] == "claimed"


def test_page_shows_the_skill_and_why_one_cannot_claim(
    client: Any, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_problems(monkeypatch)
    w = _published_with_skill(world, ["critical_care"])
    shift = swaps.post_open_shift(world.coordinator_a, w.roster.pk, D2, w.day.pk, now=NOW)
    with time_machine.travel(NOW, tick=False):
        client.force_login(w.cid_user)
        page = client.get(reverse("scheduling:swaps_home")).content.decode()
        assert "Requires: critical_care" in page and f'id="open-missing-{shift.pk}"' in page and "disabled" in page
        r = client.post(reverse("scheduling:swaps_claim", args=[shift.pk]), follow=True)
        assert "critical_care" in r.content.decode()
        assert OpenShift.objects.get(pk=shift.pk).status == "open"
        ccrn(w.cid)
        page = client.get(reverse("scheduling:swaps_home")).content.decode()
        assert f'id="open-missing-{shift.pk}"' not in page
        client.post(reverse("scheduling:swaps_claim", args=[shift.pk]))
        assert OpenShift.objects.get(pk=shift.pk).status == "claimed"


def test_api_open_shift_lists_its_required_skills(api: Any, world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    no_problems(monkeypatch)
    w = _published_with_skill(world, ["critical_care"])
    with time_machine.travel(NOW, tick=False):
        body = {"roster_id": w.roster.pk, "date": D2.isoformat(), "pattern_id": w.day.pk, "skill": "charge"}
        r = api.post("/scheduling/open-shifts", body, user=world.coordinator_a)
        assert r.status_code == 201, r.content
        assert r.json()["skill"] == "charge" and r.json()["required_skills"] == ["charge", "critical_care"]
        plain = swaps.post_open_shift(world.coordinator_a, w.roster.pk, D2, w.night.pk, now=NOW)
        listed = {o["id"]: o for o in api.get("/scheduling/open-shifts", user=w.cid_user).json()}
        assert listed[r.json()["id"]]["required_skills"] == ["charge", "critical_care"]
        assert listed[plain.pk]["required_skills"] == []  # the night shift asks for nothing special

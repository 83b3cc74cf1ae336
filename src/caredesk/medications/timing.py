"""A site's timing policy and its list of time-critical medications (RULES.md §1)."""

from __future__ import annotations

from typing import Any

from caredesk.medications import status as st
from caredesk.medications.models import TimeCriticalDrug, TimingPolicy

# ISMP 2011 examples of time-critical medications (RULES.md §1 [K]); each
# hospital defines its own list: these seed it and stand in while it is empty.
ISMP_TIME_CRITICAL: list[tuple[str, str]] = [
    ("insulin", "Insulin: tied to meals and glucose checks (ISMP 2011)."),
    ("heparin", "Anticoagulant (ISMP 2011)."),
    ("enoxaparin", "Anticoagulant (ISMP 2011)."),
    ("warfarin", "Anticoagulant (ISMP 2011)."),
    ("apixaban", "Anticoagulant (ISMP 2011)."),
    ("vancomycin", "Antibiotic: level-guided dosing (ISMP 2011)."),
    ("piperacillin", "Antibiotic (ISMP 2011)."),
    ("ceftriaxone", "Antibiotic (ISMP 2011)."),
    ("cefazolin", "Antibiotic (ISMP 2011)."),
    ("meropenem", "Antibiotic (ISMP 2011)."),
    ("levetiracetam", "Anticonvulsant (ISMP 2011)."),
    ("phenytoin", "Anticonvulsant (ISMP 2011)."),
    ("tacrolimus", "Immunosuppressant (ISMP 2011)."),
    ("mycophenolate", "Immunosuppressant (ISMP 2011)."),
    ("carbidopa", "Parkinson's disease medication (ISMP 2011)."),
    ("levodopa", "Parkinson's disease medication (ISMP 2011)."),
    ("pyridostigmine", "Myasthenia gravis medication (ISMP 2011)."),
    ("morphine", "Scheduled opioid for chronic pain or palliation (ISMP 2011)."),
    ("oxycodone", "Scheduled opioid for chronic pain or palliation (ISMP 2011)."),
]


def policy_row(site: Any) -> TimingPolicy:
    """The site's stored policy, or an unsaved one with the regulatory defaults."""
    found = TimingPolicy.objects.filter(site_id=site.pk).first()
    return found or TimingPolicy(site=site)


def as_policy(row: TimingPolicy) -> st.Policy:
    return st.Policy(
        time_critical_minutes=row.time_critical_minutes,
        more_than_daily_minutes=row.more_than_daily_minutes,
        daily_or_less_minutes=row.daily_or_less_minutes,
        due_soon_minutes=row.due_soon_minutes,
    )


def policy_for(site: Any) -> st.Policy:
    return as_policy(policy_row(site))


def policies_for(site_ids: set[int]) -> dict[int, st.Policy]:
    """Policies of several sites in one query (defaults where none is stored)."""
    found = {p.site_id: as_policy(p) for p in TimingPolicy.objects.filter(site_id__in=site_ids)}
    return {sid: found.get(sid, st.Policy()) for sid in site_ids}


def time_critical_names(site: Any) -> list[str]:
    names = list(TimeCriticalDrug.objects.filter(site_id=site.pk, is_active=True).values_list("name", flat=True))
    if not TimeCriticalDrug.objects.filter(site_id=site.pk).exists():
        names = [n for n, _ in ISMP_TIME_CRITICAL]
    return [n.lower() for n in names]


def is_time_critical(site: Any, drug: str) -> bool:
    """Is `drug` on the site's list? (its own list, or ISMP's while it has none)"""
    text = drug.lower()
    return any(name and name in text for name in time_critical_names(site))


def seed_site_list(site: Any) -> int:
    """Give a site the ISMP list (for a new site or the demo)."""
    if TimeCriticalDrug.objects.filter(site_id=site.pk).exists():
        return 0
    TimeCriticalDrug.objects.bulk_create(
        [TimeCriticalDrug(site=site, name=name, reason=reason) for name, reason in ISMP_TIME_CRITICAL]
    )
    return len(ISMP_TIME_CRITICAL)

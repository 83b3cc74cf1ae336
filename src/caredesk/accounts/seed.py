"""People of the demo organisation: the fixed demo log-ins and ~150 staff a pair.

Every person gets one log-in; the demo log-ins of the first pair have short
names (`director`, `coord.icu`, ...) and the same password, printed by
`make demo`. Later pairs get the same roles with a number (`director.2`).
"""

from __future__ import annotations

import random

from django.contrib.auth.hashers import make_password

from caredesk.accounts.models import RoleGrant, User
from caredesk.core.roles import Discipline, Role
from caredesk.core.seeding import DEMO_PASSWORD, SeedContext
from caredesk.org.models import Site, Unit

ORDER = 20

# (username, what it shows) for the first pair; printed by `make demo` and in the README.
DEMO_LOGINS = [
    ("director", "Director of Clinical Services, both sites"),
    ("assistant.director", "Assistant Director, both sites"),
    ("coord.icu", "Clinical Coordinator, Intensive Care"),
    ("coord.4west", "Clinical Coordinator, 4 West Med-Surg"),
    ("coord.birch", "Clinical Coordinator, Birch Wing (nursing home)"),
    ("nurse.icu", "RN, Intensive Care"),
    ("nurse.4west", "RN, 4 West Med-Surg"),
    ("therapist.rehab", "Physiotherapist, Acute Rehabilitation"),
    ("hr", "Human resources, both sites"),
    ("finance", "Finance, both sites"),
    ("compliance", "Compliance officer, both sites (audit trail)"),
    ("auditor", "Auditor, read-only, both sites (audit trail)"),
    ("admin", "Administrator, both sites"),
]

# Clinicians per unit code: (discipline, count).
STAFFING: dict[str, list[tuple[Discipline, int]]] = {
    "ICU": [(Discipline.RN, 14), (Discipline.TECHNICIAN, 2)],
    "SDU": [(Discipline.RN, 11), (Discipline.NURSING_ASSISTANT, 3)],
    "TELE": [(Discipline.RN, 11), (Discipline.LPN, 2), (Discipline.NURSING_ASSISTANT, 3)],
    "4W": [(Discipline.RN, 11), (Discipline.LPN, 2), (Discipline.NURSING_ASSISTANT, 4)],
    "5W": [(Discipline.RN, 11), (Discipline.LPN, 2), (Discipline.NURSING_ASSISTANT, 4)],
    "REHAB": [(Discipline.RN, 6), (Discipline.NURSING_ASSISTANT, 3), (Discipline.PHYSIOTHERAPIST, 3),
              (Discipline.OCCUPATIONAL_THERAPIST, 2), (Discipline.SPEECH_THERAPIST, 1)],
    "ED": [(Discipline.RN, 11), (Discipline.TECHNICIAN, 2), (Discipline.PHYSICIAN, 3)],
    "BIRCH": [(Discipline.RN, 3), (Discipline.LPN, 4), (Discipline.NURSING_ASSISTANT, 9)],
    "CEDAR": [(Discipline.RN, 3), (Discipline.LPN, 4), (Discipline.NURSING_ASSISTANT, 9), (Discipline.PHYSIOTHERAPIST, 1)],
}

FIRST = ["Amara", "Ben", "Chloé", "Daniel", "Elena", "Farid", "Grace", "Hugo", "Inès", "James", "Keiko", "Liam", "Maya",
         "Noah", "Olivia", "Pablo", "Quinn", "Rosa", "Samuel", "Tara", "Uma", "Victor", "Wen", "Xavier", "Yara", "Zoé",
         "Aaliyah", "Bruno", "Camille", "Diego", "Emma", "Felix", "Hana", "Isaac", "Julia", "Kofi", "Léa", "Marcus",
         "Nadia", "Omar", "Priya", "Rafael", "Sofia", "Thomas", "Valentina", "William", "Yusuf", "Zara"]
LAST = ["Adams", "Bernard", "Chen", "Diallo", "Evans", "Fischer", "García", "Haddad", "Ito", "Johnson", "Kim", "Lefèvre",
        "Martin", "Nguyen", "Okafor", "Patel", "Quintero", "Rossi", "Santos", "Thompson", "Ueda", "Vasquez", "Williams",
        "Xu", "Yamamoto", "Zimmerman", "Brown", "Dubois", "Moreau", "Murphy", "O'Brien", "Petrov", "Silva", "Walker"]


def _username(first: str, last: str, taken: set[str]) -> str:
    import unicodedata

    def ascii_(s: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFKD", s) if c.isalnum() and ord(c) < 128).lower()

    base = f"{ascii_(first)}.{ascii_(last)}"
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}{n}"
    taken.add(name)
    return name


def run(ctx: SeedContext) -> None:
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: argon2 is slow on purpose
    taken = set(User.objects.values_list("username", flat=True))
    for k, hospital, home in ctx.shared.get("new_pairs", []):
        if hospital is None or home is None:
            continue
        rng = random.Random(f"{ctx.seed}:people:{k}")
        suffix = "" if k == 0 else f".{k + 1}"
        users: list[User] = []
        grants: list[tuple[User, Role, Site, Unit | None, str]] = []

        def person(username: str, first: str, last: str) -> User:
            taken.add(username)
            u = User(username=username, first_name=first, last_name=last, password=password_hash,
                     email=f"{username}@{hospital.code.lower()}.example.org", language="fr" if hospital.country == "FR" else "en")
            users.append(u)
            return u

        def generated() -> User:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            return person(_username(first, last, taken), first, last)

        for username, role in [("director", Role.DIRECTOR), ("assistant.director", Role.ASSISTANT_DIRECTOR), ("hr", Role.HR),
                               ("finance", Role.FINANCE), ("compliance", Role.COMPLIANCE), ("auditor", Role.AUDITOR),
                               ("admin", Role.ADMINISTRATOR)]:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            u = person(username + suffix, first, last) if username + suffix not in taken else generated()
            for site in (hospital, home):
                grants.append((u, role, site, None, ""))

        named = {"ICU": ("coord.icu", "nurse.icu"), "4W": ("coord.4west", "nurse.4west"), "BIRCH": ("coord.birch", None)}
        for site in (hospital, home):
            for unit in Unit.objects.filter(site=site).order_by("pk"):
                coord_name, nurse_name = named.get(unit.code, (None, None))
                first, last = rng.choice(FIRST), rng.choice(LAST)
                coord = person(coord_name + suffix, first, last) if coord_name and coord_name + suffix not in taken else generated()
                grants.append((coord, Role.COORDINATOR, site, unit, ""))
                for i, (discipline, count) in enumerate(
                    (d, c) for d, c in STAFFING.get(unit.code, [])
                ):
                    for j in range(count):
                        if i == 0 and j == 0 and nurse_name and nurse_name + suffix not in taken:
                            first, last = rng.choice(FIRST), rng.choice(LAST)
                            u = person(nurse_name + suffix, first, last)
                        elif unit.code == "REHAB" and discipline == Discipline.PHYSIOTHERAPIST and j == 0 and "therapist.rehab" + suffix not in taken:
                            first, last = rng.choice(FIRST), rng.choice(LAST)
                            u = person("therapist.rehab" + suffix, first, last)
                        else:
                            u = generated()
                        grants.append((u, Role.CLINICIAN, site, unit, discipline))
        User.objects.bulk_create(users)
        by_name = {u.username: u for u in User.objects.filter(username__in=[u.username for u in users])}
        RoleGrant.objects.bulk_create(
            [RoleGrant(user=by_name[u.username], role=role, site=site, unit=unit, discipline=disc) for u, role, site, unit, disc in grants]
        )
        ctx.report.add("people", len(users))
        ctx.report.add("role grants", len(grants))

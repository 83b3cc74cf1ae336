"""People of the demo organisation: the fixed demo log-ins and ~190 staff a pair.

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

# Clinicians per unit code: (discipline, count). The two units the demo rosters
# (ICU, 4 West) are staffed for their census and ratio, as a hospital budgets them:
# about 5 nurses a shift (ICU: 10 patients at 1:2, a 6th preferred for acuity;
# 4 West: 24 patients at 1:5), 2 twelve-hour shifts, 7 days = 70-84 shifts a week;
# a nurse works about 3 a week (0.6-1.0 FTE) and every other weekend at most, so
# ~26 FTE, plus cover for leave and for the few whose credentials lapse (they
# cannot be scheduled): 32 RNs besides the coordinator in the ICU, 28 RNs and
# 2 LPNs on 4 West. The other units keep a smaller demo staff (not rostered).
STAFFING: dict[str, list[tuple[Discipline, int]]] = {
    "ICU": [(Discipline.RN, 32), (Discipline.TECHNICIAN, 2)],
    "SDU": [(Discipline.RN, 11), (Discipline.NURSING_ASSISTANT, 3)],
    "TELE": [(Discipline.RN, 11), (Discipline.LPN, 2), (Discipline.NURSING_ASSISTANT, 3)],
    "4W": [(Discipline.RN, 28), (Discipline.LPN, 2), (Discipline.NURSING_ASSISTANT, 4)],
    "5W": [(Discipline.RN, 11), (Discipline.LPN, 2), (Discipline.NURSING_ASSISTANT, 4)],
    "REHAB": [
        (Discipline.RN, 6),
        (Discipline.NURSING_ASSISTANT, 3),
        (Discipline.PHYSIOTHERAPIST, 3),
        (Discipline.OCCUPATIONAL_THERAPIST, 2),
        (Discipline.SPEECH_THERAPIST, 1),
    ],
    "ED": [(Discipline.RN, 11), (Discipline.TECHNICIAN, 2), (Discipline.PHYSICIAN, 3)],
    "BIRCH": [(Discipline.RN, 3), (Discipline.LPN, 4), (Discipline.NURSING_ASSISTANT, 9)],
    "CEDAR": [
        (Discipline.RN, 3),
        (Discipline.LPN, 4),
        (Discipline.NURSING_ASSISTANT, 9),
        (Discipline.PHYSIOTHERAPIST, 1),
    ],
}

FIRST = [
    "Amara",
    "Ben",
    "Chloé",
    "Daniel",
    "Elena",
    "Farid",
    "Grace",
    "Hugo",
    "Inès",
    "James",
    "Keiko",
    "Liam",
    "Maya",
    "Noah",
    "Olivia",
    "Pablo",
    "Quinn",
    "Rosa",
    "Samuel",
    "Tara",
    "Uma",
    "Victor",
    "Wen",
    "Xavier",
    "Yara",
    "Zoé",
    "Aaliyah",
    "Bruno",
    "Camille",
    "Diego",
    "Emma",
    "Felix",
    "Hana",
    "Isaac",
    "Julia",
    "Kofi",
    "Léa",
    "Marcus",
    "Nadia",
    "Omar",
    "Priya",
    "Rafael",
    "Sofia",
    "Thomas",
    "Valentina",
    "William",
    "Yusuf",
    "Zara",
]
LAST = [
    "Adams",
    "Bernard",
    "Chen",
    "Diallo",
    "Evans",
    "Fischer",
    "García",
    "Haddad",
    "Ito",
    "Johnson",
    "Kim",
    "Lefèvre",
    "Martin",
    "Nguyen",
    "Okafor",
    "Patel",
    "Quintero",
    "Rossi",
    "Santos",
    "Thompson",
    "Ueda",
    "Vasquez",
    "Williams",
    "Xu",
    "Yamamoto",
    "Zimmerman",
    "Brown",
    "Dubois",
    "Moreau",
    "Murphy",
    "O'Brien",
    "Petrov",
    "Silva",
    "Walker",
]


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


class _Pair:
    """The people of one hospital + nursing-home pair."""

    def __init__(self, rng: random.Random, hospital: Site, password_hash: str, taken: set[str], suffix: str) -> None:
        self.rng, self.hospital, self.password_hash, self.taken, self.suffix = (
            rng,
            hospital,
            password_hash,
            taken,
            suffix,
        )
        self.users: list[User] = []
        self.grants: list[tuple[User, Role, Site, Unit | None, str]] = []

    def person(self, username: str) -> User:
        first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
        self.taken.add(username)
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            password=self.password_hash,
            email=f"{username}@{self.hospital.code.lower()}.example.org",
            language="fr" if self.hospital.country == "FR" else "en",
        )
        self.users.append(user)
        return user

    def named_or_generated(self, demo_name: str | None) -> User:
        """The demo log-in `demo_name` (numbered past the first pair) if still free, else a generated person."""
        if demo_name and demo_name + self.suffix not in self.taken:
            return self.person(demo_name + self.suffix)
        first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
        return self.person(_username(first, last, self.taken))

    def grant(self, user: User, role: Role, site: Site, unit: Unit | None = None, discipline: str = "") -> None:
        self.grants.append((user, role, site, unit, discipline))


SITE_ROLES = [
    ("director", Role.DIRECTOR),
    ("assistant.director", Role.ASSISTANT_DIRECTOR),
    ("hr", Role.HR),
    ("finance", Role.FINANCE),
    ("compliance", Role.COMPLIANCE),
    ("auditor", Role.AUDITOR),
    ("admin", Role.ADMINISTRATOR),
]
# Unit code -> (coordinator's demo log-in, first clinician's demo log-in).
NAMED_IN_UNIT = {
    "ICU": ("coord.icu", "nurse.icu"),
    "4W": ("coord.4west", "nurse.4west"),
    "BIRCH": ("coord.birch", None),
}


def run(ctx: SeedContext) -> None:
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: argon2 is slow on purpose
    taken = set(User.objects.values_list("username", flat=True))
    for k, hospital, home in ctx.shared.get("new_pairs", []):
        if hospital is None or home is None:
            continue
        pair = _Pair(
            random.Random(f"{ctx.seed}:people:{k}"), hospital, password_hash, taken, "" if k == 0 else f".{k + 1}"
        )
        for username, role in SITE_ROLES:
            user = pair.named_or_generated(username)
            pair.grant(user, role, hospital)
            pair.grant(user, role, home)
        for site in (hospital, home):
            for unit in Unit.objects.filter(site=site).order_by("pk"):
                coord_name, nurse_name = NAMED_IN_UNIT.get(unit.code, (None, None))
                pair.grant(pair.named_or_generated(coord_name), Role.COORDINATOR, site, unit)
                for i, (discipline, count) in enumerate(STAFFING.get(unit.code, [])):
                    for j in range(count):
                        demo_name = None
                        if i == 0 and j == 0:
                            demo_name = nurse_name
                        elif unit.code == "REHAB" and discipline == Discipline.PHYSIOTHERAPIST and j == 0:
                            demo_name = "therapist.rehab"
                        pair.grant(pair.named_or_generated(demo_name), Role.CLINICIAN, site, unit, discipline)
        User.objects.bulk_create(pair.users)
        by_name = {u.username: u for u in User.objects.filter(username__in=[u.username for u in pair.users])}
        RoleGrant.objects.bulk_create(
            [
                RoleGrant(user=by_name[u.username], role=role, site=site, unit=unit, discipline=disc)
                for u, role, site, unit, disc in pair.grants
            ]
        )
        ctx.report.add("people", len(pair.users))
        ctx.report.add("role grants", len(pair.grants))

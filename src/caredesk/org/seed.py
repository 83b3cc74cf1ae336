"""Sites, units, rooms and beds of the demo organisation.

Scale 1: a 120-bed community hospital (ICU, step-down, telemetry, two
med-surg units, rehabilitation, plus an 18-bay ED) and a 60-bed nursing home.
Scale N: N such pairs, in several time zones (one in France).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from caredesk.core.seeding import SeedContext
from caredesk.org.models import Bed, Room, Site, SiteKind, Unit, UnitKind

ORDER = 10


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    kind: UnitKind
    floor: str
    rooms: int
    beds_per_room: int
    room_prefix: str


HOSPITAL_UNITS = [
    UnitSpec("ICU", "Intensive Care", UnitKind.ICU, "2nd floor", 12, 1, "2"),
    UnitSpec("SDU", "Step-Down", UnitKind.STEP_DOWN, "3rd floor east", 16, 1, "3E"),
    UnitSpec("TELE", "Telemetry", UnitKind.TELEMETRY, "3rd floor west", 20, 1, "3W"),
    UnitSpec("4W", "4 West Med-Surg", UnitKind.MED_SURG, "4th floor west", 14, 2, "4W"),
    UnitSpec("5W", "5 West Med-Surg", UnitKind.MED_SURG, "5th floor west", 14, 2, "5W"),
    UnitSpec("REHAB", "Acute Rehabilitation", UnitKind.REHABILITATION, "6th floor", 8, 2, "6"),
    UnitSpec("ED", "Emergency Department", UnitKind.ED, "ground floor", 18, 1, "Bay "),
]
NURSING_HOME_UNITS = [
    UnitSpec("BIRCH", "Birch Wing", UnitKind.LONG_TERM_CARE, "ground floor", 15, 2, "B"),
    UnitSpec("CEDAR", "Cedar Wing (memory care)", UnitKind.LONG_TERM_CARE, "1st floor", 15, 2, "C"),
]

# (hospital name, hospital code, nursing home name, code, time zone, city, region, country)
PLACES = [
    (
        "Riverside Community Hospital",
        "RCH",
        "Maple Grove Nursing Home",
        "MGNH",
        "America/New_York",
        "Hartford",
        "CT",
        "US",
    ),
    (
        "Clinique Saint-Louis",
        "CSL",
        "Résidence Les Tilleuls",
        "RLT",
        "Europe/Paris",
        "Lyon",
        "Auvergne-Rhône-Alpes",
        "FR",
    ),
    ("Lakeview General Hospital", "LGH", "Pine Hill Care Center", "PHCC", "America/Chicago", "Madison", "WI", "US"),
    ("Mesa Verde Medical Center", "MVMC", "Sunrise Manor", "SRM", "America/Denver", "Boulder", "CO", "US"),
    ("Pacific Shores Hospital", "PSH", "Harbor View Care", "HVC", "America/Los_Angeles", "Santa Cruz", "CA", "US"),
]


def place(k: int) -> tuple[str, str, str, str, str, str, str, str]:
    """The k-th (0-based) hospital/nursing-home pair; names repeat with a number past the list."""
    base = PLACES[k % len(PLACES)]
    if k < len(PLACES):
        return base
    n = k // len(PLACES) + 1
    return (f"{base[0]} {n}", f"{base[1]}{n}", f"{base[2]} {n}", f"{base[3]}{n}", *base[4:])  # type: ignore[return-value]


def _make_site(
    ctx: SeedContext,
    rng: random.Random,
    name: str,
    code: str,
    kind: SiteKind,
    tz: str,
    city: str,
    region: str,
    country: str,
    units: list[UnitSpec],
    street: str,
) -> Site | None:
    if Site.objects.filter(code__iexact=code).exists():
        ctx.report.skipped_sites.append(code)
        return None
    site = Site.objects.create(
        name=name,
        code=code,
        kind=kind,
        time_zone=tz,
        address_line=street,
        city=city,
        region=region,
        postal_code=f"{rng.randint(10000, 99999)}",
        country=country,
    )
    ctx.report.add("sites")
    for spec in units:
        unit = Unit.objects.create(
            site=site,
            name=spec.name,
            code=spec.code,
            kind=spec.kind,
            floor=spec.floor,
            phone=f"+1 555 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        )
        rooms = Room.objects.bulk_create(
            [
                Room(
                    unit=unit,
                    name=f"{spec.room_prefix}{i + 1:02d}" if spec.room_prefix != "Bay " else f"Bay {i + 1}",
                    position=i,
                )
                for i in range(spec.rooms)
            ]
        )
        labels = ["A", "B", "C", "D"][: spec.beds_per_room]
        Bed.objects.bulk_create([Bed(room=r, label=label) for r in rooms for label in labels])
        ctx.report.add("units")
        ctx.report.add("beds", len(rooms) * len(labels))
    return site


def run(ctx: SeedContext) -> None:
    pairs = []
    for k in range(ctx.scale):
        h_name, h_code, n_name, n_code, tz, city, region, country = place(k)
        rng = random.Random(f"{ctx.seed}:org:{k}")  # per pair, so scale 2 extends scale 1 exactly
        hospital = _make_site(
            ctx,
            rng,
            h_name,
            h_code,
            SiteKind.HOSPITAL,
            tz,
            city,
            region,
            country,
            HOSPITAL_UNITS,
            f"{100 + k} Main Street",
        )
        home = _make_site(
            ctx,
            rng,
            n_name,
            n_code,
            SiteKind.NURSING_HOME,
            tz,
            city,
            region,
            country,
            NURSING_HOME_UNITS,
            f"{20 + k} Elm Avenue",
        )
        pairs.append((k, hospital, home))
    # Only newly created pairs get people (idempotence: existing sites are left alone).
    ctx.shared["new_pairs"] = pairs

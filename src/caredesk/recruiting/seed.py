"""Recruiting demo data for each new hospital, made through the same services as
the pages (so every row has its audit event): requisitions in every state (one
pending the director's approval), about twelve candidates across the stages with
interviews, scored feedback and one open offer, and a filled requisition whose
hire went through the real hire (log-in, role, staff record), so time-to-fill
has a value.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from caredesk.accounts.models import RoleGrant
from caredesk.accounts.seed import FIRST, LAST
from caredesk.core import clock
from caredesk.core.roles import Discipline, Role
from caredesk.core.seeding import SeedContext
from caredesk.org.models import Site, Unit
from caredesk.recruiting import schemas, services
from caredesk.recruiting.models import CandidateSource, Recommendation, Requisition, RequisitionReason, Stage

ORDER = 40

CRITERIA = ["Clinical knowledge", "Patient safety", "Communication", "Teamwork", "Values and attitude"]


def _person(site: Site, role: Role, unit: Unit | None = None) -> Any:
    grant = (
        RoleGrant.objects.filter(site=site, role=role, unit=unit, revoked_at__isnull=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return grant.user if grant else None


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if c.isalnum() and ord(c) < 128).lower()


class _Hospital:
    def __init__(self, ctx: SeedContext, rng: random.Random, site: Site, now: datetime) -> None:
        self.ctx, self.rng, self.site, self.now = ctx, rng, site, now
        self.tz = ZoneInfo(site.time_zone)
        self.units = {u.code: u for u in Unit.objects.filter(site=site)}
        self.hr = _person(site, Role.HR)
        self.director = _person(site, Role.DIRECTOR)
        self.assistant = _person(site, Role.ASSISTANT_DIRECTOR)
        self.used_names: set[tuple[str, str]] = set()

    def at(self, days_ago: int, hour: int = 10) -> datetime:
        """A moment `days_ago` days before today, at `hour` o'clock site time (UTC for storage)."""
        day = clock.to_zone(self.now, self.tz).date() - timedelta(days=days_ago)
        return datetime.combine(day, time(hour), tzinfo=self.tz).astimezone(clock.UTC)

    def requisition(
        self,
        code: str,
        title: str,
        discipline: Discipline,
        rates: tuple[str, str],
        *,
        positions: int = 1,
        reason: str = "vacancy",
        created: int,
        submitted: int | None = None,
        approved: int | None = None,
        justification: str = "",
    ) -> Requisition:
        unit = self.units[code]
        req = services.create_requisition(
            self.hr,
            schemas.RequisitionCreate(
                unit_id=unit.pk,
                job_title=title,
                discipline=discipline,
                positions=positions,
                fte=Decimal("0.90") if positions > 1 else Decimal("1.00"),
                hourly_rate_min=Decimal(rates[0]),
                hourly_rate_max=Decimal(rates[1]),
                reason=RequisitionReason(reason),
                justification=justification,
            ),
            now=self.at(created),
        )
        if submitted is not None:
            self.transition(req, "submit", self.hr, submitted)
        if approved is not None:
            self.transition(req, "approve", self.director, approved, "Within the nursing budget for the year.")
        self.ctx.report.add("requisitions")
        return req

    def transition(self, req: Requisition, action: str, actor: Any, days_ago: int, reason: str = "") -> None:
        req.refresh_from_db()
        services.transition_requisition(
            actor,
            req.pk,
            schemas.RequisitionTransition(action=action, reason=reason, version=req.version),  # type: ignore[arg-type]
            now=self.at(days_ago, 11),
        )

    def candidate(self) -> Any:
        while True:
            first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
            if (first, last) not in self.used_names:
                self.used_names.add((first, last))
                break
        self.ctx.report.add("candidates")
        return services.create_candidate(
            self.hr,
            schemas.CandidateCreate(
                site_id=self.site.pk,
                first_name=first,
                last_name=last,
                email=f"{_ascii(first)}.{_ascii(last)}@example.net",  # type: ignore[arg-type]
                phone=f"+1 555 {self.rng.randint(100, 999)} {self.rng.randint(1000, 9999)}",
                source=self.rng.choice(list(CandidateSource)),
                notes="",
            ),
        )

    def apply(self, req: Requisition, days_ago: int) -> Any:
        return services.create_application(
            self.hr,
            schemas.ApplicationCreate(candidate_id=self.candidate().pk, requisition_id=req.pk),
            now=self.at(days_ago, 9),
        )

    def move(self, app: Any, to_stage: str, days_ago: int, reason: str = "") -> Any:
        app.refresh_from_db()
        return services.move_application(
            self.hr, app.pk, to_stage=to_stage, version=app.version, reason=reason, now=self.at(days_ago, 15)
        )

    def interview(self, app: Any, days_ago: int, panel: list[Any], *, scheduled_days_before: int = 3) -> Any:
        interview = services.schedule_interview(
            self.hr,
            app.pk,
            schemas.InterviewCreate(
                starts_at=self.at(days_ago, 14),
                duration_minutes=45,
                location="HR meeting room 2",
                interviewer_ids=[p.pk for p in panel],
            ),
            now=self.at(days_ago + scheduled_days_before, 9),
        )
        self.ctx.report.add("interviews")
        return interview

    def feedback(self, interview: Any, panel: list[Any], level: int) -> None:
        for person in panel:
            scores = [
                schemas.ScoreIn(criterion=c, score=max(1, min(5, level + self.rng.choice([-1, 0, 0, 1]))))
                for c in CRITERIA
            ]
            average = sum(s.score for s in scores) / len(scores)
            recommendation = (
                Recommendation.STRONG_YES
                if average >= 4.4
                else Recommendation.YES
                if average >= 3.4
                else Recommendation.NO
                if average >= 2.4
                else Recommendation.STRONG_NO
            )
            services.record_feedback(
                person,
                interview.pk,
                schemas.FeedbackCreate(
                    criterion_scores=scores,
                    recommendation=recommendation,
                    comments="Clear answers on sepsis escalation.",
                ),
                now=interview.starts_at + timedelta(hours=2),
            )

    def offer(self, app: Any, days_ago: int, rate: str, start_in: int, expires_in: int) -> Any:
        app.refresh_from_db()
        made = self.at(days_ago, 16)
        today = clock.to_zone(made, self.tz).date()
        self.ctx.report.add("offers")
        return services.make_offer(
            self.hr,
            app.pk,
            schemas.OfferCreate(
                hourly_rate=Decimal(rate),
                start_date=today + timedelta(days=start_in),
                expires_on=today + timedelta(days=expires_in),
                version=app.version,
            ),
            now=made,
        )


def _seed_hospital(ctx: SeedContext, rng: random.Random, site: Site, now: datetime) -> None:
    h = _Hospital(ctx, rng, site, now)
    if h.hr is None or h.director is None or not {"ICU", "4W", "TELE", "REHAB", "5W"} <= set(h.units):
        return
    coord_icu = _person(site, Role.COORDINATOR, h.units["ICU"])
    coord_4w = _person(site, Role.COORDINATOR, h.units["4W"])
    icu_panel = [p for p in (h.hr, coord_icu) if p is not None]
    w4_panel = [p for p in (h.hr, coord_4w) if p is not None]

    # A filled requisition: approved 75 days ago, its nurse hired 31 days ago (time to fill 44 days).
    filled = h.requisition(
        "4W",
        "Staff Nurse, 4 West",
        Discipline.RN,
        ("42.00", "55.00"),
        created=82,
        submitted=80,
        approved=75,
        justification="Replaces a nurse who moved to the ICU.",
    )
    hired_app = h.apply(filled, 70)
    declined = h.apply(filled, 69)
    h.move(declined, Stage.DECLINED, 64, "Looking for night shifts only; the unit needs rotation.")
    h.move(hired_app, Stage.SCREENED, 66)
    iv = h.interview(hired_app, 60, w4_panel)
    h.feedback(iv, w4_panel, 4)
    h.move(hired_app, Stage.INTERVIEWED, 60)
    offer = h.offer(hired_app, 40, "47.50", start_in=21, expires_in=10)
    offer = services.respond_to_offer(
        h.hr,
        offer.pk,
        schemas.OfferResponse(accepted=True, note="Accepted by phone.", version=offer.version),
        now=h.at(36, 12),
    )
    services.hire(h.hr, offer.pk, schemas.HireCreate(version=offer.version), now=h.at(31, 10))
    ctx.report.add("hires")
    ctx.report.add("people", 1)

    # The open ICU requisition (2 positions), with candidates at every stage.
    icu = h.requisition(
        "ICU",
        "Critical Care Nurse",
        Discipline.RN,
        ("46.00", "62.00"),
        positions=2,
        created=40,
        submitted=38,
        approved=35,
        justification="Two nurses retiring this quarter.",
    )
    for days in (3, 5, 8):
        h.apply(icu, days)
    for days in (12, 15):
        app = h.apply(icu, days)
        h.move(app, Stage.SCREENED, days - 3)
    upcoming = h.apply(icu, 16)
    h.move(upcoming, Stage.SCREENED, 12)
    services.schedule_interview(
        h.hr,
        upcoming.pk,
        schemas.InterviewCreate(
            starts_at=h.at(-3, 10),
            location="ICU family room",
            interviewer_ids=[p.pk for p in icu_panel],
        ),
        now=now - timedelta(days=1),
    )
    ctx.report.add("interviews")
    for days, level in ((22, 4), (25, 3)):
        app = h.apply(icu, days)
        h.move(app, Stage.SCREENED, days - 4)
        iv = h.interview(app, days - 10, icu_panel)
        h.feedback(iv, icu_panel, level)
        h.move(app, Stage.INTERVIEWED, days - 10)
    offered = h.apply(icu, 30)
    h.move(offered, Stage.SCREENED, 27)
    iv = h.interview(offered, 20, icu_panel)
    h.feedback(iv, icu_panel, 5)
    h.move(offered, Stage.INTERVIEWED, 20)
    h.offer(offered, 2, "54.00", start_in=28, expires_in=7)  # open: the candidate is thinking it over
    withdrawn = h.apply(icu, 28)
    h.move(withdrawn, Stage.SCREENED, 24)
    h.move(withdrawn, Stage.WITHDRAWN, 18, "Accepted a position closer to home.")
    no = h.apply(icu, 33)
    h.move(no, Stage.DECLINED, 29, "No critical-care experience yet; suggested the new-graduate residency.")

    # Pending the director's approval, a draft, and a cancelled one.
    h.requisition(
        "TELE",
        "Telemetry Nurse (growth)",
        Discipline.RN,
        ("44.00", "58.00"),
        reason="growth",
        created=6,
        submitted=4,
        justification="Four monitored beds open in the spring.",
    )
    h.requisition("REHAB", "Physiotherapist", Discipline.PHYSIOTHERAPIST, ("40.00", "52.00"), created=2)
    cancelled = h.requisition(
        "5W",
        "Nursing Assistant, nights",
        Discipline.NURSING_ASSISTANT,
        ("18.00", "23.00"),
        created=50,
        submitted=48,
        approved=45,
    )
    h.transition(cancelled, "cancel", h.hr, 20, "Budget freeze on the nursing-assistant line.")


def run(ctx: SeedContext) -> None:
    now = clock.now()
    for k, hospital, _home in ctx.shared.get("new_pairs", []):
        if hospital is None:
            continue
        rng = random.Random(f"{ctx.seed}:recruiting:{k}")
        _seed_hospital(ctx, rng, hospital, now)

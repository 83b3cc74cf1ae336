"""Demo evaluations for each new hospital and nursing home: one template, last
year's closed annual cycle, this year's cycle in progress (some reviews
overdue), and end-of-probation reviews for recent hires.

Dates are relative to the day of seeding, in each site's zone, so the demo
always shows overdue reviews and a trend per person.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from caredesk.accounts.models import RoleGrant
from caredesk.core import clock
from caredesk.core.roles import Role
from caredesk.core.seeding import SeedContext
from caredesk.performance.models import (
    DEFAULT_SCALE,
    Competency,
    CycleKind,
    CycleStatus,
    EvaluationCycle,
    EvaluationTemplate,
    Goal,
    Rating,
    Review,
    ReviewState,
)
from caredesk.performance.services import default_reviewer, weighted_score
from caredesk.workforce.models import StaffMember, StaffStatus

ORDER = 60

COMPETENCIES = [
    ("Clinical assessment and care planning", "Assesses patients or residents accurately and plans care from it.", "3"),
    ("Medication safety", "Follows the rights of administration; reports near misses.", "3"),
    ("Infection prevention", "Hand hygiene, isolation precautions, aseptic technique.", "2"),
    ("Communication and handoff", "Clear SBAR handoffs; listens to patients and families.", "2"),
    ("Documentation", "Timely, accurate, complete charting.", "1"),
    ("Teamwork and professionalism", "Reliable, respectful, supports colleagues and students.", "1"),
]
STRENGTHS = [
    "Calm and methodical in emergencies.",
    "Families often mention their kindness.",
    "Very reliable with handoffs.",
    "Precepted two new graduates this year.",
    "Excellent documentation, often used as an example.",
    "Takes initiative on infection prevention audits.",
]
IMPROVE = [
    "Work on delegating to nursing assistants.",
    "Charting is sometimes completed late in the shift.",
    "Speak up earlier when the workload is unsafe.",
    "Refresh knowledge of the new insulin protocol.",
    "Attend at least two unit practice council meetings.",
]
GOALS = [
    "Complete the CCRN or a specialty certification",
    "Precept one new graduate nurse",
    "Lead a unit skills day on pressure injury prevention",
    "Complete the charge nurse course",
    "Join the falls prevention committee",
    "Present a case at the monthly nursing grand rounds",
]
EMPLOYEE_REPLIES = [
    "Thank you, I agree with the goals.",
    "I would like more support for the certification exam.",
    "I do not agree with the documentation rating: the unit was short-staffed for months.",
    "",
    "",
]


def _at(day: date, hour: int, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=tz)


def _template(site: Any) -> EvaluationTemplate:
    t = EvaluationTemplate.objects.create(
        site=site,
        name="Annual nursing competency review",
        description="Yearly review of clinical competencies, with goals for the coming year.",
        scale_labels=list(DEFAULT_SCALE),
    )
    Competency.objects.bulk_create(
        [
            Competency(template=t, position=i, name=name, description=desc, weight=Decimal(w))
            for i, (name, desc, w) in enumerate(COMPETENCIES)
        ]
    )
    return t


class _Filler:
    """Writes reviews in bulk for one site, with realistic ratings and states."""

    def __init__(self, rng: random.Random, site: Any, template: EvaluationTemplate, tz: ZoneInfo) -> None:
        self.rng, self.site, self.tz = rng, site, tz
        self.competencies = list(template.competencies.all())
        leaders = RoleGrant.objects.filter(site=site, unit__isnull=True, revoked_at__isnull=True)
        self.director = next((g.user for g in leaders.filter(role=Role.DIRECTOR)), None)
        self.assistant = next((g.user for g in leaders.filter(role=Role.ASSISTANT_DIRECTOR)), None)
        self.reviewers: dict[int, Any] = {}
        self.ratings: list[Rating] = []
        self.goals: list[Goal] = []

    def reviewer(self, staff: StaffMember) -> Any:
        if staff.pk not in self.reviewers:
            self.reviewers[staff.pk] = default_reviewer(staff)
        return self.reviewers[staff.pk]

    def signer(self, reviewer: Any) -> Any:
        return self.assistant if reviewer is not None and reviewer == self.director else self.director

    def review(self, cycle: EvaluationCycle, staff: StaffMember, level: float, state: str) -> Review:
        rng = self.rng
        reviewer = self.reviewer(staff)
        review = Review(cycle=cycle, staff=staff, reviewer=reviewer, state=state)
        values = [max(1, min(5, round(level + rng.gauss(0, 0.6)))) for _ in self.competencies]
        rated = state != ReviewState.DRAFT or rng.random() < 0.4  # some drafts are half written
        if rated:
            count = len(values) if state != ReviewState.DRAFT else rng.randint(1, len(values) - 1)
            review._seed_ratings = list(zip(self.competencies[:count], values[:count], strict=True))  # type: ignore[attr-defined]
            review.score = weighted_score([(c.weight, v) for c, v in review._seed_ratings])  # type: ignore[attr-defined]
        if state == ReviewState.DRAFT:
            review.score = None
            return review
        due = cycle.due_on
        submitted = due - timedelta(days=rng.randint(0, 20))
        review.comments = f"{rng.choice(STRENGTHS)} {rng.choice(IMPROVE)}"
        review.submitted_at = _at(submitted, rng.randint(9, 17), self.tz)
        review.submitted_by = reviewer
        if state in (ReviewState.ACKNOWLEDGED, ReviewState.SIGNED_OFF, ReviewState.CLOSED):
            review.acknowledged_at = review.submitted_at + timedelta(days=rng.randint(1, 9), hours=rng.randint(0, 6))
            review.employee_comments = rng.choice(EMPLOYEE_REPLIES)
        if state in (ReviewState.SIGNED_OFF, ReviewState.CLOSED):
            assert review.acknowledged_at is not None
            review.signed_off_at = review.acknowledged_at + timedelta(days=rng.randint(1, 10))
            review.signed_off_by = self.signer(reviewer)
        if state == ReviewState.CLOSED:
            review.closed_at = cycle.closed_at
        return review

    def save(self, reviews: list[Review]) -> int:
        Review.objects.bulk_create(reviews)
        for review in reviews:
            for competency, value in getattr(review, "_seed_ratings", []):
                self.ratings.append(Rating(review=review, competency=competency, rating=value))
            if review.state != ReviewState.DRAFT:
                picks = self.rng.sample(GOALS, self.rng.randint(1, 3))
                base = review.cycle.due_on
                self.goals += [
                    Goal(review=review, position=i, description=g, target_date=base + timedelta(days=90 * (i + 1) + 30))
                    for i, g in enumerate(picks)
                ]
        return len(reviews)

    def flush(self) -> None:
        Rating.objects.bulk_create(self.ratings)
        Goal.objects.bulk_create(self.goals)
        self.ratings, self.goals = [], []


def _seed_site(ctx: SeedContext, rng: random.Random, site: Any, now: datetime) -> None:
    if EvaluationTemplate.objects.filter(site=site).exists():
        return
    tz = ZoneInfo(site.time_zone)
    today = clock.to_zone(now, tz).date()
    template = _template(site)
    ctx.report.add("evaluation templates")
    staff = list(
        StaffMember.objects.filter(site=site)
        .exclude(status=StaffStatus.TERMINATED)
        .select_related("user", "home_unit")
        .order_by("pk")
    )
    filler = _Filler(rng, site, template, tz)
    levels = {s.pk: min(4.6, max(1.8, rng.gauss(3.4, 0.5))) for s in staff}

    # Last year's annual cycle: closed, most people reviewed.
    cur_end = today - timedelta(days=45)
    prev_end = cur_end - timedelta(days=365)
    prev_due = prev_end + timedelta(days=38)
    previous = EvaluationCycle.objects.create(
        site=site,
        template=template,
        name=f"Annual nursing review {prev_end.year}",
        kind=CycleKind.ANNUAL,
        period_start=prev_end - timedelta(days=364),
        period_end=prev_end,
        due_on=prev_due,
        status=CycleStatus.CLOSED,
        closed_at=_at(prev_due + timedelta(days=40), 16, tz),
    )
    reviews = [
        filler.review(previous, s, levels[s.pk], ReviewState.CLOSED)
        for s in staff
        if s.hire_date <= prev_end and rng.random() < 0.92
    ]
    n = filler.save(reviews)

    # This year's cycle: due a week ago, so the reviews still in draft are overdue.
    current = EvaluationCycle.objects.create(
        site=site,
        template=template,
        name=f"Annual nursing review {cur_end.year}",
        kind=CycleKind.ANNUAL,
        period_start=cur_end - timedelta(days=364),
        period_end=cur_end,
        due_on=today - timedelta(days=7),
    )
    states = (
        [ReviewState.DRAFT] * 35
        + [ReviewState.SUBMITTED] * 25
        + [ReviewState.ACKNOWLEDGED] * 22
        + [ReviewState.SIGNED_OFF] * 18
    )
    reviews = [
        filler.review(current, s, levels[s.pk] + rng.gauss(0.1, 0.3), rng.choice(states))
        for s in staff
        if s.hire_date <= cur_end and s.status == StaffStatus.ACTIVE
    ]
    n += filler.save(reviews)

    # End of probation for people hired within the last six months.
    recent = [s for s in staff if s.hire_date >= today - timedelta(days=182) and s.status == StaffStatus.ACTIVE]
    cycles = 2
    if recent:
        probation = EvaluationCycle.objects.create(
            site=site,
            template=template,
            name="End of probation reviews",
            kind=CycleKind.PROBATION,
            period_start=today - timedelta(days=182),
            period_end=today,
            due_on=today + timedelta(days=21),
        )
        cycles += 1
        reviews = [
            filler.review(probation, s, 3.2, ReviewState.SUBMITTED if i % 3 == 2 else ReviewState.DRAFT)
            for i, s in enumerate(recent)
        ]
        n += filler.save(reviews)
    filler.flush()
    ctx.report.add("evaluation cycles", cycles)
    ctx.report.add("evaluations", n)


def run(ctx: SeedContext) -> None:
    now = clock.now()
    for k, hospital, home in ctx.shared.get("new_pairs", []):
        rng = random.Random(f"{ctx.seed}:performance:{k}")
        for site in (hospital, home):
            if site is not None:
                _seed_site(ctx, rng, site, now)

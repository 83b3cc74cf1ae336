"""Reads of performance evaluations, always through the access scope of core.

Who sees a review: the person reviewed (once it is submitted), its assigned
reviewer, and holders of performance.view on the person's unit or site
(coordinators, leadership, HR). Other clinicians and finance see nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from caredesk.core import clock, scoping
from caredesk.org.models import Site
from caredesk.performance.models import (
    PENDING_STATES,
    SCORED_STATES,
    EvaluationCycle,
    EvaluationTemplate,
    Review,
    ReviewState,
)
from caredesk.workforce.models import StaffMember


def templates(user: Any, *, site_id: int | None = None, include_inactive: bool = False) -> QuerySet[EvaluationTemplate]:
    qs = scoping.scoped(EvaluationTemplate.objects.all(), user, "performance.view")
    if site_id is not None:
        qs = qs.filter(site_id=site_id)
    return qs if include_inactive else qs.filter(is_active=True)


def cycles(user: Any, *, site_id: int | None = None, status: str | None = None) -> QuerySet[EvaluationCycle]:
    qs = scoping.scoped(EvaluationCycle.objects.select_related("site", "unit", "template"), user, "performance.view")
    if site_id is not None:
        qs = qs.filter(site_id=site_id)
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(review_count=Count("reviews"))


def reviews(
    user: Any,
    *,
    cycle_id: int | None = None,
    staff_id: int | None = None,
    reviewer_id: int | None = None,
    state: str | None = None,
    site_id: int | None = None,
    overdue: bool | None = None,
    now: datetime | None = None,
) -> QuerySet[Review]:
    """Reviews the user may see: their own (submitted onwards), those assigned to
    them to write, and those of the staff within their performance.view scope."""
    base = Review.objects.select_related("cycle__site", "cycle__template", "staff__user", "reviewer")
    uid = getattr(user, "pk", None)
    mine = base.filter(Q(staff__user_id=uid) & ~Q(state=ReviewState.DRAFT) | Q(reviewer_id=uid)) if uid else base.none()
    qs = scoping.scoped(base, user, "performance.view") | mine
    if cycle_id is not None:
        qs = qs.filter(cycle_id=cycle_id)
    if staff_id is not None:
        qs = qs.filter(staff_id=staff_id)
    if reviewer_id is not None:
        qs = qs.filter(reviewer_id=reviewer_id)
    if state:
        qs = qs.filter(state=state)
    if site_id is not None:
        qs = qs.filter(cycle__site_id=site_id)
    if overdue is not None:
        q = overdue_filter(now or clock.now())
        qs = qs.filter(q) if overdue else qs.exclude(q)
    return qs


def get_review(user: Any, review_id: int) -> Review:
    """One review the user may see, or NotFound."""
    from caredesk.core import errors

    review = reviews(user).filter(pk=review_id).first()
    if review is None:
        raise errors.NotFound()
    return review


def local_today(site: Site, now: datetime) -> date:
    return clock.to_zone(now, site.time_zone).date()


def overdue_filter(now: datetime) -> Q:
    """Reviews still owed after their cycle's due day, each judged in its site's zone."""
    by_day: dict[date, list[int]] = defaultdict(list)
    for site in Site.objects.only("pk", "time_zone"):
        by_day[local_today(site, now)].append(site.pk)
    q = Q(pk__in=[])
    for today, site_ids in by_day.items():
        q |= Q(cycle__site_id__in=site_ids, cycle__due_on__lt=today)
    return q & Q(state__in=PENDING_STATES) & Q(cycle__status="open")


def is_overdue(review: Review, now: datetime) -> bool:
    return review.cycle.status == "open" and review.is_overdue(local_today(review.cycle.site, now))


@dataclass
class OverdueGroup:
    reviewer_id: int | None
    reviewer_name: str
    site_id: int
    site_name: str
    oldest_due_on: date
    reviews: list[Review] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.reviews)

    @property
    def review_ids(self) -> list[int]:
        return [r.pk for r in self.reviews]


def overdue_by_reviewer(user: Any, *, site_id: int | None = None, now: datetime | None = None) -> list[OverdueGroup]:
    """Overdue reviews grouped per reviewer (and site), the most behind first."""
    qs = reviews(user, site_id=site_id, overdue=True, now=now).order_by("cycle__due_on", "pk")
    groups: dict[tuple[int | None, int], OverdueGroup] = {}
    for r in qs:
        key = (r.reviewer_id, r.cycle.site_id)
        if key not in groups:
            groups[key] = OverdueGroup(
                reviewer_id=r.reviewer_id,
                reviewer_name=str(r.reviewer) if r.reviewer else "",
                site_id=r.cycle.site_id,
                site_name=r.cycle.site.name,
                oldest_due_on=r.cycle.due_on,
            )
        groups[key].reviews.append(r)
    return sorted(groups.values(), key=lambda g: (-g.count, g.oldest_due_on, g.reviewer_name))


def visible_staff(user: Any, staff_id: int) -> StaffMember:
    """A staff member whose evaluations the user may see (their own, or within scope)."""
    qs = StaffMember.objects.select_related("user", "site", "home_unit")
    own = qs.filter(pk=staff_id, user_id=getattr(user, "pk", None) or 0).first()
    return own or scoping.get_scoped(qs, user, "performance.view", pk=staff_id)


def may_see_history(user: Any, staff: StaffMember) -> bool:
    if getattr(user, "pk", None) == staff.user_id:
        return True
    return scoping.has(user, "performance.view", site_id=staff.site_id, unit_id=staff.home_unit_id)


def history(user: Any, staff: StaffMember) -> list[Review]:
    """The person's reviews that the user may see, oldest period first (for the trend)."""
    return list(
        reviews(user, staff_id=staff.pk).exclude(state=ReviewState.CANCELLED).order_by("cycle__period_end", "pk")
    )


def trend_points(history_rows: list[Review]) -> list[tuple[Review, Decimal]]:
    return [(r, r.score) for r in history_rows if r.state in SCORED_STATES and r.score is not None]


# --- what the reader may do with a review ---------------------------------------------


@dataclass(frozen=True)
class Abilities:
    edit: bool
    submit: bool
    acknowledge: bool
    sign_off: bool
    close: bool
    cancel: bool
    assign: bool


def may_write(user: Any, review: Review) -> bool:
    """The assigned reviewer, or anyone who reviews the person's unit; never the person."""
    if getattr(user, "pk", None) == review.staff.user_id:
        return False
    if review.reviewer_id is not None and review.reviewer_id == getattr(user, "pk", None):
        return True
    return scoping.has(user, "performance.review", site_id=review.cycle.site_id, unit_id=review.staff.home_unit_id)


def abilities(user: Any, review: Review) -> Abilities:
    uid = getattr(user, "pk", None)
    site_id = review.cycle.site_id
    manage = scoping.has(user, "performance.manage_cycles", site_id=site_id)
    draft = review.state == ReviewState.DRAFT
    return Abilities(
        edit=draft and may_write(user, review),
        submit=draft and may_write(user, review),
        acknowledge=review.state == ReviewState.SUBMITTED and uid == review.staff.user_id,
        sign_off=review.state == ReviewState.ACKNOWLEDGED
        and uid not in (review.reviewer_id, review.submitted_by_id, review.staff.user_id)
        and scoping.has(user, "performance.sign_off", site_id=site_id),
        close=review.state == ReviewState.SIGNED_OFF and manage,
        cancel=review.state in (ReviewState.DRAFT, ReviewState.SUBMITTED) and manage,
        assign=draft and manage,
    )


def awaiting_sign_off(user: Any) -> QuerySet[Review]:
    r = scoping.reach(user, "performance.sign_off")
    qs = reviews(user, state=ReviewState.ACKNOWLEDGED).exclude(reviewer_id=getattr(user, "pk", None))
    if r.everywhere:
        return qs
    return qs.filter(cycle__site_id__in=r.site_ids)

"""The evaluations section of the staff profile page: the person's history and
trend, shown only to those who may see them (the person, their coordinator,
leadership, HR; not other clinicians, not finance)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from caredesk.performance import charts, queries
from caredesk.web.profile_sections import ProfileSection


def sections(request: HttpRequest, staff: Any) -> list[ProfileSection]:
    if not queries.may_see_history(request.user, staff):
        return []
    rows = queries.history(request.user, staff)
    return [
        ProfileSection(
            title=_("Evaluations"),
            template="performance/_profile_section.html",
            context={"perf_rows": rows, "perf_chart": charts.trend_svg(queries.trend_points(rows))},
            order=60,
        )
    ]

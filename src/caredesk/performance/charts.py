"""A small server-rendered SVG line chart of a person's scores per cycle.

Plain SVG text (no script, no style attribute, so the page's CSP holds), with
a <title> on each point as its tooltip.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT, PAD_X, PAD_Y = 560, 200, 40, 24


def trend_svg(points: list[tuple[Any, Decimal]]) -> SafeString:
    """`points`: (review, score) oldest first; empty markup when fewer than one point."""
    if not points:
        return mark_safe("")
    top = max(max((r.cycle.template.scale_max for r, _s in points), default=5), 2)
    n = len(points)

    def x(i: int) -> float:
        return PAD_X + (WIDTH - 2 * PAD_X) * (i / (n - 1) if n > 1 else 0.5)

    def y(score: Decimal | float) -> float:
        return HEIGHT - PAD_Y - (HEIGHT - 2 * PAD_Y) * (float(score) - 1) / (top - 1)

    parts: list[str] = []
    for level in range(1, top + 1):
        parts.append(
            f'<line x1="{PAD_X}" y1="{y(level):.1f}" x2="{WIDTH - PAD_X}" y2="{y(level):.1f}" '
            f'stroke="#dee2e6" stroke-width="1"/>'
            f'<text x="{PAD_X - 6}" y="{y(level) + 4:.1f}" font-size="11" text-anchor="end" fill="#6c757d">{level}</text>'
        )
    coords = " ".join(f"{x(i):.1f},{y(s):.1f}" for i, (_r, s) in enumerate(points))
    if n > 1:
        parts.append(f'<polyline points="{coords}" fill="none" stroke="#0d6efd" stroke-width="2"/>')
    for i, (review, score) in enumerate(points):
        tip = escape(f"{review.cycle.name}: {score}")
        parts.append(
            f'<circle cx="{x(i):.1f}" cy="{y(score):.1f}" r="4" fill="#0d6efd"><title>{tip}</title></circle>'
            f'<text x="{x(i):.1f}" y="{HEIGHT - 4}" font-size="10" text-anchor="middle" fill="#6c757d">'
            f"{review.cycle.period_end.year}</text>"
        )
    label = escape(_("Overall score per evaluation cycle"))
    # Every piece of text above is escaped; numbers are formatted by us.
    return mark_safe(  # noqa: S308
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{label}" class="w-100 perf-trend">{"".join(parts)}</svg>'
    )

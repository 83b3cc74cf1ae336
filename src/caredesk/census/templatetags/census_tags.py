"""Badges of the census pages (Bootstrap classes only: no inline styles under the CSP)."""

from __future__ import annotations

from django import template

register = template.Library()

FLAG_CLASSES = {
    "fall_risk": "text-bg-warning",
    "behavioural": "text-bg-danger",
    "isolation": "text-bg-info",
    "one_to_one": "text-bg-danger",
    "confused": "text-bg-secondary",
    "difficult": "text-bg-dark",
}
FLAG_SHORT = {
    "fall_risk": "FALL",
    "behavioural": "BEH",
    "isolation": "ISO",
    "one_to_one": "1:1",
    "confused": "CONF",
    "difficult": "PLAN",
}
LEVEL_CLASSES = {1: "text-bg-success", 2: "text-bg-primary", 3: "text-bg-warning", 4: "text-bg-danger"}


@register.filter
def flag_class(kind: str) -> str:
    return FLAG_CLASSES.get(kind, "text-bg-secondary")


@register.filter
def flag_short(kind: str) -> str:
    return FLAG_SHORT.get(kind, kind[:4].upper())


@register.filter
def level_class(level: int | None) -> str:
    if level is None:
        return "text-bg-light border"
    return LEVEL_CLASSES.get(int(level), "text-bg-danger")

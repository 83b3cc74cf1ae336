"""The training part of the staff profile page (see caredesk.web.profile_sections)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from caredesk.training import queries
from caredesk.web.profile_sections import ProfileSection


def sections(request: HttpRequest, staff: Any) -> list[ProfileSection]:
    """The person's training record: only for the person and those who hold
    training.view on their unit."""
    if not queries.may_see_person(request.user, staff):
        return []
    return [
        ProfileSection(
            title=_("Training"),
            template="training/_profile_section.html",
            context={
                "training_items": queries.person_items(staff),
                "training_completions": list(staff.training_completions.select_related("program").all()),
                "training_link": reverse("training:person", args=[staff.pk]),
            },
            order=50,
        )
    ]

"""Periodic work of the workforce: expiry warnings and due terminations."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from caredesk.accounts.models import User
from caredesk.core import audit, clock, notifications, periodic
from caredesk.core.roles import Role
from caredesk.workforce import qualification, services
from caredesk.workforce.models import Credential


def _coordinators(cred: Credential) -> list[Any]:
    staff = cred.staff
    q = Q(role_grants__site_id=staff.site_id, role_grants__unit__isnull=True)
    if staff.home_unit_id:
        q |= Q(role_grants__unit_id=staff.home_unit_id)
    return list(
        User.objects.filter(q, role_grants__role=Role.COORDINATOR, role_grants__revoked_at__isnull=True, is_active=True)
        .exclude(pk=staff.user_id)
        .distinct()
    )


def raise_credential_warnings(*, now: datetime | None = None) -> int:
    """Raise each due expiry warning once (90, 60 and 30 days before expiry).

    Each credential stores when its next warning falls due; a run claims it
    with a compare-and-set on that column, so two workers never raise it twice,
    and the notification's dedupe key makes a retry harmless too.
    """
    moment = now or clock.now()
    raised = 0
    due = Credential.objects.filter(next_warning_at__lte=moment, revoked_at__isnull=True).select_related(
        "staff__site", "staff__user", "type"
    )
    for cred in due:
        days, upcoming = qualification.due_warning(cred.expires_on, cred.staff.site.time_zone, moment)
        with transaction.atomic():
            claimed = Credential.objects.filter(pk=cred.pk, next_warning_at=cred.next_warning_at).update(
                next_warning_at=upcoming
            )
            if not claimed or days is None:
                continue
            link = reverse("workforce:staff_detail", args=[cred.staff_id])
            for person in [cred.staff.user, *_coordinators(cred)]:
                with translation.override(person.language or "en"):
                    title = _("%(credential)s of %(name)s expires in %(days)d days (%(date)s)") % {
                        "credential": cred.type.name,
                        "name": cred.staff,
                        "days": days,
                        "date": cred.expires_on,
                    }
                notifications.notify(
                    person,
                    kind="credential.expiring",
                    title=title,
                    link=link,
                    site_id=cred.staff.site_id,
                    dedupe_key=f"credential:{cred.pk}:{cred.expires_on}:{days}",
                    now=moment,
                )
            audit.record(actor=None, action="workforce.credential_warning", obj=cred, at=moment, after={"days": days})
            raised += 1
    return raised


@periodic.every(timedelta(minutes=15))
@task()
def credential_warnings() -> int:
    return raise_credential_warnings()


@periodic.every(timedelta(minutes=5))
@task()
def due_terminations() -> int:
    return services.apply_due_terminations()

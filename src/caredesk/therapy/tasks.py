"""Periodic work of therapy: the care alert of a missed session, and a reminder
to the therapist of a session still not recorded past its grace.

Each session stores when it next needs a look (`next_check_at`); a sweep
claims it with a compare-and-set on that column, so two workers never act on
it twice, and `raise_alert` is itself once per (kind, session).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from caredesk.core import audit, clock, notifications, periodic
from caredesk.therapy import status as st
from caredesk.therapy.models import SessionStatus, TherapySession


def _raise_alert(session: TherapySession, now: datetime) -> object:
    """The escalation app's raise_alert, imported late (it is another app)."""
    from caredesk.escalation.services import raise_alert

    stay = session.plan.stay
    zone = stay.unit.site.time_zone
    local = clock.to_zone(session.scheduled_start, zone)
    title = _("Therapy session missed: %(patient)s, %(discipline)s at %(time)s") % {
        "patient": stay.patient,
        "discipline": session.plan.get_discipline_display(),
        "time": local.strftime("%H:%M"),
    }
    detail = _("%(reason)s. %(note)s") % {"reason": session.get_missed_reason_display(), "note": session.note}
    return raise_alert(
        kind="session_missed",
        stay=stay,
        source=session,
        due_at=session.recorded_at or now,
        title=title[:200],
        detail=detail.strip(),
        severity="medium" if session.missed_reason == "patient_refused" else "high",
        now=now,
    )


def raise_due_alerts(*, now: datetime | None = None, session_ids: Iterable[int] | None = None) -> dict[str, int]:
    """Act on every session whose `next_check_at` has come: a missed one raises
    its care alert; a scheduled one past its grace reminds its therapist that
    it is not recorded. Returns the counts."""
    moment = now or clock.now()
    due = TherapySession.objects.filter(next_check_at__lte=moment).select_related(
        "plan__stay__unit__site", "plan__stay__patient", "therapist__user"
    )
    if session_ids is not None:
        due = due.filter(pk__in=list(session_ids))
    counts = {"alerts": 0, "reminders": 0}
    for session in due.order_by("next_check_at", "pk"):
        with transaction.atomic():
            claimed = TherapySession.objects.filter(pk=session.pk, next_check_at=session.next_check_at).update(
                next_check_at=None
            )
            if not claimed:
                continue
            if session.status == SessionStatus.MISSED:
                if session.alert_raised_at is None:
                    _raise_alert(session, moment)
                    TherapySession.objects.filter(pk=session.pk).update(alert_raised_at=moment)
                    audit.record(actor=None, action="therapy.session_missed_alert", obj=session, at=moment)
                    counts["alerts"] += 1
            elif session.status == SessionStatus.SCHEDULED:
                overdue = st.overdue_at(session.scheduled_start, session.planned_minutes)
                if overdue > moment:  # the grace changed since it was scheduled: look again later
                    TherapySession.objects.filter(pk=session.pk).update(next_check_at=overdue)
                    continue
                if session.therapist is not None and session.overdue_notified_at is None:
                    _remind(session, moment)
                    counts["reminders"] += 1
                TherapySession.objects.filter(pk=session.pk).update(overdue_notified_at=moment)
    return counts


def _remind(session: TherapySession, moment: datetime) -> None:
    assert session.therapist is not None
    person = session.therapist.user
    stay = session.plan.stay
    local = clock.to_zone(session.scheduled_start, stay.unit.site.time_zone)
    with translation.override(getattr(person, "language", "") or "en"):
        title = _("Session not recorded: %(patient)s, %(date)s %(time)s") % {
            "patient": stay.patient,
            "date": local.date().isoformat(),
            "time": local.strftime("%H:%M"),
        }
    notifications.notify(
        person,
        kind="therapy.session_not_recorded",
        title=title,
        link=reverse("therapy:session_record", args=[session.pk]),
        site_id=stay.unit.site_id,
        dedupe_key=f"therapy.session_not_recorded:{session.pk}",
        now=moment,
    )


@periodic.every(timedelta(minutes=5))
@task()
def session_alerts() -> dict[str, int]:
    return raise_due_alerts()

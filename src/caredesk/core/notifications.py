"""In-app notifications (and e-mail when the person has an address).

`notify()` is called by services and periodic jobs inside their transaction;
the e-mail leaves only after the transaction commits. Raising the same
notification twice (same recipient and dedupe key) stores it once.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from caredesk.core import clock, errors
from caredesk.core.models import Notification

logger = logging.getLogger(__name__)


def notify(
    recipient: Any,
    *,
    kind: str,
    title: str,
    dedupe_key: str,
    body: str = "",
    link: str = "",
    site_id: int | None = None,
    now: datetime | None = None,
    email: bool = True,
) -> Notification | None:
    """Store one notification; None if this one was already raised."""
    moment = now or clock.now()
    try:
        with transaction.atomic():
            note = Notification.objects.create(
                recipient=recipient,
                kind=kind,
                title=title[:200],
                body=body,
                link=link[:300],
                site_id=site_id,
                dedupe_key=dedupe_key[:200],
                created_at=moment,
            )
    except IntegrityError:
        return None
    address = getattr(recipient, "email", "")
    if email and address and recipient.is_active:

        def send() -> None:
            try:
                send_mail(f"[CareDesk] {title}", f"{body}\n\n{link}".strip(), settings.DEFAULT_FROM_EMAIL, [address])
            except Exception:  # mail trouble must not undo the clinical record
                logger.exception("could not e-mail notification %s", note.pk)

        transaction.on_commit(send)
    return note


def for_user(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient_id=user.pk)


def unread_count(user: Any) -> int:
    return for_user(user).filter(read_at__isnull=True).count()


@transaction.atomic
def mark_read(actor: Any, notification_id: int, *, now: datetime | None = None) -> Notification:
    note = Notification.objects.select_for_update().filter(pk=notification_id, recipient_id=actor.pk).first()
    if note is None:
        raise errors.NotFound()
    if note.read_at is None:
        note.read_at = now or clock.now()
        note.save(update_fields=["read_at"])
    return note


@transaction.atomic
def mark_all_read(actor: Any, *, now: datetime | None = None) -> int:
    return for_user(actor).filter(read_at__isnull=True).update(read_at=now or clock.now())

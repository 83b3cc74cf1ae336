"""Log-ins, log-outs and failed log-ins go to the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from caredesk.accounts.middleware import SESSION_KEY
from caredesk.core import audit, clock


@receiver(user_logged_in, dispatch_uid="caredesk_audit_login")
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = clock.now().isoformat()
    with transaction.atomic():
        audit.record(actor=user, action="accounts.login", obj=user)


@receiver(user_logged_out, dispatch_uid="caredesk_audit_logout")
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        with transaction.atomic():
            audit.record(actor=user, action="accounts.logout", obj=user)


@receiver(user_login_failed, dispatch_uid="caredesk_audit_login_failed")
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    with transaction.atomic():
        audit.record(
            actor=None,
            action="accounts.login_failed",
            object_type="accounts.user",
            object_id=str(credentials.get("username", ""))[:64],
        )

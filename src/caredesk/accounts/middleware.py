"""Per-user language, and automatic log-off after idle time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from caredesk.core import clock

SESSION_KEY = "caredesk_last_activity"
# Requests that a page makes by itself (htmx polling) send this header, so they
# do not count as the person being active.
BACKGROUND_HEADER = "HTTP_X_CAREDESK_BACKGROUND"


class UserLanguageMiddleware:
    """Activates the signed-in user's chosen language (after authentication)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        return self.get_response(request)


class IdleLogoutMiddleware:
    """Signs a session out after CAREDESK_IDLE_TIMEOUT_MINUTES without activity
    (HIPAA §164.312(a)(2)(iii) automatic logoff)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = clock.now()
            timeout = settings.CAREDESK_IDLE_TIMEOUT_MINUTES * 60
            raw = request.session.get(SESSION_KEY)
            last = datetime.fromisoformat(raw) if isinstance(raw, str) else None
            if last is not None and (now - last).total_seconds() > timeout:
                logout(request)
                message = _("You were signed out after %(minutes)d minutes without activity.") % {
                    "minutes": settings.CAREDESK_IDLE_TIMEOUT_MINUTES
                }
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"error": {"code": "session_expired", "message": message, "fields": {}}}, status=401
                    )
                messages.info(request, message)
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = f"{settings.LOGIN_URL_PATH}?next={request.path}"
                    return response
                return redirect(f"{settings.LOGIN_URL_PATH}?next={request.path}")
            # Only people count as activity; throttle the session write to every 30 s.
            if not request.META.get(BACKGROUND_HEADER) and (last is None or (now - last).total_seconds() > 30):
                request.session[SESSION_KEY] = now.isoformat()
        return self.get_response(request)

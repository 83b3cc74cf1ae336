from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from caredesk.core import context


class RequestContextMiddleware:
    """Makes the client address available to the audit trail during a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "web"
        token = context.set_context(
            context.RequestContext(
                client_address=context.client_address_from_meta(request.META),
                user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:300],
                channel=channel,
            )
        )
        try:
            return self.get_response(request)
        finally:
            context.reset_context(token)

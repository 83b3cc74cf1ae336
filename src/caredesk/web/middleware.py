"""Service errors raised while rendering a page become the right page."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from caredesk.core import errors


class ServiceErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/") or not isinstance(exc, errors.ServiceError):
            return None
        if isinstance(exc, errors.NotAuthenticated):
            return redirect(f"{settings.LOGIN_URL_PATH}?next={request.path}")
        template = {403: "errors/403.html", 404: "errors/404.html"}.get(exc.status, "errors/400.html")
        return render(request, template, {"message": exc.message, "error": exc}, status=exc.status)

"""The JSON API frame: authentication, one error shape, pagination.

Every failure answers {"error": {"code", "message", "fields": {field: [messages]}}}
with the matching status: 400 malformed request, 401 not authenticated,
403 refused, 404 not found (or out of the caller's reach), 409 conflict,
422 invalid fields.
"""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import PaginationBase
from ninja.security import HttpBearer, SessionAuth
from pydantic import Field

from caredesk.core import errors

logger = logging.getLogger(__name__)


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer cdk_...`: a personal API token (hashed at rest)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from caredesk.accounts.services import authenticate_token

        user = authenticate_token(token)
        if user is None:
            return None
        request.user = user
        return user


class SessionOrNone(SessionAuth):
    """The browser session (with CSRF on writes), for the pages' own htmx calls."""


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


# Names of the body parameter of our endpoints; stripped from error locations.
_PAYLOAD_NAMES = {"data", "payload"}


def _field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form"}:
        parts = parts[1:]
    if parts and parts[0] in _PAYLOAD_NAMES:
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(errors.ServiceError)
    def service_error(request: HttpRequest, exc: errors.ServiceError) -> HttpResponse:
        return respond(request, exc.status, exc.as_payload())

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for item in exc.errors:
            fields.setdefault(_field_name(item.get("loc", ())), []).append(str(item.get("msg", "invalid")))
        if list(fields) == ["__all__"] and any("JSON" in m for m in fields["__all__"]):
            return respond(request, 400, error_body("bad_request", "The request body is not valid JSON.", fields))
        first_name, first_messages = next(iter(fields.items()), ("__all__", ["invalid"]))
        message = f"{first_name}: {first_messages[0]}"
        return respond(request, 422, error_body("validation_error", message, fields))

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return respond(request, 401, error_body("not_authenticated", "Authentication is required."))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = {
            400: "bad_request",
            401: "not_authenticated",
            403: "permission_denied",
            404: "not_found",
            405: "method_not_allowed",
            409: "conflict",
        }.get(exc.status_code, "error")
        return respond(request, exc.status_code, error_body(code, str(exc)))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, error_body("not_found", "Not found."))

    @api.exception_handler(DjangoPermissionDenied)
    def forbidden(request: HttpRequest, exc: DjangoPermissionDenied) -> HttpResponse:
        return respond(request, 403, error_body("permission_denied", "You do not have permission to do this."))

    @api.exception_handler(OverflowError)
    def overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
        # A number too large for the database (SQLite) cannot name any record.
        return respond(request, 422, error_body("validation_error", "A number is out of range."))

    @api.exception_handler(DataError)
    def data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
        # PostgreSQL: "integer out of range", "value too long": the input, not the server.
        return respond(request, 422, error_body("validation_error", "A value is out of range or too long."))

    @api.exception_handler(IntegrityError)
    def integrity(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        return respond(request, 409, error_body("conflict", "This conflicts with an existing record."))

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("unhandled API error on %s %s", request.method, request.path)
        return respond(request, 500, error_body("server_error", "An unexpected error occurred; it has been logged."))


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


class ErrorOut(Schema):
    error: ErrorDetail


# Responses every endpoint may give, documented in the OpenAPI description.
ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


class Page(PaginationBase):
    """?page=N&page_size=M (max 200); answers {items, count, page, page_size, pages}."""

    class Input(Schema):
        page: int = Field(1, ge=1)
        page_size: int = Field(50, ge=1, le=200)

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        page_size: int
        pages: int

    items_attribute = "items"

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest | None = None, **params: Any
    ) -> dict[str, Any]:
        count = queryset.count() if hasattr(queryset, "count") and not isinstance(queryset, list) else len(queryset)
        start = (pagination.page - 1) * pagination.page_size
        items = list(queryset[start : start + pagination.page_size])
        pages = (count + pagination.page_size - 1) // pagination.page_size
        return {
            "items": items,
            "count": count,
            "page": pagination.page,
            "page_size": pagination.page_size,
            "pages": pages,
        }

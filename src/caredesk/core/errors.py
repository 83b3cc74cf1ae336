"""Errors raised by services; the API and the pages turn them into answers.

One error shape everywhere: {"error": {"code", "message", "fields"}}.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    status = 400
    code = "bad_request"
    default_message = _("The request could not be processed.")

    def __init__(self, message: object | None = None, *, fields: dict[str, list[str]] | None = None) -> None:
        self.message = str(message if message is not None else self.default_message)
        self.fields = {name: [str(m) for m in msgs] for name, msgs in (fields or {}).items()}
        super().__init__(self.message)

    def as_payload(self) -> dict[str, object]:
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields}}


class ValidationFailed(ServiceError):
    status = 422
    code = "validation_error"
    default_message = _("Some fields are not valid.")

    @classmethod
    def field(cls, name: str, message: object) -> ValidationFailed:
        return cls(_("%(field)s: %(message)s") % {"field": name, "message": message}, fields={name: [str(message)]})


class NotAuthenticated(ServiceError):
    status = 401
    code = "not_authenticated"
    default_message = _("Authentication is required.")


class PermissionDenied(ServiceError):
    status = 403
    code = "permission_denied"
    default_message = _("You do not have permission to do this.")


class NotFound(ServiceError):
    status = 404
    code = "not_found"
    default_message = _("Not found.")


class Conflict(ServiceError):
    status = 409
    code = "conflict"
    default_message = _("This record was changed by someone else. Reload it and try again.")

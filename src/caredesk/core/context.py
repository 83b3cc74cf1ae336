"""Per-request context (client address, user agent) for the audit trail.

Set by RequestContextMiddleware for pages and by the API's auth for API calls;
empty for the command line and the worker, where the audit records the process.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    client_address: str = ""
    user_agent: str = ""
    channel: str = "cli"  # web | api | cli | worker


# RequestContext is a frozen dataclass, so sharing the default is safe.
_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "caredesk_request_context",
    default=RequestContext(),  # noqa: B039
)


def current() -> RequestContext:
    return _current.get()


def set_context(ctx: RequestContext) -> contextvars.Token[RequestContext]:
    return _current.set(ctx)


def reset_context(token: contextvars.Token[RequestContext]) -> None:
    _current.reset(token)


def client_address_from_meta(meta: dict[str, object]) -> str:
    """The client's address. Behind a trusted proxy set CAREDESK_TRUST_X_FORWARDED_FOR."""
    from django.conf import settings

    if getattr(settings, "CAREDESK_TRUST_X_FORWARDED_FOR", False):
        forwarded = str(meta.get("HTTP_X_FORWARDED_FOR", ""))
        if forwarded:
            return forwarded.split(",")[0].strip()
    return str(meta.get("REMOTE_ADDR", "") or "")

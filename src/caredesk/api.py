"""The JSON API at /api/v1/ (django-ninja): OpenAPI at /api/v1/openapi.json,
interactive docs at /api/v1/docs. Each app contributes a router from its api.py."""

from __future__ import annotations

from django.db import transaction
from ninja import NinjaAPI

from caredesk.core.api_support import BearerTokenAuth, SessionOrNone, install_error_handlers

api = NinjaAPI(
    title="CareDesk API",
    version="1",
    description=(
        "The operations desk of clinical services. Authenticate with a personal API token "
        "(`Authorization: Bearer cdk_...`, created on your profile page) or a browser session. "
        "Every list is paginated (`page`, `page_size`) and scoped to the sites and units you hold a role on. "
        'Errors always look like `{"error": {"code", "message", "fields"}}`.'
    ),
    auth=[BearerTokenAuth(), SessionOrNone()],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)
# Each operation runs in its own transaction (a savepoint inside a test), so a
# database error rolls back that operation alone before the error handler
# turns it into a 4xx answer.
api.add_decorator(transaction.atomic, mode="operation")

from caredesk.accounts.api import router as accounts_router  # noqa: E402
from caredesk.assignment.api import router as assignment_router  # noqa: E402
from caredesk.census.api import router as census_router  # noqa: E402
from caredesk.core.audit_api import router as audit_router  # noqa: E402
from caredesk.core.notifications_api import router as notifications_router  # noqa: E402
from caredesk.escalation.api import router as escalation_router  # noqa: E402
from caredesk.medications.api import router as medications_router  # noqa: E402
from caredesk.org.api import router as org_router  # noqa: E402
from caredesk.performance.api import router as performance_router  # noqa: E402
from caredesk.recruiting.api import router as recruiting_router  # noqa: E402
from caredesk.scheduling.api import router as scheduling_router  # noqa: E402
from caredesk.therapy.api import router as therapy_router  # noqa: E402
from caredesk.training.api import router as training_router  # noqa: E402
from caredesk.workforce.api import router as workforce_router  # noqa: E402

api.add_router("/", accounts_router)
api.add_router("/", org_router)
api.add_router("/audit", audit_router)
api.add_router("/notifications", notifications_router)
api.add_router("/", workforce_router)
api.add_router("/recruiting", recruiting_router)
api.add_router("/training", training_router)
api.add_router("/performance", performance_router)
api.add_router("/census", census_router)
api.add_router("/assignment", assignment_router)
api.add_router("/medications", medications_router)
api.add_router("/therapy", therapy_router)
api.add_router("/escalation", escalation_router)
api.add_router("/scheduling", scheduling_router)

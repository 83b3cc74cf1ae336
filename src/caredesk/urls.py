from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

from caredesk.api import api
from caredesk.web import views as web_views

urlpatterns = [
    path("", include("caredesk.web.urls")),
    path("accounts/", include("caredesk.accounts.urls")),
    path("org/", include("caredesk.org.urls")),
    path("staff/", include("caredesk.workforce.urls")),
    path("recruiting/", include("caredesk.recruiting.urls")),
    path("training/", include("caredesk.training.urls")),
    path("performance/", include("caredesk.performance.urls")),
    path("census/", include("caredesk.census.urls")),
    path("assignment/", include("caredesk.assignment.urls")),
    path("medications/", include("caredesk.medications.urls")),
    path("therapy/", include("caredesk.therapy.urls")),
    path("escalation/", include("caredesk.escalation.urls")),
    path("scheduling/", include("caredesk.scheduling.urls")),
    path("", include("caredesk.core.urls")),
    path("api/v1/", api.urls),
    path("healthz", web_views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]

handler403 = "caredesk.web.errors.forbidden"
handler404 = "caredesk.web.errors.not_found"
handler500 = "caredesk.web.errors.server_error"

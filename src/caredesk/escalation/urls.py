from django.urls import path

from caredesk.escalation import views

app_name = "escalation"
urlpatterns = [
    path("", views.home, name="home"),
    path("alerts/<int:alert_id>/", views.alert_detail, name="alert_detail"),
    path("alerts/<int:alert_id>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("alerts/<int:alert_id>/resolve/", views.alert_resolve, name="alert_resolve"),
    path("alerts/<int:alert_id>/incident/", views.alert_incident, name="alert_incident"),
    path("incidents/", views.draft_list, name="draft_list"),
    path("incidents/<int:draft_id>/", views.draft_detail, name="draft_detail"),
    path("policies/<int:site_id>/", views.policy, name="policy"),
]

from django.urls import path

from caredesk.workforce import views

app_name = "workforce"
urlpatterns = [
    path("", views.staff_list, name="staff_list"),
    path("me/", views.my_record, name="my_record"),
    path("new/", views.staff_create, name="staff_create"),
    path("import/", views.staff_import, name="staff_import"),
    path("<int:staff_id>/", views.staff_detail, name="staff_detail"),
    path("<int:staff_id>/edit/", views.staff_edit, name="staff_edit"),
    path("<int:staff_id>/events/new/", views.event_create, name="event_create"),
    path("<int:staff_id>/credentials/new/", views.credential_create, name="credential_create"),
    path("credentials/due/", views.credentials_due, name="credentials_due"),
    path("credentials/<int:credential_id>/", views.credential_renew, name="credential_renew"),
    path("credentials/<int:credential_id>/revoke/", views.credential_revoke, name="credential_revoke"),
    path("credentials/<int:credential_id>/document/", views.credential_document, name="credential_document"),
    path("rules/", views.rules_list, name="rules_list"),
    path("rules/new/", views.rules_create, name="rules_create"),
    path("rules/<int:work_rules_id>/", views.rules_edit, name="rules_edit"),
    path("rules/requirements/new/", views.requirement_create, name="requirement_create"),
    path("rules/requirements/<int:requirement_id>/", views.requirement_edit, name="requirement_edit"),
]

from django.urls import path

from caredesk.core import views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_list, name="audit"),
    path("audit/export.csv", views.audit_csv, name="audit_csv"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/badge/", views.notification_badge, name="notification_badge"),
    path("notifications/<int:notification_id>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
]

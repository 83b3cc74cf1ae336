from django.urls import path

from caredesk.core import views

app_name = "core"
urlpatterns = [
    path("", views.audit_list, name="audit"),
    path("export.csv", views.audit_csv, name="audit_csv"),
]

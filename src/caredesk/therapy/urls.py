from django.urls import path

from caredesk.therapy import views

app_name = "therapy"
urlpatterns = [
    path("", views.home, name="home"),
    path("my-sessions/", views.my_sessions, name="my_sessions"),
    path("units/<int:unit_id>/", views.unit_week, name="unit_week"),
    path("stays/<int:stay_id>/", views.stay_detail, name="stay_detail"),
    path("stays/<int:stay_id>/plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:plan_id>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:plan_id>/end/", views.plan_end, name="plan_end"),
    path("plans/<int:plan_id>/schedule-week/", views.plan_schedule_week, name="plan_schedule_week"),
    path("plans/<int:plan_id>/sessions/new/", views.plan_schedule_session, name="plan_schedule_session"),
    path("sessions/<int:session_id>/record/", views.session_record, name="session_record"),
    path("sessions/<int:session_id>/cancel/", views.session_cancel, name="session_cancel"),
]

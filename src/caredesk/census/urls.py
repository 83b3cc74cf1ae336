from django.urls import path

from caredesk.census import views

app_name = "census"
urlpatterns = [
    path("", views.home, name="home"),
    path("patients/", views.patient_list, name="patient_list"),
    path("patients/new/", views.patient_create, name="patient_create"),
    path("patients/<int:patient_id>/", views.patient_detail, name="patient_detail"),
    path("patients/<int:patient_id>/edit/", views.patient_edit, name="patient_edit"),
    path("patients/<int:patient_id>/contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:contact_id>/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:contact_id>/deactivate/", views.contact_deactivate, name="contact_deactivate"),
    path("units/<int:unit_id>/board/", views.unit_board, name="board"),
    path("units/<int:unit_id>/admit/", views.admit, name="admit"),
    path("stays/<int:stay_id>/", views.stay_detail, name="stay_detail"),
    path("stays/<int:stay_id>/transfer/", views.transfer, name="transfer"),
    path("stays/<int:stay_id>/discharge/", views.discharge, name="discharge"),
    path("stays/<int:stay_id>/acuity/", views.score, name="score"),
    path("stays/<int:stay_id>/flags/new/", views.flag_raise, name="flag_raise"),
    path("flags/<int:flag_id>/clear/", views.flag_clear, name="flag_clear"),
    path("scales/", views.scale_list, name="scale_list"),
    path("scales/new/", views.scale_create, name="scale_create"),
]

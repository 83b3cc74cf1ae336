from django.urls import path

from caredesk.org import views

app_name = "org"
urlpatterns = [
    path("sites/", views.site_list, name="site_list"),
    path("sites/new/", views.site_create, name="site_create"),
    path("sites/<int:site_id>/", views.site_detail, name="site_detail"),
    path("sites/<int:site_id>/edit/", views.site_edit, name="site_edit"),
    path("sites/<int:site_id>/active/", views.site_set_active, name="site_set_active"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit_detail"),
    path("units/<int:unit_id>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:unit_id>/active/", views.unit_set_active, name="unit_set_active"),
    path("units/<int:unit_id>/rooms/", views.room_create, name="room_create"),
    path("rooms/<int:room_id>/active/", views.room_set_active, name="room_set_active"),
    path("rooms/<int:room_id>/beds/", views.bed_create, name="bed_create"),
    path("beds/<int:bed_id>/active/", views.bed_set_active, name="bed_set_active"),
]

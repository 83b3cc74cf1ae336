from django.urls import path

from caredesk.assignment import views

app_name = "assignment"
urlpatterns = [
    path("", views.home, name="home"),
    path("ratios/", views.ratio_packs, name="ratios"),
    path("ratios/units/<int:unit_id>/", views.unit_ratio, name="unit_ratio"),
    path("units/<int:unit_id>/patterns/", views.patterns, name="patterns"),
    path("units/<int:unit_id>/patterns/<int:shift_pattern_id>/toggle/", views.pattern_toggle, name="pattern_toggle"),
    path("units/<int:unit_id>/open/", views.open_shift, name="open_shift"),
    path("shifts/<int:care_shift_id>/", views.shift_page, name="shift"),
    path("shifts/<int:care_shift_id>/staff/", views.staff_add, name="staff_add"),
    path("shifts/<int:care_shift_id>/staff/<int:shift_staff_id>/", views.staff_update, name="staff_update"),
    path("shifts/<int:care_shift_id>/staff/<int:shift_staff_id>/remove/", views.staff_remove, name="staff_remove"),
    path("shifts/<int:care_shift_id>/optimise/", views.optimise, name="optimise"),
    path("shifts/<int:care_shift_id>/copy-previous/", views.copy_previous, name="copy_previous"),
    path("shifts/<int:care_shift_id>/assign/", views.assign, name="assign"),
    path("shifts/<int:care_shift_id>/pin/", views.pin, name="pin"),
]

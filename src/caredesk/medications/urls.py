from django.urls import path

from caredesk.medications import views

app_name = "medications"
urlpatterns = [
    path("", views.home, name="home"),
    path("units/<int:unit_id>/board/", views.unit_board, name="unit_board"),
    path("units/<int:unit_id>/board/partial/", views.unit_board_partial, name="unit_board_partial"),
    path("units/<int:unit_id>/late/", views.unit_late, name="unit_late"),
    path("late/", views.late_all, name="late_all"),
    path("board/mine/", views.my_board, name="my_board"),
    path("board/mine/partial/", views.my_board_partial, name="my_board_partial"),
    path("doses/<int:dose_id>/record/", views.dose_record, name="dose_record"),
    path("stays/<int:stay_id>/", views.stay_record, name="stay_record"),
    path("stays/<int:stay_id>/orders/new/", views.order_create, name="order_create"),
    path("orders/<int:order_id>/change/", views.order_change, name="order_change"),
    path("orders/<int:order_id>/stop/", views.order_stop, name="order_stop"),
    path("orders/<int:prn_order_id>/prn/", views.prn_record, name="prn_record"),
    path(
        "administrations/<int:administration_id>/entered-in-error/",
        views.entered_in_error,
        name="entered_in_error",
    ),
    path("sites/<int:site_id>/policy/", views.site_policy, name="site_policy"),
]

from django.urls import path

from caredesk.performance import views

app_name = "performance"
urlpatterns = [
    path("", views.home, name="home"),
    path("cycles/", views.cycle_list, name="cycle_list"),
    path("cycles/new/", views.cycle_start, name="cycle_start"),
    path("cycles/<int:cycle_id>/", views.cycle_detail, name="cycle_detail"),
    path("cycles/<int:cycle_id>/close/", views.cycle_close, name="cycle_close"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/new/", views.template_create, name="template_create"),
    path("templates/<int:template_id>/", views.template_detail, name="template_detail"),
    path("templates/<int:template_id>/active/", views.template_set_active, name="template_set_active"),
    path("reviews/<int:review_id>/", views.review_detail, name="review_detail"),
    path("reviews/<int:review_id>/save/", views.review_save, name="review_save"),
    path("reviews/<int:review_id>/transition/", views.review_transition, name="review_transition"),
    path("reviews/<int:review_id>/reviewer/", views.review_assign, name="review_assign"),
    path("overdue/", views.overdue, name="overdue"),
    path("staff/<int:staff_id>/", views.staff_history, name="staff_history"),
]

from django.urls import path

from caredesk.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("scope/", views.choose_scope, name="choose_scope"),
]

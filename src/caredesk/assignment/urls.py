from django.urls import URLPattern

app_name = "assignment"
urlpatterns: list[URLPattern] = []

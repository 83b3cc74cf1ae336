from django.urls import URLPattern

app_name = "census"
urlpatterns: list[URLPattern] = []

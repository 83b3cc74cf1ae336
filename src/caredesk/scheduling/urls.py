"""Pages of scheduling: each area module of `views` lists its own `urlpatterns`."""

import importlib
import pkgutil

from django.urls import URLPattern

from caredesk.scheduling import views

app_name = "scheduling"
urlpatterns: list[URLPattern] = []
for _info in sorted(pkgutil.iter_modules(views.__path__), key=lambda m: m.name):
    urlpatterns += importlib.import_module(f"{views.__name__}.{_info.name}").urlpatterns

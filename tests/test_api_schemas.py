"""The OpenAPI description names every payload shape once: django-ninja keys
its components by class name, so two apps' `SessionCreate` would silently
share one entry and document (and validate in our walks) the wrong fields."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections import defaultdict

from ninja import Schema

import caredesk


def test_schema_class_names_are_unique_across_apps():
    seen: dict[str, list[str]] = defaultdict(list)
    for info in pkgutil.iter_modules(caredesk.__path__):
        try:
            module = importlib.import_module(f"caredesk.{info.name}.schemas")
        except ModuleNotFoundError as exc:
            if exc.name != f"caredesk.{info.name}.schemas":
                raise
            continue
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, Schema) and value.__module__ == module.__name__:
                seen[name].append(info.name)
    clashes = {name: apps for name, apps in seen.items() if len(apps) > 1}
    assert not clashes, f"schema classes with the same name in several apps: {clashes}"

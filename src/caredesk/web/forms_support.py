"""Glue between Django forms on pages and the services they call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pydantic
from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from caredesk.core import errors

T = TypeVar("T")


def run(form: forms.BaseForm, action: Callable[[], T]) -> T | None:
    """Call a service; put its validation messages on the form's fields.

    Returns the service's result, or None when the form now carries errors.
    Permission and not-found errors propagate (they become a 403/404 page).
    """
    try:
        return action()
    except pydantic.ValidationError as exc:
        for item in exc.errors():
            name = str(item["loc"][0]) if item["loc"] else None
            form.add_error(name if name in form.fields else None, str(item["msg"]))
    except errors.Conflict as exc:
        # A stale edit: say so plainly; the details are about the hidden version field.
        form.add_error(None, exc.message)
    except errors.ValidationFailed as exc:
        placed = False
        for name, messages in exc.fields.items():
            target = name if name in form.fields else None
            for message in messages:
                form.add_error(target, message)
                placed = True
        if not placed:
            form.add_error(None, exc.message)
    return None


def flash_errors(request: HttpRequest, form: forms.BaseForm) -> None:
    """For small inline forms that redirect back: show their errors as messages."""
    for name, errors_ in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(str(e) for e in errors_)
        messages.error(request, f"{label}: {text}" if label else text)


def inline_action(
    request: HttpRequest,
    form: forms.BaseForm,
    action: Callable[[dict[str, Any]], T],
    *,
    success: Callable[[T], str] | str,
    back_to: str,
) -> HttpResponse:
    """The whole life of a small inline POST form (deactivate, cancel, enrol...):
    validate, run the service, say what happened or what was wrong, go back."""
    if form.is_valid():
        result = run(form, lambda: action(form.cleaned_data))
        if result is not None:
            messages.success(request, success(result) if callable(success) else success)
    flash_errors(request, form)
    return redirect(back_to)


def version_field() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def changed_data(form: forms.BaseForm, names: list[str]) -> dict[str, Any]:
    return {n: form.cleaned_data[n] for n in names if n in form.cleaned_data}

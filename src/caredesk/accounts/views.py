"""Pages: log-in/out, profile and language, API tokens, people and their roles."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caredesk.accounts import forms, queries, schemas, services
from caredesk.core import audit, errors, scoping
from caredesk.org import queries as org_queries
from caredesk.web import forms_support, scope


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = forms.LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change your own password (the old one is asked again); audited."""

    template_name = "accounts/password_form.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        with transaction.atomic():
            user: Any = self.request.user
            audit.record(actor=user, action="accounts.change_password", obj=user)
        messages.success(self.request, _("Your password was changed."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Send a reset link to the account's e-mail address (imported and hired
    people start with a random password and set their own this way). The
    answer is the same whether or not the address is known."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_message.html"
    extra_context = {"message_kind": "sent"}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_form.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        with transaction.atomic():
            audit.record(actor=form.user, action="accounts.reset_password", obj=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_message.html"
    extra_context = {"message_kind": "complete"}


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = forms.LanguageForm(request.POST or None, initial={"language": user.language})
    if (
        request.method == "POST"
        and form.is_valid()
        and forms_support.run(form, lambda: services.set_language(user, form.cleaned_data["language"])) is not None
    ):
        response = redirect("accounts:profile")
        response.set_cookie("django_language", form.cleaned_data["language"], samesite="Lax")
        return response
    return render(
        request, "accounts/profile.html", {"form": form, "grants": user.active_grants().select_related("site", "unit")}
    )


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = forms.TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        created = forms_support.run(
            form, lambda: services.create_api_token(request.user, schemas.TokenCreate(**form.cleaned_data))
        )
        if created is not None:
            secret = created[1]
            form = forms.TokenForm()
    return render(
        request, "accounts/tokens.html", {"form": form, "tokens": queries.tokens(request.user), "secret": secret}
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    services.revoke_api_token(request.user, token_id)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:tokens")


@login_required
def people(request: HttpRequest) -> HttpResponse:
    scoping.require_anywhere(request.user, "accounts.view_user")
    focus = scope.current(request)
    users = queries.people(request.user, site_id=focus.site_id, unit_id=focus.unit_id)
    search = request.GET.get("q", "").strip()
    if search:
        from django.db.models import Q

        users = users.filter(
            Q(username__icontains=search) | Q(first_name__icontains=search) | Q(last_name__icontains=search)
        )
    return render(
        request,
        "accounts/people.html",
        {
            "users": users[:500],
            "search": search,
            "can_manage": scoping.has_anywhere(request.user, "accounts.manage_users"),
        },
    )


def _grant_choices(request: HttpRequest) -> tuple[list[tuple[int, str]], list[tuple[int | str, str]]]:
    user: Any = request.user
    sites = [
        (s.pk, s.name) for s in org_queries.sites(user) if scoping.has(user, "accounts.manage_users", site_id=s.pk)
    ]
    site_ids = [s for s, _ in sites]
    units: list[tuple[int | str, str]] = [
        (u.pk, f"{u.site.name} · {u.name}") for u in org_queries.units(user).filter(site_id__in=site_ids)
    ]
    return sites, units


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    scoping.require_anywhere(request.user, "accounts.manage_users")
    sites, units = _grant_choices(request)
    form = forms.UserCreateForm(request.POST or None, site_choices=sites, unit_choices=units)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def create() -> Any:
            grant = schemas.GrantCreate(
                role=d["role"], site_id=d["site"], unit_id=d["unit"], discipline=d["discipline"] or None
            )
            return services.create_user(
                request.user,
                schemas.UserCreate(
                    username=d["username"],
                    first_name=d["first_name"],
                    last_name=d["last_name"],
                    email=d["email"] or None,
                    password=d["password"],
                    language=d["language"],
                    grant=grant,
                ),
            )

        user = forms_support.run(form, create)
        if user is not None:
            messages.success(request, _("Log-in %(username)s created.") % {"username": user.username})
            return redirect("accounts:person", user.pk)
    return render(request, "accounts/person_form.html", {"form": form})


@login_required
def person(request: HttpRequest, user_id: int) -> HttpResponse:
    target = queries.people(request.user).filter(pk=user_id).first()
    if target is None:
        raise errors.NotFound()
    sites, units = _grant_choices(request)
    form = forms.GrantForm(request.POST or None, site_choices=sites, unit_choices=units)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        grant = forms_support.run(
            form,
            lambda: services.grant_role(
                request.user,
                target.pk,
                schemas.GrantCreate(
                    role=d["role"], site_id=d["site"], unit_id=d["unit"], discipline=d["discipline"] or None
                ),
            ),
        )
        if grant is not None:
            messages.success(request, _("Role granted."))
            return redirect("accounts:person", target.pk)
    return render(
        request,
        "accounts/person.html",
        {"person": target, "grants": target.visible_grants, "form": form, "can_manage": bool(sites)},  # type: ignore[attr-defined]
    )


@login_required
@require_POST
def grant_revoke(request: HttpRequest, grant_id: int) -> HttpResponse:
    grant = services.revoke_grant(request.user, grant_id)
    messages.success(request, _("Role revoked."))
    return redirect("accounts:person", grant.user_id)

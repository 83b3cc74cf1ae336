from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from caredesk.core.roles import Discipline, Role


class LoginForm(AuthenticationForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].label = _("Log-in")
        self.fields["password"].label = _("Password")

    error_messages = {
        "invalid_login": _("Log-in or password is wrong. After %(limit)s failed attempts the account is locked."),
        "inactive": _("This account is inactive."),
    }

    def get_invalid_login_error(self) -> forms.ValidationError:
        return forms.ValidationError(
            self.error_messages["invalid_login"], code="invalid_login", params={"limit": settings.AXES_FAILURE_LIMIT}
        )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("What is it for?"), max_length=80)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=366, initial=90)


class GrantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    discipline = forms.ChoiceField(
        label=_("Discipline (clinicians)"), choices=[("", "—"), *Discipline.choices], required=False
    )
    site = forms.TypedChoiceField(label=_("Site"), coerce=int)
    unit = forms.TypedChoiceField(
        label=_("Unit (leave empty for the whole site)"), coerce=int, required=False, empty_value=None
    )

    def __init__(
        self,
        *args: object,
        site_choices: list[tuple[int, str]],
        unit_choices: list[tuple[int | str, str]],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["site"].choices = site_choices  # type: ignore[attr-defined]
        self.fields["unit"].choices = [("", "—"), *unit_choices]  # type: ignore[attr-defined]


class UserCreateForm(GrantForm):
    username = forms.CharField(label=_("Log-in"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput,
        help_text=_("At least 10 characters, not a common password."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.order_fields(
            [
                "username",
                "first_name",
                "last_name",
                "email",
                "password",
                "language",
                "role",
                "discipline",
                "site",
                "unit",
            ]
        )

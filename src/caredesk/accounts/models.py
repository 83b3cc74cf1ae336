"""Users, role grants per site or unit, and API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from caredesk.core import clock
from caredesk.core.models import TimeStampedModel
from caredesk.core.roles import Discipline, Role


class User(AbstractUser):
    """One person, one log-in: accounts are never shared."""

    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    version = models.PositiveIntegerField(default=1)

    # A user is visible to those who hold a grant on one of the user's sites.
    scope_site_path = "role_grants__site"
    scope_unit_path = "role_grants__unit"
    scope_through_many = True

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def active_grants(self) -> QuerySet[RoleGrant]:
        return RoleGrant.objects.filter(user=self, revoked_at__isnull=True)


class RoleGrant(TimeStampedModel):
    """A role held by a user on a whole site, or on one unit of it."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_grants", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    discipline = models.CharField(
        _("discipline"), max_length=8, choices=Discipline.choices, blank=True, help_text=_("Required for clinicians.")
    )
    site = models.ForeignKey("org.Site", on_delete=models.PROTECT, related_name="role_grants", verbose_name=_("site"))
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="role_grants", verbose_name=_("unit")
    )
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    scope_site_path = "site"
    scope_unit_path = "unit"

    class Meta:
        ordering = ["site__name", "unit__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "site", "unit"],
                condition=Q(revoked_at__isnull=True),
                name="accounts_grant_unique_active",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=~Q(role="clinician") | ~Q(discipline=""), name="accounts_grant_clinician_has_discipline"
            ),
        ]
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")

    def __str__(self) -> str:
        where = self.unit.name if self.unit_id and self.unit else self.site.name
        return f"{self.get_role_display()} @ {where}"


class ApiToken(models.Model):
    """A bearer token for integrations. Only a SHA-256 of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12, db_index=True, help_text="First characters, shown to tell tokens apart.")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    # Tokens are personal: nobody else's scope reaches them.
    scope_site_path = "user__role_grants__site"
    scope_unit_path = ""
    scope_through_many = True

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now: object | None = None) -> bool:
        moment = now or clock.now()
        return self.revoked_at is None and self.expires_at > moment  # type: ignore[operator]

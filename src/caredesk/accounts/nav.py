from django.utils.translation import gettext_lazy as _

from caredesk.web.navigation import NavItem

NAV = [NavItem(_("People"), "accounts:people", "accounts.view_user", order=20, group="organisation")]

from django.utils.translation import gettext_lazy as _

from caredesk.web.navigation import NavItem

NAV = [NavItem(_("Recruiting"), "recruiting:overview", "recruiting.view", order=40, group="workforce")]

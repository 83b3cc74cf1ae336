from django.utils.translation import gettext_lazy as _

from caredesk.web.navigation import NavItem

NAV = [NavItem(_("Alerts"), "escalation:home", "escalation.view", order=45, group="care")]

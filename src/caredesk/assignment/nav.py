from django.utils.translation import gettext_lazy as _

from caredesk.web.navigation import NavItem

NAV = [NavItem(_("Assignment"), "assignment:home", "assignment.view", order=20, group="care")]

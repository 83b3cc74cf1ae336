from django.utils.translation import gettext_lazy as _

from caredesk.web.navigation import NavItem

NAV = [NavItem(_("Census"), "census:home", "census.view", order=10, group="care")]

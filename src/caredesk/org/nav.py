from django.utils.translation import gettext_lazy as _

from caredesk.web.navigation import NavItem

NAV = [
    NavItem(_("Sites"), "org:site_list", "org.view_site", order=10, group="organisation"),
    NavItem(_("Units"), "org:unit_list", "org.view_unit", order=11, group="organisation"),
]

from django.utils.translation import gettext_lazy as _

from caredesk.web.navigation import NavItem

NAV = [NavItem(_("Therapy"), "therapy:home", "therapy.view", order=40, group="care")]

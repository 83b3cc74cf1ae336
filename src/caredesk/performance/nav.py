from django.utils.translation import gettext_lazy as _

from caredesk.web.navigation import NavItem

NAV = [NavItem(_("Evaluations"), "performance:home", "performance.view", order=60, group="workforce")]

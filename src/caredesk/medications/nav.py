from django.utils.translation import gettext_lazy as _

from caredesk.web.navigation import NavItem

NAV = [NavItem(_("Medications"), "medications:home", "medications.view", order=30, group="care")]

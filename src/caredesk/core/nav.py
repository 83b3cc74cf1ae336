from django.utils.translation import gettext_lazy as _

from caredesk.web.navigation import NavItem

NAV = [NavItem(_("Audit trail"), "core:audit", "core.view_audit", order=90)]

from django.utils.translation import gettext_lazy as _

from caredesk.web.navigation import NavItem

# Everyone has a training record of their own, so the entry shows for everyone;
# the page offers the catalogue, compliance and budget to those who may see them.
NAV = [NavItem(_("Training"), "training:home", "org.view_site", order=50, group="workforce")]

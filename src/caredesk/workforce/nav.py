from django.utils.translation import gettext_lazy as _

from caredesk.web.navigation import NavItem

NAV = [
    NavItem(_("Staff"), "workforce:staff_list", "workforce.view_staff", order=30, group="workforce"),
    NavItem(
        _("Credentials due"), "workforce:credentials_due", "workforce.manage_credentials", order=31, group="workforce"
    ),
    # Everyone may have a staff record of their own; the page says so when they do not.
    NavItem(_("My record"), "workforce:my_record", "org.view_site", order=32, group="me"),
]

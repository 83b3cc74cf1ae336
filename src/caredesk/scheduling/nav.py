from django.utils.translation import gettext_lazy as _

from caredesk.web.navigation import NavItem

# Everyone with a unit sees the schedule: managers the rosters, staff their own shifts and requests.
NAV = [
    NavItem(_("Schedule"), "scheduling:home", "scheduling.view", order=35, group="workforce"),
    NavItem(_("Timesheets"), "scheduling:timesheets_home", "scheduling.view", order=36, group="workforce"),
    NavItem(_("My shifts"), "scheduling:publishing_mine", "scheduling.request", order=33, group="me"),
    NavItem(_("My requests"), "scheduling:requests_mine", "scheduling.request", order=34, group="me"),
    NavItem(_("My hours"), "scheduling:timesheets_mine", "scheduling.request", order=35, group="me"),
]

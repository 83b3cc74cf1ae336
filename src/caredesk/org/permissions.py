from caredesk.core.permissions import Permission
from caredesk.core.roles import EVERYONE, LEADERSHIP, Role

PERMISSIONS = [
    Permission("org.view_site", "site", EVERYONE, "See the site and its units, rooms and beds."),
    Permission("org.add_site", "site", (Role.DIRECTOR, Role.ADMINISTRATOR), "Open a new site (held anywhere)."),
    Permission("org.change_site", "site", (*LEADERSHIP, Role.ADMINISTRATOR), "Edit or deactivate a site."),
    Permission("org.view_unit", "unit", EVERYONE, "See a unit, its rooms and beds."),
    Permission("org.change_unit", "site", (*LEADERSHIP, Role.ADMINISTRATOR), "Create, edit or deactivate units."),
    Permission(
        "org.change_rooms",
        "unit",
        (*LEADERSHIP, Role.ADMINISTRATOR, Role.COORDINATOR),
        "Add, rename or deactivate rooms and beds of a unit.",
    ),
]

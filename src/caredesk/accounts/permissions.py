from caredesk.core.permissions import Permission
from caredesk.core.roles import LEADERSHIP, MANAGERS, Role

PERMISSIONS = [
    Permission(
        "accounts.view_user",
        "unit",
        (*MANAGERS, Role.HR, Role.ADMINISTRATOR, Role.COMPLIANCE, Role.AUDITOR),
        "See the people of a site or unit and their roles.",
    ),
    Permission(
        "accounts.manage_users",
        "site",
        (*LEADERSHIP, Role.HR, Role.ADMINISTRATOR),
        "Create log-ins and grant or revoke roles on the site.",
    ),
]

from caredesk.core.permissions import Permission
from caredesk.core.roles import LEADERSHIP, MANAGERS, Role

PERMISSIONS = [
    Permission(
        "scheduling.view",
        "unit",
        (*MANAGERS, Role.CLINICIAN, Role.AUDITOR),
        "See the unit's staffing needs and published rosters (drafts: managers). Everyone sees their own shifts.",
    ),
    Permission(
        "scheduling.manage",
        "unit",
        MANAGERS,
        "Set staffing needs; generate, edit and publish rosters; decide requests, swaps, open shifts and timesheets.",
    ),
    Permission(
        "scheduling.request",
        "unit",
        (*MANAGERS, Role.CLINICIAN),
        "Ask for time off and shifts, propose swaps, claim open shifts, enter one's own hours.",
    ),
    Permission(
        "scheduling.view_cost",
        "site",
        (*LEADERSHIP, Role.FINANCE),
        "See the labour cost of rosters and the overtime of timesheets.",
    ),
]

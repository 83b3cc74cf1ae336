from caredesk.core.permissions import Permission
from caredesk.core.roles import LEADERSHIP, MANAGERS, Role

PERMISSIONS = [
    Permission(
        "assignment.view",
        "unit",
        (*MANAGERS, Role.CLINICIAN, Role.AUDITOR),
        "See the care shifts of a unit, who is on them, which nurse has which patient, and each nurse's workload.",
    ),
    Permission(
        "assignment.manage",
        "unit",
        MANAGERS,
        "Set the unit's shift patterns, open care shifts, enter the staff on shift, run the optimiser, "
        "assign, pin and override.",
    ),
    Permission(
        "assignment.manage_ratios",
        "site",
        LEADERSHIP,
        "Choose the nurse-ratio rule pack of each unit and the site's own stricter cap; create the site's own packs.",
    ),
]

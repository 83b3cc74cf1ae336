from caredesk.core.permissions import Permission
from caredesk.core.roles import MANAGERS, Role

PERMISSIONS = [
    Permission(
        "therapy.view",
        "unit",
        (*MANAGERS, Role.CLINICIAN, Role.AUDITOR),
        "See therapy plans, sessions, minutes delivered against prescribed and the shortfall list.",
    ),
    Permission(
        "therapy.plan",
        "unit",
        (*MANAGERS, Role.CLINICIAN),
        "Create, change and end therapy plans; schedule and cancel sessions.",
    ),
    Permission(
        "therapy.record",
        "unit",
        (*MANAGERS, Role.CLINICIAN),
        "Record a therapy session as done (with the minutes delivered) or missed (with the reason).",
    ),
]

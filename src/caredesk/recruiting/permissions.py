from caredesk.core.permissions import Permission
from caredesk.core.roles import LEADERSHIP, Role

PERMISSIONS = [
    Permission(
        "recruiting.view",
        "unit",
        (*LEADERSHIP, Role.HR, Role.ADMINISTRATOR, Role.COORDINATOR),
        "See requisitions, candidates, applications, interviews and offers. A coordinator sees those of "
        "their unit. Candidates' personal data is never shown to clinicians.",
    ),
    Permission(
        "recruiting.manage",
        "site",
        (*LEADERSHIP, Role.HR),
        "Open requisitions, record candidates, move applications, schedule interviews, make offers and hire.",
    ),
    Permission(
        "recruiting.approve",
        "site",
        LEADERSHIP,
        "Approve or decline a requisition (never one's own).",
    ),
]

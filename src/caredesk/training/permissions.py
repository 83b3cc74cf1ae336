from caredesk.core.permissions import Permission
from caredesk.core.roles import LEADERSHIP, MANAGERS, Role

PERMISSIONS = [
    Permission(
        "training.view",
        "unit",
        (*MANAGERS, Role.HR, Role.COMPLIANCE),
        "See programs, sessions, enrolments and the training compliance of staff. Everyone sees their own record.",
    ),
    Permission(
        "training.propose",
        "unit",
        (*MANAGERS, Role.HR, Role.COMPLIANCE),
        "Propose a training program with its cost.",
    ),
    Permission(
        "training.approve",
        "site",
        LEADERSHIP,
        "Approve or decline proposed training programs (never one's own proposal).",
    ),
    Permission(
        "training.manage_sessions",
        "unit",
        (*MANAGERS, Role.HR),
        "Schedule and cancel sessions; enrol staff, record attendance and completions.",
    ),
    Permission(
        "training.view_budget",
        "site",
        (*LEADERSHIP, Role.FINANCE, Role.HR),
        "See the training budget, what is committed and what remains.",
    ),
    Permission(
        "training.manage_budget",
        "site",
        (*LEADERSHIP, Role.FINANCE),
        "Set the training budget figure of a site or unit for a year.",
    ),
]

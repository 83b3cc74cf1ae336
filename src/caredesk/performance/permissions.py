from caredesk.core.permissions import Permission
from caredesk.core.roles import LEADERSHIP, MANAGERS, Role

PERMISSIONS = [
    Permission(
        "performance.view",
        "unit",
        (*MANAGERS, Role.HR),
        "See the evaluations of the staff of a site or unit. Everyone sees their own once submitted.",
    ),
    Permission(
        "performance.review",
        "unit",
        MANAGERS,
        "Write and submit the evaluations of a unit's staff (never one's own).",
    ),
    Permission(
        "performance.manage_cycles",
        "site",
        (*LEADERSHIP, Role.HR),
        "Keep evaluation templates, start and close cycles, assign reviewers, cancel and close reviews.",
    ),
    Permission(
        "performance.sign_off",
        "site",
        LEADERSHIP,
        "Sign off acknowledged evaluations as the reviewer's manager.",
    ),
]

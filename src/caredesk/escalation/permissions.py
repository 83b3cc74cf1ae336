from caredesk.core.permissions import Permission
from caredesk.core.roles import LEADERSHIP, MANAGERS, Role

PERMISSIONS = [
    Permission(
        "escalation.view",
        "unit",
        (*MANAGERS, Role.CLINICIAN, Role.AUDITOR),
        "See the care alerts of a unit (late and missed doses, missed sessions) and its incident drafts.",
    ),
    Permission(
        "escalation.manage",
        "unit",
        MANAGERS,
        "Acknowledge or resolve any alert of the unit, not only those sent to you.",
    ),
    Permission(
        "escalation.manage_policy",
        "site",
        LEADERSHIP,
        "Set how long an unacknowledged alert waits before it goes to the charge nurse and to leadership.",
    ),
    Permission(
        "escalation.draft_incident",
        "unit",
        (*MANAGERS, Role.CLINICIAN),
        "Start an incident report (NCC MERP category) from an alert or a dose.",
    ),
]

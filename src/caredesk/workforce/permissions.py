from caredesk.core.permissions import Permission
from caredesk.core.roles import LEADERSHIP, MANAGERS, Role

PERMISSIONS = [
    Permission(
        "workforce.view_staff",
        "unit",
        (*MANAGERS, Role.HR, Role.ADMINISTRATOR, Role.COMPLIANCE, Role.AUDITOR, Role.FINANCE),
        "See staff records, employment history and credentials (not pay). Everyone sees their own.",
    ),
    Permission(
        "workforce.view_pay",
        "site",
        (Role.DIRECTOR, Role.HR, Role.FINANCE),
        "See pay rates and differentials.",
    ),
    Permission(
        "workforce.manage_staff",
        "site",
        (*LEADERSHIP, Role.HR, Role.ADMINISTRATOR),
        "Create staff records and record hires, promotions, transfers, leave and terminations.",
    ),
    Permission(
        "workforce.manage_credentials",
        "unit",
        (*MANAGERS, Role.HR, Role.COMPLIANCE),
        "Record, renew and revoke licences, certifications and competencies.",
    ),
    Permission(
        "workforce.manage_rules",
        "site",
        (*LEADERSHIP, Role.COMPLIANCE, Role.ADMINISTRATOR),
        "Edit work-rule packs and which work requires which credential.",
    ),
]

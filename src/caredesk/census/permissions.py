"""Who may do what in the census. Minimum necessary (HIPAA 164.502(b)): HR,
finance, compliance and auditors see no patient; the audit trail tells auditors
who looked at which patient without showing them the record."""

from caredesk.core.permissions import Permission
from caredesk.core.roles import LEADERSHIP, MANAGERS, Role

CARE_TEAM = (*MANAGERS, Role.CLINICIAN)

PERMISSIONS = [
    Permission(
        "census.view",
        "unit",
        CARE_TEAM,
        "See the patients of the unit: identity, stays, acuity, flags, family contacts and the unit board.",
    ),
    Permission(
        "census.admit",
        "unit",
        MANAGERS,
        "Register patients and edit their identity; admit, transfer and discharge them.",
    ),
    Permission(
        "census.score_acuity",
        "unit",
        CARE_TEAM,
        "Score the acuity of the unit's patients each shift; record allergies, code status and language.",
    ),
    Permission(
        "census.manage_flags", "unit", CARE_TEAM, "Raise and clear special-attention flags with their care plan."
    ),
    Permission("census.manage_contacts", "unit", CARE_TEAM, "Add, edit and deactivate family contacts of patients."),
    Permission("census.manage_scales", "site", LEADERSHIP, "Create and edit the site's own acuity scales."),
]

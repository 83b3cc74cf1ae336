from caredesk.core.permissions import Permission
from caredesk.core.roles import LEADERSHIP, MANAGERS, Role

PERMISSIONS = [
    Permission(
        "medications.view",
        "unit",
        (*MANAGERS, Role.CLINICIAN, Role.AUDITOR),
        "See medication orders, scheduled doses and their status, administrations and the medication-pass board.",
    ),
    Permission(
        "medications.order",
        "unit",
        (*MANAGERS, Role.CLINICIAN),
        "Enter (transcribe), change and stop medication orders.",
    ),
    Permission(
        "medications.administer",
        "unit",
        (Role.CLINICIAN, Role.COORDINATOR),
        "Record a dose given, held or refused, and mark a recording entered in error.",
    ),
    Permission(
        "medications.manage_policy",
        "site",
        LEADERSHIP,
        "Set the site's medication timing windows (only stricter than the regulatory defaults) "
        "and its list of time-critical medications.",
    ),
]

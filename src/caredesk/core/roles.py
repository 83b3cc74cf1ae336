"""The roles a user can hold, per site or per unit, and the clinical disciplines."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DIRECTOR = "director", _("Director of Clinical Services")
    ASSISTANT_DIRECTOR = "assistant_director", _("Assistant Director")
    COORDINATOR = "coordinator", _("Clinical Coordinator")
    CLINICIAN = "clinician", _("Clinician")
    HR = "hr", _("Human resources")
    FINANCE = "finance", _("Finance")
    COMPLIANCE = "compliance", _("Compliance officer")
    AUDITOR = "auditor", _("Auditor (read-only)")
    ADMINISTRATOR = "administrator", _("Administrator")


class Discipline(models.TextChoices):
    RN = "rn", _("Registered nurse (RN)")
    LPN = "lpn", _("Licensed practical/vocational nurse (LPN/LVN)")
    NURSING_ASSISTANT = "na", _("Nursing assistant")
    PHYSIOTHERAPIST = "pt", _("Physiotherapist")
    OCCUPATIONAL_THERAPIST = "ot", _("Occupational therapist")
    SPEECH_THERAPIST = "slp", _("Speech therapist")
    PHYSICIAN = "md", _("Physician")
    TECHNICIAN = "tech", _("Technician")


# Shorthands used by the permission declarations of every app.
LEADERSHIP = (Role.DIRECTOR, Role.ASSISTANT_DIRECTOR)
MANAGERS = (*LEADERSHIP, Role.COORDINATOR)
EVERYONE = tuple(Role)

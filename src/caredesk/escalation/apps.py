from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationConfig(AppConfig):
    name = "caredesk.escalation"
    label = "escalation"
    verbose_name = _("Escalation")

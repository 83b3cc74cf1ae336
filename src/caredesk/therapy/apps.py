from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TherapyConfig(AppConfig):
    name = "caredesk.therapy"
    label = "therapy"
    verbose_name = _("Therapy")

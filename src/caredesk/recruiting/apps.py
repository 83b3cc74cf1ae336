from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecruitingConfig(AppConfig):
    name = "caredesk.recruiting"
    label = "recruiting"
    verbose_name = _("Recruiting")

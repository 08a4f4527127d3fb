from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RunsConfig(AppConfig):
    name = "relance.runs"
    verbose_name = _("Dunning runs and journal")
    default_auto_field = "django.db.models.BigAutoField"

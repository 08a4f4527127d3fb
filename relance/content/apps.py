from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "relance.content"
    label = "content"
    verbose_name = _("Reminder content")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_load_rates, sender=self)


def _load_rates(**kwargs: Any) -> None:
    # The shipped penalty rates are data every database needs; rows a person edited stay.
    from relance.content.penalties import ensure_rates

    ensure_rates()

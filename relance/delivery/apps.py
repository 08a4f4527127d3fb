from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "relance.delivery"
    verbose_name = _("Delivery")

    def ready(self) -> None:
        from relance.delivery import webhooks  # noqa: F401  (connects anymail's tracking receiver)

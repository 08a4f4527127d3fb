from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "relance.accounts"
    verbose_name = _("Users and companies")

    def ready(self) -> None:
        from relance.accounts import language  # noqa: F401 (connects the login receiver)
        from relance.accounts.roles import ensure_roles

        post_migrate.connect(ensure_roles, sender=self)

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from relance.ledger.models import Company
from relance.ledger.services.companies import ensure_company


class Command(BaseCommand):
    help = (
        "Create or upgrade the database, and create a company (running it again changes nothing)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--company",
            help="company code, e.g. acme (default: 'main' when the database has no company yet)",
        )
        parser.add_argument("--name", help="company legal name (default: the code)")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(_("database ready"))
        code = options["company"]
        if not code and Company.objects.exists():
            return
        try:
            company, created = ensure_company(code or "main", options["name"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        from relance.dunning.services import ensure_default_scenarios

        names = {"code": company.code, "name": company.legal_name}
        if created:
            self.stdout.write(_("company %(code)s (%(name)s) created") % names)
        else:
            self.stdout.write(_("company %(code)s (%(name)s) already exists, unchanged") % names)
        if ensure_default_scenarios(company):
            self.stdout.write(_("default scenarios loaded: b2b (company default), b2c"))
        from relance.content.services import ensure_default_templates

        added = ensure_default_templates(company)
        if added:
            self.stdout.write(_("%(count)d reminder templates loaded") % {"count": added})

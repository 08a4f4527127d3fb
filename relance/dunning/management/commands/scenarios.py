from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from relance.dunning.scenario_file import ScenarioFileError, export
from relance.dunning.services import load_scenario_file
from relance.ledger.management.options import add_company_option, company_from_options


class Command(BaseCommand):
    help = "Load scenarios from a YAML file (all or none), or export them as YAML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load", "export"])
        parser.add_argument(
            "file",
            nargs="?",
            type=Path,
            help="load: the YAML file; export: where to write (default: stdout)",
        )
        add_company_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        company = company_from_options(options)
        path = options["file"]
        if options["action"] == "export":
            text = export(company)
            if path:
                path.write_text(text, encoding="utf-8")
            else:
                self.stdout.write(text, ending="")
            return
        if path is None:
            raise CommandError(_("scenarios load needs a YAML file"))
        try:
            report = load_scenario_file(company, path)
        except ScenarioFileError as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError(_("%(file)s: nothing was loaded") % {"file": path}) from exc
        self.stdout.write(
            _(
                "%(file)s: %(created)d scenario(s) created, %(updated)d replaced; default: "
                "%(default)s"
            )
            % {
                "file": path,
                "created": len(report.created),
                "updated": len(report.updated),
                "default": report.default,
            }
        )

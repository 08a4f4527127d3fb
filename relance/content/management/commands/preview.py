"""relance preview: write exactly what a customer would receive, without sending anything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from relance.channels.preview import render_files, write_files
from relance.content.preview import NothingToPreview, PreviewRequest, preview_reminder
from relance.content.rendering import MissingTemplate, TemplateSet
from relance.content.sandbox import RenderError
from relance.ledger.management.options import (
    add_as_of_option,
    add_company_option,
    as_of_from_options,
    company_from_options,
)


class Command(BaseCommand):
    help = "Write the reminder a customer would receive (.eml, .pdf or .txt) to a folder."

    def add_arguments(self, parser: CommandParser) -> None:
        add_company_option(parser)
        add_as_of_option(parser, "the date of the reminder")
        parser.add_argument("--customer", required=True, help="customer code")
        parser.add_argument("--level", type=int, help="level (default: the one planned today)")
        parser.add_argument(
            "--channel", choices=["email", "letter", "sms", "call"], default="email"
        )
        parser.add_argument("--language", help="language (default: the customer's)")
        parser.add_argument("--out", type=Path, required=True, help="folder to write into")

    def handle(self, *args: Any, **options: Any) -> None:
        company = company_from_options(options)
        request = PreviewRequest(
            customer=options["customer"],
            as_of=as_of_from_options(options),
            level=options["level"],
            channel=options["channel"],
            language=options["language"],
        )
        try:
            reminder = preview_reminder(company, request)
            templates = TemplateSet(company.pk, company.default_language)
            files = render_files(reminder, templates)
        except (NothingToPreview, MissingTemplate, RenderError) as exc:
            raise CommandError(str(exc)) from exc
        for path in write_files(files, options["out"]):
            self.stdout.write(str(path))

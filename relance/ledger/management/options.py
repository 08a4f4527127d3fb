"""Options every command that works on a company shares."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from relance.ledger.models import Company
from relance.ledger.services.companies import CompanyNotFound, resolve_company


def add_company_option(parser: CommandParser) -> None:
    parser.add_argument("--company", help="company code (default: the only company)")


def company_from_options(options: dict[str, Any]) -> Company:
    """The company named by ``--company``, or the only one; a CommandError otherwise."""
    try:
        return resolve_company(options["company"])
    except CompanyNotFound as exc:
        raise CommandError(str(exc)) from exc

"""Options every command that works on a company shares."""

from __future__ import annotations

from argparse import ArgumentTypeError
from datetime import date
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.ledger.models import Company, Customer
from relance.ledger.services.companies import CompanyNotFound, resolve_company


def add_company_option(parser: CommandParser) -> None:
    parser.add_argument("--company", help="company code (default: the only company)")


def add_as_of_option(parser: CommandParser, what: str = "the date of the run") -> None:
    parser.add_argument(
        "--as-of",
        type=_day,
        default=None,
        metavar="YYYY-MM-DD",
        help=f"{what} (default: today)",
    )


def as_of_from_options(options: dict[str, Any]) -> date:
    day: date | None = options["as_of"]
    return day or timezone.localdate()


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from exc


def company_from_options(options: dict[str, Any]) -> Company:
    """The company named by ``--company``, or the only one; a CommandError otherwise."""
    try:
        return resolve_company(options["company"])
    except CompanyNotFound as exc:
        raise CommandError(str(exc)) from exc


def customer_of(company: Company, code: str) -> Customer:
    """The company's customer of that code; a CommandError naming both otherwise."""
    customer = Customer.objects.filter(company=company, code=code).first()
    if customer is None:
        raise CommandError(
            _("No customer %(code)s in company %(company)s.")
            % {"code": code, "company": company.code}
        )
    return customer

"""French late-payment penalties for the renderers and the plan: the rate table as stored, the
company's terms with each scenario's overrides, and the figures per invoice.

The rules live in ``relance.engine.penalties``. Everything here is set-based: the rate table
and the company's scenarios are read once per batch, never per invoice.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import Any

import yaml
from babel.dates import format_date
from babel.numbers import format_decimal
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _

from relance.content.models import PenaltyRate
from relance.dunning.models import Scenario, ScenarioLevel
from relance.engine.penalties import (
    Calculator,
    InvalidRateTable,
    Penalty,
    RateBelowFloor,
    RateRow,
    RateTable,
    Terms,
    check_contractual_rate,
    checked_table,
    half_year_start,
    row_in_force,
)
from relance.engine.planner import Plan
from relance.ledger.models import Company, Customer
from relance.ledger.models.customer import CustomerKind

DEFAULTS = Path(__file__).parent / "defaults" / "rates.yaml"

# (number, due date, open amount incl. tax at the run date)
InvoiceDue = tuple[str, date, Decimal]
_NUMBER_DUE_OPEN = itemgetter(0, 1, 4)  # from a planner ProposedItem


def default_rates(path: Path = DEFAULTS) -> list[PenaltyRate]:
    """The rows shipped with relance, unsaved."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        PenaltyRate(
            valid_from=row["valid_from"],
            # str() first: an unquoted 4.5 would be a float, and Decimal(4.5) inexact.
            ecb_rate=Decimal(str(row["ecb_rate"])),
            legal_rate=Decimal(str(row["legal_rate"])),
            source=row.get("source", ""),
        )
        for row in data["rates"]
    ]


def ensure_rates(path: Path = DEFAULTS) -> int:
    """Add the shipped rows the table lacks; a row already there (maybe corrected by a
    person) is left as it is. Returns how many rows were added."""
    present = set(PenaltyRate.objects.values_list("valid_from", flat=True))
    missing = [row for row in default_rates(path) if row.valid_from not in present]
    # ignore_conflicts: two processes starting at once must not fail on the unique date.
    PenaltyRate.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def rate_table() -> RateTable:
    """The stored rates as the engine takes them (``InvalidRateTable`` if a row is not dated
    1 January or 1 July)."""
    rows = PenaltyRate.objects.order_by("valid_from").values_list(
        "valid_from", "ecb_rate", "legal_rate"
    )
    return checked_table(RateRow(*row) for row in rows)


def contractual_rate_error(
    rate: Decimal, on: date | None = None, table: RateTable | None = None
) -> str | None:
    """Why ``rate`` cannot be a contractual late-payment rate on ``on`` (today by default),
    naming both figures; None when it is lawful. Checked against the half-year's legal rate,
    or the latest known one when the table has not been updated yet."""
    if rate < 0:
        return _("A rate cannot be negative.")
    try:
        table = rate_table() if table is None else table
    except InvalidRateTable as exc:
        return str(exc)  # a faulty stored rate: say so rather than fail the whole form
    row = row_in_force(table, on or timezone.localdate())
    if row is None:
        return None  # no rate known yet: nothing to check against
    try:
        check_contractual_rate(rate, row)
    except RateBelowFloor as exc:
        locale = to_locale(get_language() or "en")
        return _(
            "The contractual rate of %(rate)s %% is below the legal minimum of %(floor)s %%: "
            "three times the legal interest rate of %(legal)s %% in force from %(date)s."
        ) % {
            "rate": format_decimal(exc.rate, format="0.00", locale=locale),
            "floor": format_decimal(exc.floor, format="0.00", locale=locale),
            "legal": format_decimal(exc.legal_rate, format="0.00", locale=locale),
            "date": format_date(exc.valid_from, format="long", locale=locale),
        }
    return None


def penalty_terms_errors(
    rate: Decimal | None, indemnity: Decimal | None
) -> dict[str, ValidationError]:
    """What is wrong with a company's or a scenario's penalty settings, by field."""
    errors: dict[str, ValidationError] = {}
    if rate is not None:
        problem = contractual_rate_error(rate)
        if problem:
            errors["late_interest_rate"] = ValidationError(problem)
    if indemnity is not None and indemnity < 0:
        errors["recovery_indemnity"] = ValidationError(_("The indemnity cannot be negative."))
    return errors


def valid_from_error(day: date) -> str | None:
    """Why a rate row cannot start on ``day``: rates are in force from 1 January or 1 July
    (for ``PenaltyRate.clean``)."""
    if day != half_year_start(day):
        return _("Rates are in force from 1 January or 1 July.")
    return None


@dataclass(frozen=True)
class ScenarioTerms:
    contractual_rate: Decimal | None
    indemnity: Decimal


class PenaltyBook:
    """One company's penalties at one date: reads the rate table and the scenarios' overrides
    once, then answers for any number of reminders."""

    def __init__(self, company: Company, as_of: date, table: RateTable | None = None) -> None:
        self.company = company
        self.calculator = Calculator(rate_table() if table is None else table, as_of)
        self._overrides = {
            code: ScenarioTerms(
                company.late_interest_rate if rate is None else rate,
                company.recovery_indemnity if indemnity is None else indemnity,
            )
            for code, rate, indemnity in Scenario.objects.filter(company=company).values_list(
                "code", "late_interest_rate", "recovery_indemnity"
            )
        }

    def terms(
        self, scenario: str | None, *, business: bool, late_interest: bool, recovery_indemnity: bool
    ) -> Terms:
        found = self._overrides.get(scenario or "") or ScenarioTerms(
            self.company.late_interest_rate, self.company.recovery_indemnity
        )
        return Terms(
            business=business,
            late_interest=late_interest,
            recovery_indemnity=recovery_indemnity,
            contractual_rate=found.contractual_rate,
            indemnity=found.indemnity,
        )

    def for_invoices(self, terms: Terms, invoices: Iterable[InvoiceDue]) -> dict[str, Penalty]:
        """Each invoice's (interest, indemnity, rate), by number."""
        return self.calculator.penalties(terms, invoices)


def penalties_for(
    company: Company,
    scenario: str | None,
    *,
    business: bool,
    late_interest: bool,
    recovery_indemnity: bool,
    invoices: Iterable[InvoiceDue],
    as_of: date,
    table: RateTable | None = None,
) -> dict[str, Penalty]:
    """One reminder's penalties, by invoice number. For a batch, build one ``PenaltyBook``."""
    book = PenaltyBook(company, as_of, table)
    terms = book.terms(
        scenario,
        business=business,
        late_interest=late_interest,
        recovery_indemnity=recovery_indemnity,
    )
    return book.for_invoices(terms, invoices)


def charging_levels(company: Company) -> dict[tuple[str, int], tuple[bool, bool]]:
    """(scenario code, level) → (late interest, recovery indemnity), for the levels that
    charge either."""
    rows = ScenarioLevel.objects.filter(
        Q(late_interest=True) | Q(recovery_indemnity=True), scenario__company=company
    ).values_list("scenario__code", "level", "late_interest", "recovery_indemnity")
    return {(code, level): (interest, indemnity) for code, level, interest, indemnity in rows}


def plan_penalties(
    company: Company, result: Plan, table: RateTable | None = None
) -> Mapping[str, Penalty]:
    """The penalties of every invoice listed in a proposal whose level charges them, by
    invoice number (numbers are unique per company). One query when no level charges any;
    otherwise three more (consumers, scenarios, rates), whatever the number of invoices."""
    levels = charging_levels(company)
    charging = [p for p in result.proposals if (p.scenario, p.level) in levels]
    if not charging:
        return {}
    consumers = set(
        Customer.objects.filter(company=company)
        .exclude(kind=CustomerKind.COMPANY)
        .values_list("code", flat=True)
    )
    book = PenaltyBook(company, result.as_of, table)
    found: dict[str, Penalty] = {}
    penalties = book.calculator.penalties
    enabled = gc.isenabled()
    # A plan may hold a million items: the collector would walk them again at every burst of
    # new Penalty tuples, to find no cycle (see relance.engine.planner).
    gc.disable()
    try:
        for proposal in charging:
            if proposal.customer in consumers:
                continue
            interest, indemnity = levels[(proposal.scenario, proposal.level)]
            terms = book.terms(
                proposal.scenario,
                business=True,
                late_interest=interest,
                recovery_indemnity=indemnity,
            )
            penalties(terms, map(_NUMBER_DUE_OPEN, proposal.items), found)
    finally:
        if enabled:
            gc.enable()
    return found

"""Previews: exactly what a customer would receive today, without sending or writing anything.

The reminder is the customer's proposal in today's plan (its invoices, level and penalties); a
customer with nothing due gets one built from its open invoices, at the level asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from relance.content.loading import LevelRules, build_reminder, level_rules, with_penalties
from relance.content.penalties import PenaltyBook
from relance.content.reminder import Reminder, ReminderInvoice
from relance.dunning.planning import build_plan, load_scenarios
from relance.ledger.models import Company, Customer, Invoice


class NothingToPreview(LookupError):
    pass


@dataclass(frozen=True)
class PreviewRequest:
    customer: str
    as_of: date
    level: int | None = None
    channel: str = "email"
    language: str | None = None


def preview_reminder(company: Company, request: PreviewRequest) -> Reminder:
    try:
        customer = (
            Customer.objects.select_related("company", "collector", "company__head_of_accounts")
            .prefetch_related("contacts")
            .get(company=company, code=request.customer)
        )
    except Customer.DoesNotExist:
        raise NothingToPreview(f"no customer {request.customer} in {company.code}") from None
    plan = build_plan(company, request.as_of, customer=customer.code)
    proposal = next(iter(plan.proposals), None)
    open_invoices = {
        invoice.number: invoice
        for invoice in Invoice.objects.filter(customer=customer).exclude(open_amount=0)
    }
    if proposal is not None:
        scenario, currency = proposal.scenario, proposal.currency
        level = request.level if request.level is not None else proposal.level
        rows = [(item.number, item.days_overdue, item.level, item.due) for item in proposal.items]
    else:
        if not open_invoices:
            raise NothingToPreview(f"customer {customer.code} has no open invoice")
        _scenarios, default = load_scenarios(company)
        scenario = customer.scenario_code or default
        currency = next(iter(open_invoices.values())).currency
        level = request.level if request.level is not None else 1
        rows = [
            (number, (request.as_of - invoice.due_date).days, level, True)
            for number, invoice in sorted(open_invoices.items())
            if invoice.currency == currency and invoice.open_amount > 0
        ]
    rules = level_rules(company).get((scenario, level), LevelRules())
    invoices = [
        ReminderInvoice(
            number=number,
            issue_date=open_invoices[number].issue_date,
            due_date=open_invoices[number].due_date,
            amount=Decimal(open_invoices[number].amount),
            open_amount=Decimal(open_invoices[number].open_amount),
            days_overdue=days,
            level=invoice_level,
            due=due,
            pdf=_pdf(open_invoices[number]),
        )
        for number, days, invoice_level, due in rows
    ]
    book = PenaltyBook(company, request.as_of)
    invoices = with_penalties(book, scenario, customer, rules, invoices)
    return build_reminder(
        key=f"preview-{customer.code}-{level}-{request.channel}",
        customer=customer,
        as_of=request.as_of,
        channel=request.channel,
        level=level,
        currency=currency,
        rules=rules,
        invoices=invoices,
        language=request.language,
    )


def _pdf(invoice: Invoice) -> Path | None:
    return Path(invoice.pdf.path) if invoice.pdf else None

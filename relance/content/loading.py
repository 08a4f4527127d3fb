"""Building ``Reminder`` objects from a batch of run actions, in a constant number of queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import translation

from relance.content.penalties import PenaltyBook
from relance.content.reminder import Address, Person, Reminder, ReminderInvoice, Sender
from relance.dunning.models import ScenarioLevel, SignatoryRole
from relance.engine.penalties import NO_PENALTY
from relance.ledger.models import Company, Customer, Invoice

_ROLE_FIELD = {
    SignatoryRole.HEAD_OF_ACCOUNTS: "head_of_accounts",
    SignatoryRole.LEGAL: "legal_department",
}


@dataclass(frozen=True)
class LevelRules:
    """What a scenario level says about content: tone markers, penalties, who signs."""

    formal_notice: bool = False
    late_interest: bool = False
    recovery_indemnity: bool = False
    sender_role: str = SignatoryRole.ACCOUNT_MANAGER
    signature_role: str = SignatoryRole.ACCOUNT_MANAGER


def level_rules(company: Company) -> dict[tuple[str, int], LevelRules]:
    return {
        (level.scenario.code, level.level): LevelRules(
            level.formal_notice,
            level.late_interest,
            level.recovery_indemnity,
            level.sender_role,
            level.signature_role,
        )
        for level in ScenarioLevel.objects.filter(scenario__company=company).select_related(
            "scenario"
        )
    }


def language_of(customer: Customer) -> str:
    return customer.language or customer.company.default_language or settings.LANGUAGE_CODE


def recipients(customer: Customer) -> tuple[str, ...]:
    """The customer's address, then its contacts who receive reminders, without repeats."""
    found = [customer.email] if customer.email else []
    for contact in customer.contacts.all():
        if contact.receives_reminders and contact.email and contact.email not in found:
            found.append(contact.email)
    return tuple(found)


def phones(customer: Customer) -> tuple[str, ...]:
    found = [customer.phone] if customer.phone else []
    for contact in customer.contacts.all():
        if contact.receives_reminders and contact.phone and contact.phone not in found:
            found.append(contact.phone)
    return tuple(found)


def contact_name(customer: Customer) -> str:
    for contact in customer.contacts.all():
        if contact.receives_reminders and contact.name:
            return contact.name
    return ""


def sender_of(company: Company) -> Sender:
    return Sender(
        code=company.code,
        name=company.sender_name or company.legal_name,
        legal_name=company.legal_name,
        address=_address(company.legal_name, company),
        email=company.sender_email,
        phone=company.phone,
        website=company.website,
        siren=company.siren,
        vat_number=company.vat_number,
        iban=company.iban,
        bic=company.bic,
        logo=Path(company.logo.path) if company.logo else None,
        payment_link=company.payment_link,
    )


def person_for(role: str, customer: Customer, company: Company, language: str) -> Person:
    """The person behind a role; the account manager is the customer's collector. A role
    nobody holds signs with the company's name under the role's title."""
    user: User | None
    if role == SignatoryRole.ACCOUNT_MANAGER:
        user = customer.collector or company.head_of_accounts
    else:
        user = getattr(company, _ROLE_FIELD[SignatoryRole(role)])
    with translation.override(language):
        title = str(SignatoryRole(role).label)
    if user is None:
        return Person(company.sender_name or company.legal_name, title, company.sender_email)
    name = user.get_full_name() or user.get_username()
    return Person(name, title, user.email or company.sender_email, company.phone)


def _address(name: str, holder: Any) -> Address:
    return Address(
        name=name,
        line1=holder.address_line1,
        line2=holder.address_line2,
        postal_code=holder.postal_code,
        city=holder.city,
        country=holder.country,
    )


def invoice_details(
    company: Company, customer_ids: set[int]
) -> dict[tuple[int, str], tuple[date, Decimal, Path | None]]:
    """Issue date, amount and stored PDF of the customers' invoices, by (customer, number)."""
    rows = Invoice.objects.filter(company=company, customer_id__in=customer_ids).values_list(
        "customer_id", "number", "issue_date", "amount", "pdf"
    )
    media = Path(settings.MEDIA_ROOT)
    return {
        (customer, number): (issued, amount, media / pdf if pdf else None)
        for customer, number, issued, amount, pdf in rows
    }


def build_reminder(
    *,
    key: str,
    customer: Customer,
    as_of: date,
    channel: str,
    level: int,
    currency: str,
    rules: LevelRules,
    invoices: Sequence[ReminderInvoice],
    language: str | None = None,
) -> Reminder:
    company = customer.company
    language = language or language_of(customer)
    return Reminder(
        key=key,
        as_of=as_of,
        channel=channel,
        level=level,
        formal_notice=rules.formal_notice,
        language=language,
        currency=currency,
        customer_code=customer.code,
        customer_name=customer.name,
        business=customer.kind == "company",
        address=_address(customer.name, customer),
        recipients=recipients(customer),
        phones=phones(customer),
        contact_name=contact_name(customer),
        sender=sender_of(company),
        signatory=person_for(rules.signature_role, customer, company, language),
        from_person=person_for(rules.sender_role, customer, company, language),
        invoices=tuple(invoices),
        payment_reference=customer.code,
    )


def with_penalties(
    book: PenaltyBook,
    scenario: str,
    customer: Customer,
    rules: LevelRules,
    invoices: list[ReminderInvoice],
) -> list[ReminderInvoice]:
    """``invoices`` with the interest and indemnity their level charges this customer."""
    terms = book.terms(
        scenario,
        business=customer.kind == "company",
        late_interest=rules.late_interest,
        recovery_indemnity=rules.recovery_indemnity,
    )
    if not terms.charges:
        return invoices
    penalties = book.for_invoices(terms, [(i.number, i.due_date, i.open_amount) for i in invoices])
    return [
        replace(
            invoice,
            interest=penalty.interest,
            indemnity=penalty.indemnity,
            interest_rate=penalty.rate,
        )
        for invoice in invoices
        for penalty in [penalties.get(invoice.number, NO_PENALTY)]
    ]


def _day(text: str) -> date:
    return date.fromisoformat(text)


def reminders_for_actions(company: Company, actions: Sequence[Any]) -> list[Reminder]:
    """A reminder per run action (``runs.models.Action``, customer and contacts loaded), from
    the invoices as the action snapshotted them, with their penalties at the run date."""
    if not actions:
        return []
    rules = level_rules(company)
    details = invoice_details(company, {action.customer_id for action in actions})
    books: dict[date, PenaltyBook] = {}
    reminders = []
    for action in actions:
        customer = action.customer
        level = rules.get((action.scenario_code, action.level), LevelRules())
        book = books.get(action.as_of) or books.setdefault(
            action.as_of, PenaltyBook(company, action.as_of)
        )
        invoices = []
        for row in action.invoices:
            due_date = _day(row["due_date"])
            issued, amount, pdf = details.get((customer.pk, row["number"]), (due_date, None, None))
            invoices.append(
                ReminderInvoice(
                    number=row["number"],
                    issue_date=issued,
                    due_date=due_date,
                    amount=Decimal(amount if amount is not None else row["open_amount"]),
                    open_amount=Decimal(row["open_amount"]),
                    days_overdue=row["days_overdue"],
                    level=row["level"],
                    due=row.get("due", True),
                    pdf=pdf,
                )
            )
        invoices = with_penalties(book, action.scenario_code, customer, level, invoices)
        reminders.append(
            build_reminder(
                key=f"action-{action.pk}",
                customer=customer,
                as_of=action.as_of,
                channel=action.channel,
                level=action.level,
                currency=action.currency,
                rules=level,
                invoices=invoices,
            )
        )
    return reminders

"""A reminder as the renderers see it: plain frozen data, loaded once per batch of actions.

Every channel (e-mail, letter, SMS, call script) and every attached document renders from a
``Reminder``; nothing downstream reads a model. What a user-edited template may see is a
further, formatted and whitelisted view of it (``relance.content.context``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class Address:
    name: str
    line1: str = ""
    line2: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "FR"

    @property
    def complete(self) -> bool:
        return bool(self.line1 and self.postal_code and self.city)


@dataclass(frozen=True, slots=True)
class Person:
    """Who signs: a name, the role's title in the customer's language, how to reach them."""

    name: str
    title: str
    email: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class Sender:
    """The creditor as the customer sees it: letterhead, legal identifiers, bank details."""

    code: str
    name: str
    legal_name: str
    address: Address
    email: str = ""
    phone: str = ""
    website: str = ""
    siren: str = ""
    vat_number: str = ""
    iban: str = ""
    bic: str = ""
    logo: Path | None = None
    payment_link: str = ""  # the company's URL template, {amount} etc. not yet replaced


@dataclass(frozen=True, slots=True)
class ReminderInvoice:
    number: str
    issue_date: date
    due_date: date
    amount: Decimal  # incl. tax, as invoiced
    open_amount: Decimal  # what is left to pay at the run date
    days_overdue: int
    level: int
    due: bool  # this reminder was due for it (the others are listed to show what is owed)
    interest: Decimal | None = None  # None: the level charges no interest on it
    indemnity: Decimal | None = None  # None: no recovery indemnity on it
    interest_rate: Decimal | None = None  # % a year, when a single rate applied
    pdf: Path | None = None  # the stored invoice PDF, if any

    @property
    def partially_paid(self) -> bool:
        return ZERO < self.open_amount < self.amount


@dataclass(frozen=True, slots=True)
class Reminder:
    """One customer, one currency, one level, on one channel, at the run date."""

    key: str  # stable id, e.g. "action-42" or "preview-C001-3-email": names files and ids
    as_of: date
    channel: str
    level: int
    formal_notice: bool
    language: str
    currency: str
    customer_code: str
    customer_name: str
    business: bool  # a company (B2B), not a consumer
    address: Address
    recipients: tuple[str, ...]  # e-mail addresses, customer first, then contacts
    phones: tuple[str, ...]  # E.164 numbers, customer first, then contacts
    contact_name: str  # whom to greet: the first contact receiving reminders, or ""
    sender: Sender
    signatory: Person
    invoices: tuple[ReminderInvoice, ...]
    payment_reference: str  # what the customer quotes on the transfer
    extra: dict[str, str] = field(default_factory=dict)  # reserved (portal link, …)
    # Who the message comes from (display name and reply-to), per the level's sender role.
    from_person: Person | None = None

    @property
    def total_open(self) -> Decimal:
        return sum((invoice.open_amount for invoice in self.invoices), ZERO)

    @property
    def total_interest(self) -> Decimal:
        return sum((invoice.interest or ZERO for invoice in self.invoices), ZERO)

    @property
    def total_indemnity(self) -> Decimal:
        return sum((invoice.indemnity or ZERO for invoice in self.invoices), ZERO)

    @property
    def charges_penalties(self) -> bool:
        return any(i.interest is not None or i.indemnity is not None for i in self.invoices)

    @property
    def grand_total(self) -> Decimal:
        return self.total_open + self.total_interest + self.total_indemnity

"""Payment import: upsert by reference, then allocate each new or changed payment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from relance.ledger.importing import cells
from relance.ledger.importing.base import (
    CHUNK_SIZE,
    Importer,
    already_on_line,
    unknown_customer,
)
from relance.ledger.importing.reader import Cell
from relance.ledger.models import Customer, Invoice, Payment
from relance.ledger.services.allocation import Ledger


@dataclass
class PaymentRow:
    line: int
    reference: str
    customer_id: int
    date: date
    amount: Decimal
    currency: str
    invoice_number: str


class PaymentImporter(Importer[PaymentRow]):
    kind = "payments"
    required = ("reference", "customer", "date", "amount")
    optional = ("invoice", "currency")

    def prepare(self) -> None:
        self.customers = dict(
            Customer.objects.filter(company=self.company).values_list("code", "id")
        )
        self.seen: dict[str, int] = {}
        # (line, customer id, currency, invoice number) of rows naming an invoice, checked
        # in batches, bad lines included, so that every wrong reference is reported.
        self._named: list[tuple[int, int, str, str]] = []

    def parse(self, line: int, values: dict[str, Cell]) -> PaymentRow | None:
        errors_before = self.errors.total
        reference = self.required_text(line, values, "reference", 80)
        if reference is not None:
            if reference in self.seen:
                self.errors.add(line, "reference", already_on_line(reference, self.seen[reference]))
            self.seen[reference] = line
        code = self.required_text(line, values, "customer", 50)
        customer_id = self.customers.get(code) if code else None
        if code and customer_id is None:
            self.errors.add(line, "customer", unknown_customer(code))
        paid_on = self.cell(line, values, "date", cells.day)
        currency = self.currency(line, values)
        currency_ok = currency is not None
        currency = currency or self.default_currency
        amount = self.cell(line, values, "amount", cells.money, currency)
        if amount is not None and amount <= 0:
            self.errors.add(line, "amount", _("a payment must be a positive amount"))
        invoice_number = cells.text(values.get("invoice"))
        if invoice_number and customer_id is not None and currency_ok:
            self._named.append((line, customer_id, currency, invoice_number))
            if len(self._named) >= CHUNK_SIZE:
                self._check_invoices()
        if self.errors.total > errors_before:
            return None
        assert reference
        assert customer_id
        assert paid_on
        assert amount is not None
        return PaymentRow(line, reference, customer_id, paid_on, amount, currency, invoice_number)

    def write(self, rows: list[PaymentRow]) -> None:
        self._check_invoices()
        if self.errors:
            return
        existing = {
            payment.reference: payment
            for payment in Payment.objects.filter(
                company=self.company, reference__in=[row.reference for row in rows]
            )
        }
        ledger = Ledger(self.company, {row.customer_id for row in rows})
        for row in rows:
            payment = existing.get(row.reference)
            wanted: dict[str, Any] = {
                "customer_id": row.customer_id,
                "date": row.date,
                "amount": row.amount,
                "currency": row.currency,
                "invoice_number": row.invoice_number,
            }
            if payment is not None:
                if all(getattr(payment, name) == value for name, value in wanted.items()):
                    self.report.unchanged += 1
                    continue
                ledger.release(payment)
                for name, value in wanted.items():
                    setattr(payment, name, value)
                self.report.updated += 1
            else:
                payment = Payment(company=self.company, reference=row.reference, **wanted)
                self.report.created += 1
            self.report.allocated += ledger.apply(payment)
            self.report.unapplied += payment.unapplied_amount
        ledger.save()

    def check_rows(self) -> None:
        self._check_invoices()

    def _check_invoices(self) -> None:
        named, self._named = self._named, []
        if not named:
            return
        invoices = {
            number: (customer_id, currency)
            for number, customer_id, currency in Invoice.objects.filter(
                company=self.company, number__in={number for *_, number in named}
            ).values_list("number", "customer_id", "currency")
        }
        for line, customer_id, currency, number in named:
            found = invoices.get(number)
            if found is None:
                reason = _("unknown invoice %(number)s") % {"number": repr(number)}
            elif found[0] != customer_id:
                reason = _("invoice %(number)s belongs to another customer") % {
                    "number": repr(number)
                }
            elif found[1] != currency:
                reason = _(
                    "invoice %(number)s is in %(invoice_currency)s, the payment in %(currency)s"
                ) % {"number": repr(number), "invoice_currency": found[1], "currency": currency}
            else:
                continue
            self.errors.add(line, "invoice", reason)

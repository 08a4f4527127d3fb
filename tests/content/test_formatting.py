"""Amounts and statuses as customers read them."""

from datetime import date
from decimal import Decimal

import pytest
from babel.numbers import format_currency
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from relance.content import formatting
from relance.content.reminder import ReminderInvoice


@given(
    amount=st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False),
    currency=st.sampled_from(["EUR", "USD", "GBP", "CHF", "JPY", "KWD", "XOF"]),
    language=st.sampled_from(["fr", "en", "de", "es", "it", "fr_CH", "en_GB", "nl"]),
)
def test_money_writes_exactly_what_babel_format_currency_writes(amount, currency, language):
    assert formatting.money(amount, currency, language) == format_currency(
        amount, currency, locale=language
    )


def line(days: int, amount: str = "100.00", open_amount: str = "100.00") -> ReminderInvoice:
    return ReminderInvoice(
        number="F1",
        issue_date=date(2026, 1, 1),
        due_date=date(2026, 2, 1),
        amount=Decimal(amount),
        open_amount=Decimal(open_amount),
        days_overdue=days,
        level=1,
        due=True,
    )


@pytest.mark.parametrize(
    ("invoice", "english", "french"),
    [
        (line(12), "12 days overdue", "Échue depuis 12 jours"),
        (line(1), "1 day overdue", "Échue depuis 1 jour"),
        (line(0), "Due today", "Échéance aujourd’hui"),
        (line(-3), "Due in 3 days", "Échéance dans 3 jours"),
        (
            line(12, open_amount="40.00"),
            "Partially paid, 12 days overdue",
            "Partiellement réglée, échue depuis 12 jours",
        ),
        (line(-3, open_amount="40.00"), "Partially paid", "Partiellement réglée"),
    ],
)
def test_the_status_of_an_invoice_line_follows_the_language(invoice, english, french):
    with translation.override("en"):
        assert formatting.status(invoice) == english
    with translation.override("fr"):
        assert formatting.status(invoice) == french

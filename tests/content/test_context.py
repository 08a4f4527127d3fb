"""The formatted context templates read (relance/content/context.py)."""

from __future__ import annotations

from django.utils import translation

from relance.content.context import template_context
from tests.channels.reminders import invoice, reminder


def test_an_amount_met_twice_in_a_reminder_is_written_the_same_both_times():
    lines = [invoice("F-1", 10, "1200.50"), invoice("F-2", 5, "1200.50", "300.00")]
    with translation.override("fr"):
        context = template_context(reminder(invoices=lines, language="fr"))
    first, second = context["invoices"]
    assert first["amount"] == first["open_amount"] == second["amount"] == "1\u202f200,50\xa0€"
    assert second["open_amount"] == "300,00\xa0€"
    assert context["total"]["open"] == "1\u202f500,50\xa0€"


def test_a_negative_zero_is_not_taken_for_the_zero_already_written():
    # -0 equals 0 (and hashes alike) but Babel writes it with its sign.
    lines = [invoice("F-1", 10, "0.00"), invoice("F-2", 5, "-0.00", "-0.00")]
    context = template_context(reminder(invoices=lines))
    assert [line["amount"] for line in context["invoices"]] == ["€0.00", "-€0.00"]

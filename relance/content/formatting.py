"""Amounts, dates and invoice statuses written for the customer's language, with Babel.

Rendering thousands of reminders formats the same few dates again and again, and Babel
parses a locale's patterns on every call: the formatters are cached per language and
currency, the dates per value.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, get_currency_precision, get_currency_symbol
from django.utils import translation
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from relance.content.reminder import ReminderInvoice


@lru_cache(maxsize=64)
def _locale(language: str) -> Locale:
    return Locale.parse(language.replace("-", "_"))


@lru_cache(maxsize=256)
def _currency_pattern(currency: str, language: str) -> tuple[NumberPattern, Locale]:
    """The locale's currency pattern with this currency's symbol and precision already in
    it: ``format_currency`` looks them up (and the currency's plural name) on every call,
    which is most of its cost."""
    locale = _locale(language)
    pattern = locale.currency_formats["standard"]
    symbol = get_currency_symbol(currency, locale)
    digits = get_currency_precision(currency)

    def fill(affixes: tuple[str, str]) -> tuple[str, str]:
        return (affixes[0].replace("¤", symbol), affixes[1].replace("¤", symbol))

    return (
        NumberPattern(
            pattern.pattern,
            fill(pattern.prefix),
            fill(pattern.suffix),
            pattern.grouping,
            pattern.int_prec,
            (digits, digits),
            pattern.exp_prec,
            pattern.exp_plus,
            pattern.number_pattern,
        ),
        locale,
    )


def money(amount: Decimal, currency: str, language: str) -> str:
    """Babel's ``format_currency``, faster: the same output, pattern prepared once.

    >>> money(Decimal("1234.5"), "EUR", "fr")
    '1\\u202f234,50\\xa0€'
    >>> money(Decimal("-1234.5"), "EUR", "en")
    '-€1,234.50'
    >>> money(Decimal("1234.4"), "JPY", "de"), money(Decimal("0.5"), "CHF", "de")
    ('1.234\\xa0¥', '0,50\\xa0CHF')
    """
    pattern, locale = _currency_pattern(currency, language)
    return pattern.apply(amount, locale, currency_digits=False)


@lru_cache(maxsize=4096)
def day(value: date, language: str, form: str = "short") -> str:
    """
    >>> day(date(2026, 11, 24), "fr")
    '24/11/2026'
    >>> day(date(2026, 11, 24), "fr", "long")
    '24 novembre 2026'
    """
    return format_date(value, form, locale=_locale(language))


def status(invoice: ReminderInvoice, language: str | None = None) -> str:
    """What the invoice's line says, in ``language`` or else the active language. A reminder
    gives its language: asking Django for the active one costs more than the cached line."""
    return _status(invoice.days_overdue, invoice.partially_paid, language or get_language())


@lru_cache(maxsize=4096)
def _status(days: int, partially_paid: bool, language: str) -> str:
    with translation.override(language):
        return _status_words(days, partially_paid)


def _status_words(days: int, partially_paid: bool) -> str:
    if partially_paid:
        if days > 0:
            return ngettext(
                "Partially paid, %(days)d day overdue",
                "Partially paid, %(days)d days overdue",
                days,
            ) % {"days": days}
        return str(_("Partially paid"))
    if days > 0:
        return ngettext("%(days)d day overdue", "%(days)d days overdue", days) % {"days": days}
    if days == 0:
        return _("Due today")
    return ngettext("Due in %(days)d day", "Due in %(days)d days", -days) % {"days": -days}

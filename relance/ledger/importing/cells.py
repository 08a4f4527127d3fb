"""Parsers for one cell each: text as exported by ERPs and spreadsheets, to typed values.

Each parser raises ``CellError`` with a short reason; the importer adds file, line and column.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache

from babel.numbers import get_currency_precision
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from relance.ledger.importing.reader import Cell

YES = {"yes", "y", "oui", "o", "true", "vrai", "1", "x"}
NO = {"no", "n", "non", "false", "faux", "0", ""}
_FRENCH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_PLAIN_AMOUNT = re.compile(r"-?\d{1,13}(?:\.\d{1,2})?")
_CENT = Decimal("0.01")
_SPACES = str.maketrans("", "", " \u00a0\u202f'")


class CellError(ValueError):
    pass


def _not_an_amount(value: object) -> CellError:
    return CellError(_("%(value)s is not an amount") % {"value": repr(value)})


def text(cell: Cell) -> str:
    if type(cell) is str:
        return cell.strip()
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        # Spreadsheets turn codes such as 411001 into numbers.
        return str(int(cell))
    if isinstance(cell, datetime | date):
        return cell.isoformat()
    return str(cell).strip()


def decimal(cell: Cell) -> Decimal:
    """Read an amount: ``1234.56``, ``1234,56``, ``1 234,56`` or ``1.234,56``.

    >>> decimal("1 234,56"), decimal("1.234,56"), decimal("-12.5"), decimal(7)
    (Decimal('1234.56'), Decimal('1234.56'), Decimal('-12.5'), Decimal('7'))
    """
    if isinstance(cell, bool):
        raise _not_an_amount(cell)
    if isinstance(cell, int):
        return Decimal(cell)
    if isinstance(cell, float):
        # repr() is the shortest string that round-trips, i.e. what the spreadsheet showed.
        return Decimal(repr(cell))
    raw = text(cell)
    cleaned = raw.translate(_SPACES)
    if "," in cleaned:
        if "." in cleaned and cleaned.rfind(".") > cleaned.rfind(","):
            cleaned = cleaned.replace(",", "")
        else:
            cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise _not_an_amount(raw) from None
    if not value.is_finite():
        raise _not_an_amount(raw)
    return value


def money(cell: Cell, currency: str) -> Decimal:
    if type(cell) is str and _precision(currency) == 2 and _PLAIN_AMOUNT.fullmatch(cell):
        # The shape of nearly every exported amount: skip the general path's checks.
        return Decimal(cell).quantize(_CENT)
    value = decimal(cell)
    places = _precision(currency)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise CellError(
            _("%(value)s has more than %(places)d decimal places for %(currency)s")
            % {"value": repr(text(cell)), "places": places, "currency": currency}
        )
    if abs(value) >= Decimal("1e13"):
        raise CellError(_("%(value)s is too large") % {"value": repr(text(cell))})
    return value.quantize(Decimal(1).scaleb(-2))


@cache
def _precision(currency: str) -> int:
    return int(get_currency_precision(currency))


def day(cell: Cell) -> date:
    """Read a date written ``YYYY-MM-DD`` or ``DD/MM/YYYY``, or a spreadsheet date.

    >>> day("2026-03-31"), day("31/03/2026")
    (datetime.date(2026, 3, 31), datetime.date(2026, 3, 31))
    """
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    raw = text(cell)
    try:
        if len(raw) == 10 and raw[4] == "-":
            return date.fromisoformat(raw)
        match = _FRENCH_DATE.fullmatch(raw)
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        raise CellError(_("%(value)s is not a valid date") % {"value": repr(raw)}) from None
    raise CellError(
        _("%(value)s is not a date (use YYYY-MM-DD or DD/MM/YYYY)") % {"value": repr(raw)}
    )


def yes_no(cell: Cell) -> bool:
    if isinstance(cell, bool):
        return cell
    word = text(cell).lower()
    if word in YES:
        return True
    if word in NO:
        return False
    raise CellError(_("%(value)s is not yes or no") % {"value": repr(text(cell))})


def choice(cell: Cell, allowed: tuple[str, ...]) -> str:
    word = text(cell).lower()
    if word not in allowed:
        raise CellError(not_one_of(text(cell), allowed))
    return word


def email(cell: Cell) -> str:
    value = text(cell)
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise CellError(
                _("%(value)s is not an e-mail address") % {"value": repr(value)}
            ) from None
    return value


def not_one_of(value: str, allowed: tuple[str, ...]) -> str:
    """The reason given for a value outside a fixed list (the list itself is not translated:
    it is what the file must contain)."""
    return _("%(value)s is not one of %(allowed)s") % {
        "value": repr(value),
        "allowed": ", ".join(allowed),
    }

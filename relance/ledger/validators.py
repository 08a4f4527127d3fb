"""Validation and normalisation of identifiers, delegated to python-stdnum, phonenumbers, Babel.

Each ``normalize_*`` function returns the canonical stored form or raises ``ValidationError``
with a message a finance user understands.
"""

from __future__ import annotations

from functools import cache

import phonenumbers
from babel import Locale, UnknownLocaleError
from babel.numbers import list_currencies
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import bic, iban
from stdnum.eu import vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren, siret


def normalize_siren(value: str) -> str:
    """
    >>> normalize_siren("732 829 320")
    '732829320'
    """
    try:
        return str(siren.validate(value))
    except StdnumError as exc:
        raise ValidationError(_("Invalid SIREN number: %(why)s") % {"why": str(exc)}) from exc


def normalize_siret(value: str) -> str:
    """
    >>> normalize_siret("732 829 320 00074")
    '73282932000074'
    """
    try:
        return str(siret.validate(value))
    except StdnumError as exc:
        raise ValidationError(_("Invalid SIRET number: %(why)s") % {"why": str(exc)}) from exc


def normalize_vat(value: str) -> str:
    """
    >>> normalize_vat("FR 40 303 265 045")
    'FR40303265045'
    """
    try:
        return str(vat.validate(value))
    except StdnumError as exc:
        raise ValidationError(_("Invalid VAT number: %(why)s") % {"why": str(exc)}) from exc


def normalize_iban(value: str) -> str:
    """
    >>> normalize_iban("FR14 2004 1010 0505 0001 3M02 606")
    'FR1420041010050500013M02606'
    """
    try:
        return str(iban.validate(value))
    except StdnumError as exc:
        raise ValidationError(_("Invalid IBAN: %(why)s") % {"why": str(exc)}) from exc


def normalize_bic(value: str) -> str:
    """
    >>> normalize_bic("bnpafrpp")
    'BNPAFRPP'
    """
    try:
        return str(bic.validate(value))
    except StdnumError as exc:
        raise ValidationError(_("Invalid BIC: %(why)s") % {"why": str(exc)}) from exc


def normalize_phone(value: str, region: str = "FR") -> str:
    """Parse a phone number written the local way or internationally; return E.164.

    >>> normalize_phone("01 42 68 53 00")
    '+33142685300'
    >>> normalize_phone("+44 20 7946 0958", "FR")
    '+442079460958'
    """
    try:
        number = phonenumbers.parse(value, region.upper() or "FR")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("Invalid phone number: %(why)s") % {"why": str(exc)}) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Invalid phone number: %(value)s") % {"value": value})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# CLDR territories that are groupings or placeholders, not countries (European Union,
# eurozone, Outlying Oceania, United Nations, pseudo-locales, unknown region).
_NOT_COUNTRIES = frozenset({"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"})


@cache
def _territories() -> frozenset[str]:
    return frozenset(
        code
        for code in Locale("en").territories
        if isinstance(code, str) and code.isalpha() and code not in _NOT_COUNTRIES
    )


@cache
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def normalize_country(value: str) -> str:
    """ISO 3166 alpha-2 country code.

    >>> normalize_country("fr")
    'FR'
    """
    code = value.strip().upper()
    if code not in _territories():
        raise ValidationError(_("Unknown country code: %(value)s") % {"value": value})
    return code


def normalize_language(value: str) -> str:
    """Language code as Django spells it (``fr``, ``en``, ``pt-br``).

    >>> normalize_language("FR")
    'fr'
    """
    code = value.strip().replace("_", "-").lower()
    if not _is_language(code):
        raise ValidationError(_("Unknown language code: %(value)s") % {"value": value})
    return code


@cache
def _is_language(code: str) -> bool:
    # Locale.parse loads locale data: cached, since an import repeats a handful of codes.
    try:
        Locale.parse(code, sep="-")
    except (ValueError, UnknownLocaleError):
        return False
    return True


def normalize_currency(value: str) -> str:
    """ISO 4217 currency code.

    >>> normalize_currency("eur")
    'EUR'
    """
    code = value.strip().upper()
    if code not in _currencies():
        raise ValidationError(_("Unknown currency code: %(value)s") % {"value": value})
    return code


# North American numbers don't tell mobiles from landlines.
MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def is_mobile(number: str) -> bool:
    """Whether an SMS can reach ``number`` (E.164): a landline cannot.

    >>> is_mobile("+33612345678"), is_mobile("+33531360576"), is_mobile("+1 650 253 0000")
    (True, False, True)
    """
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(parsed) in MOBILE_TYPES

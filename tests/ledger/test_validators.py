"""Identifiers are stored in one canonical form, or refused with a message a user understands."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from relance.ledger import validators

CHECKSUM = "The number's checksum or check digit is invalid."
LENGTH = "The number has an invalid length."


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def refusal(normalize, *args) -> str:
    with pytest.raises(ValidationError) as caught:
        normalize(*args)
    [message] = caught.value.messages
    return message


@pytest.mark.parametrize(
    ("normalize", "raw", "stored"),
    [
        (validators.normalize_siren, "732 829 320", "732829320"),
        (validators.normalize_siret, "732 829 320 00074", "73282932000074"),
        (validators.normalize_vat, "FR 40 303 265 045", "FR40303265045"),
        (validators.normalize_vat, "DE 136 695 976", "DE136695976"),
        (
            validators.normalize_iban,
            "fr14 2004 1010 0505 0001 3m02 606",
            "FR1420041010050500013M02606",
        ),
        (validators.normalize_bic, "bnpafrpp", "BNPAFRPP"),
        (validators.normalize_bic, "bnpafrppxxx", "BNPAFRPPXXX"),
        (validators.normalize_country, " be ", "BE"),
        (validators.normalize_country, "XK", "XK"),
        (validators.normalize_language, "FR", "fr"),
        (validators.normalize_language, "pt_BR", "pt-br"),
        (validators.normalize_language, " en-GB ", "en-gb"),
        (validators.normalize_currency, "eur", "EUR"),
        (validators.normalize_currency, " chf ", "CHF"),
    ],
)
def test_a_valid_identifier_is_stored_in_its_canonical_form(normalize, raw, stored):
    assert normalize(raw) == stored


@pytest.mark.parametrize(
    ("normalize", "raw", "message"),
    [
        (validators.normalize_siren, "732829321", f"Invalid SIREN number: {CHECKSUM}"),
        (validators.normalize_siren, "12345", f"Invalid SIREN number: {LENGTH}"),
        (validators.normalize_siret, "73282932000075", f"Invalid SIRET number: {CHECKSUM}"),
        (validators.normalize_vat, "FR00303265045", f"Invalid VAT number: {CHECKSUM}"),
        (validators.normalize_iban, "FR1420041010050500013M02607", f"Invalid IBAN: {CHECKSUM}"),
        (validators.normalize_bic, "BNPA", f"Invalid BIC: {LENGTH}"),
        (validators.normalize_country, "XX", "Unknown country code: XX"),
        (validators.normalize_country, "FRA", "Unknown country code: FRA"),
        (validators.normalize_language, "klingon", "Unknown language code: klingon"),
        (validators.normalize_currency, "EURO", "Unknown currency code: EURO"),
    ],
)
def test_an_invalid_identifier_is_refused_saying_why(normalize, raw, message):
    assert refusal(normalize, raw) == message


@pytest.mark.parametrize("code", ["EU", "UN", "ZZ", "EZ", "QO", "XA"])
def test_groupings_and_placeholders_are_not_countries(code):
    assert refusal(validators.normalize_country, code) == f"Unknown country code: {code}"


@pytest.mark.parametrize(
    ("raw", "region", "stored"),
    [
        ("01 42 68 53 00", "FR", "+33142685300"),
        ("06.12.34.56.78", "FR", "+33612345678"),
        ("+44 20 7946 0958", "FR", "+442079460958"),
        ("02 512 34 56", "BE", "+3225123456"),
        ("02 512 34 56", "be", "+3225123456"),
        ("0033 1 42 68 53 00", "FR", "+33142685300"),
    ],
)
def test_a_phone_number_is_stored_in_e164_form_read_in_the_customer_country(raw, region, stored):
    assert validators.normalize_phone(raw, region) == stored


def test_a_phone_number_with_too_few_digits_is_refused_quoting_it():
    assert refusal(validators.normalize_phone, "01 42 68 53") == (
        "Invalid phone number: 01 42 68 53"
    )


def test_text_that_is_not_a_phone_number_is_refused_saying_why():
    assert refusal(validators.normalize_phone, "call me") == (
        "Invalid phone number: (1) The string supplied did not seem to be a phone number."
    )


def test_messages_are_translated_for_french_users():
    with translation.override("fr"):
        assert refusal(validators.normalize_country, "XX") == "Code pays inconnu : XX"

"""The SEPA credit-transfer QR code: what it asks the customer's bank to pay."""

from __future__ import annotations

import base64
from dataclasses import replace
from decimal import Decimal

import segno
from hypothesis import given
from hypothesis import strategies as st

from relance.channels import qr
from tests.channels.reminders import SENDER, invoice, penalised, reminder


def expected_code(payload: str, encoding: str = "iso-8859-1") -> segno.QRCode:
    """The code an EPC069-12 payload written out by hand makes: same data, same matrix."""
    return segno.make_qr(payload.encode(encoding), error="m", boost_error=False)


def test_the_transfer_asks_for_the_grand_total_to_the_company_account_quoting_the_reference():
    transfer = qr.epc_transfer(reminder("C001"))

    assert transfer == qr.EpcTransfer(
        name="ACME Industrie SAS",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
        amount=Decimal("1200.50"),
        reference="",
        text="C001",
    )


def test_the_amount_includes_interest_and_indemnities_when_the_reminder_charges_them():
    charged = reminder(invoices=[penalised("F1", 40, "1000.00", "9.99", "40.00")])

    assert qr.epc_transfer(charged).amount == Decimal("1049.99")


def test_the_code_holds_the_epc_payload_field_by_field():
    code = qr.epc_qr(qr.epc_transfer(reminder("C001")))

    payload = "\n".join(
        [
            "BCD",  # service tag
            "002",  # version
            "2",  # character set: ISO 8859-1
            "SCT",  # SEPA credit transfer
            "AGRIFRPP",
            "ACME Industrie SAS",
            "FR7630006000011234567890189",
            "EUR1200.5",
            "",  # purpose
            "",  # structured reference
            "C001",  # remittance text
        ]
    )
    assert code.designator == expected_code(payload).designator
    assert code.matrix == expected_code(payload).matrix
    assert code.error == "M"
    assert code.version <= 13


def test_an_iso_11649_reference_goes_in_the_structured_field():
    code = qr.epc_qr(qr.epc_transfer(reminder(payment_reference="RF18 5390 0754 7034")))

    payload = "BCD\n002\n2\nSCT\nAGRIFRPP\nACME Industrie SAS\nFR7630006000011234567890189"
    payload += "\nEUR1200.5\n\nRF18539007547034"
    assert code.matrix == expected_code(payload).matrix


def test_line_breaks_in_the_name_or_reference_cannot_add_fields_to_the_payload():
    built = reminder(
        sender=replace(SENDER, legal_name="ACME\nIndustrie  SAS"), payment_reference="C001\nX"
    )

    transfer = qr.epc_transfer(built)

    assert (transfer.name, transfer.text) == ("ACME Industrie SAS", "C001 X")


def test_there_is_no_code_for_another_currency_a_bad_iban_or_nothing_to_pay():
    assert qr.epc_transfer(reminder(currency="USD")) is None
    assert qr.epc_transfer(reminder(sender=replace(SENDER, iban="FR76 0000"))) is None
    assert qr.epc_transfer(reminder(sender=replace(SENDER, iban=""))) is None
    assert qr.epc_transfer(reminder(invoices=[])) is None
    too_much = invoice("F1", 10, "1000000000.00")
    assert qr.epc_transfer(reminder(invoices=[too_much])) is None


def test_a_bic_of_the_wrong_length_is_left_out_rather_than_making_the_code_invalid():
    transfer = qr.epc_transfer(reminder(sender=replace(SENDER, bic="AGRI")))

    assert transfer is not None
    assert transfer.bic == ""


def test_the_image_is_a_png_of_one_pixel_per_module():
    uri = qr.payment_qr_uri(reminder())

    assert uri.startswith("data:image/png;base64,")
    png = base64.b64decode(uri.split(",", 1)[1])
    assert png.startswith(b"\x89PNG")


@given(
    name=st.text(min_size=1, max_size=90).filter(str.strip),
    reference=st.text(min_size=1, max_size=200).filter(str.strip),
    cents=st.integers(min_value=-10, max_value=10**12),
)
def test_any_company_name_reference_and_amount_gives_a_valid_code_or_none(name, reference, cents):
    sender = replace(SENDER, legal_name=name)
    amount = str(Decimal(cents) / 100)
    built = reminder(
        sender=sender, payment_reference=reference, invoices=[invoice("F1", 10, amount)]
    )

    uri = qr.payment_qr_uri(built)

    transfer = qr.epc_transfer(built)
    if transfer is None:
        assert uri == ""
    elif uri:
        assert qr.EPC_MIN_AMOUNT <= transfer.amount <= qr.EPC_MAX_AMOUNT
        assert qr.epc_qr(transfer).version <= 13

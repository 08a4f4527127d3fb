"""The SEPA credit-transfer QR code ("EPC QR", "GiroCode") printed on letters.

A banking app that scans it fills in the creditor, the IBAN, the amount and the reference to
quote, so the customer pays the right sum to the right account without typing. The code can
only ask for euros, between 0.01 and 999,999,999.99, to a valid IBAN: a reminder outside those
limits gets no code rather than one the bank would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import segno
from segno import helpers
from stdnum import iban as iban_number
from stdnum import iso11649

from relance.content.reminder import Reminder

EPC_MIN_AMOUNT = Decimal("0.01")
EPC_MAX_AMOUNT = Decimal("999999999.99")
_NAME_MAX, _TEXT_MAX = 70, 140  # EPC069-12 field lengths
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class EpcTransfer:
    """What the code asks the customer's bank to pay."""

    name: str  # the creditor, as the account is held
    iban: str
    bic: str  # "" when unknown: optional inside the EEA
    amount: Decimal
    reference: str  # an ISO 11649 "RF" creditor reference, or ""
    text: str  # otherwise the unstructured remittance text (what to quote)


def epc_transfer(reminder: Reminder) -> EpcTransfer | None:
    """The transfer for the reminder's grand total, or None when an EPC code cannot carry it."""
    sender = reminder.sender
    if reminder.currency != "EUR" or not iban_number.is_valid(sender.iban):
        return None
    amount = reminder.grand_total.quantize(CENT)
    if not EPC_MIN_AMOUNT <= amount <= EPC_MAX_AMOUNT:
        return None
    # The payload's fields are lines: no line break (nor any other run of spaces) may stay.
    name = _one_line(sender.legal_name or sender.name)[:_NAME_MAX]
    quoted = _one_line(reminder.payment_reference or reminder.customer_code)
    if not name or not quoted:
        return None
    bic = sender.bic.replace(" ", "").upper()
    structured = iso11649.is_valid(quoted)
    return EpcTransfer(
        name=name,
        iban=iban_number.compact(sender.iban),
        bic=bic if len(bic) in (8, 11) else "",
        amount=amount,
        reference=iso11649.compact(quoted) if structured else "",
        text="" if structured else quoted[:_TEXT_MAX],
    )


def _one_line(value: str) -> str:
    return " ".join(value.split())


def epc_qr(transfer: EpcTransfer) -> segno.QRCode:
    """The QR code (error correction M, version ≤ 13, as the EPC guideline requires). Raises
    ``ValueError`` when the fields exceed the 331 bytes a code may hold (long names in a
    non-Latin script)."""
    return helpers.make_epc_qr(
        name=transfer.name,
        iban=transfer.iban,
        amount=transfer.amount,
        text=transfer.text or None,
        reference=transfer.reference or None,
        bic=transfer.bic or None,
    )


def epc_png_data_uri(transfer: EpcTransfer) -> str:
    """The code as an inline PNG of one pixel per module, to be scaled up by CSS with
    ``image-rendering: pixelated`` (sharp modules in print). A PNG, not an SVG: WeasyPrint
    draws an SVG's path segment by segment, which took longer than laying out the letter's
    table; the PNG is embedded as it is."""
    return str(epc_qr(transfer).png_data_uri(scale=1, border=0))


def payment_qr_uri(reminder: Reminder) -> str:
    """The reminder's payment code as an image URI, or "" when it cannot have one."""
    transfer = epc_transfer(reminder)
    if transfer is None:
        return ""
    try:
        return epc_png_data_uri(transfer)
    except ValueError:
        return ""

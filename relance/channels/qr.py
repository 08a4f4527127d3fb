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
    name = (sender.legal_name or sender.name).strip()[:_NAME_MAX]
    quoted = (reminder.payment_reference or reminder.customer_code).strip()
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


def epc_qr(transfer: EpcTransfer) -> segno.QRCode:
    """The QR code (error correction M, version ≤ 13, as the EPC guideline requires)."""
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

"""What a reminder carries: each invoice's stored PDF, a generated statement for the invoices
that have none, and the formal notice letter at a formal-notice level."""

from __future__ import annotations

from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from relance.channels.documents import formal_notice_pdf, statement_pdf
from relance.content.models import Template
from relance.content.reminder import Reminder
from relance.content.rendering import RenderedParts

PDF = "application/pdf"


def attachments_for(
    reminder: Reminder, template: Template, parts: RenderedParts
) -> list[tuple[str, bytes, str]]:
    files: list[tuple[str, bytes, str]] = []
    with translation.override(reminder.language):
        if template.attach_invoices:
            missing = []
            for invoice in reminder.invoices:
                if invoice.pdf is not None and invoice.pdf.is_file():
                    files.append((f"{slugify(invoice.number)}.pdf", invoice.pdf.read_bytes(), PDF))
                else:
                    missing.append(invoice)
            if missing:
                name = _("statement") + f"-{slugify(reminder.customer_code)}.pdf"
                files.append((name, statement_pdf(reminder, missing), PDF))
        if template.attach_formal_notice and reminder.formal_notice:
            name = _("formal-notice") + f"-{slugify(reminder.customer_code)}.pdf"
            files.append((name, formal_notice_pdf(reminder, parts), PDF))
    return files

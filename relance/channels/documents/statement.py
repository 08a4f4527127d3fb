"""The account statement attached where invoices have no stored PDF: the customer still gets
each invoice's number, dates and amounts in a document it can file and forward."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from django.utils import translation
from django.utils.translation import gettext as _
from markupsafe import Markup

from relance.channels.letter import layout
from relance.content.context import template_context
from relance.content.reminder import Reminder, ReminderInvoice
from relance.content.rendering import html_invoice_table


def statement_pdf(reminder: Reminder, invoices: Sequence[ReminderInvoice]) -> bytes:
    """A statement of ``invoices`` (some of the reminder's) at the reminder's date."""
    with translation.override(reminder.language):
        html = layout.document_html(
            [statement_section(reminder, invoices)], _("Account statement"), reminder.language
        )
    return bytes(layout.render(html).write_pdf())


def statement_section(reminder: Reminder, invoices: Sequence[ReminderInvoice]) -> layout.Section:
    listed = replace(reminder, invoices=tuple(invoices))
    context = template_context(listed)
    # A statement states what was invoiced and what is left; penalties are the formal
    # notice's business.
    context["penalties"] = False
    page = layout.page_view(reminder, 0)
    values = {
        "page": page,
        "customer_name": reminder.customer_name,
        "customer_code": reminder.customer_code,
        "as_of": context["as_of"],
        "count": len(invoices),
        "table": Markup(html_invoice_table(context)),
        "reference": reminder.payment_reference,
        "pay": layout.payment_view(reminder, link="", qr_uri="", amount=""),
    }
    html = layout.environment().get_template("statement.html").render(values)
    return layout.Section(html, page["page_label"])

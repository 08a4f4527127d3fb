"""Postal reminder letters: every letter of a run laid out in one WeasyPrint pass.

``render_batch`` joins all the letters of a run into one HTML document (one section per
customer, each starting on a new page and numbering its own pages), lays it out once and writes
one print-ready PDF; each customer's letter is then cut from the same laid-out pages, to be
kept with its journal entry. Laying out is what costs: one pass over N letters shares the
stylesheet, the fonts and WeasyPrint's start-up work that ``render_one`` pays per letter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from markupsafe import Markup

from relance.channels import qr
from relance.channels.letter import layout
from relance.content.context import template_context
from relance.content.models import Template
from relance.content.reminder import Reminder
from relance.content.rendering import RenderedParts, html_invoice_table, render_parts


@dataclass(frozen=True)
class LetterItem:
    """One letter to print: the reminder and its letter template, already rendered."""

    reminder: Reminder
    parts: RenderedParts

    @classmethod
    def of(cls, template: Template, reminder: Reminder) -> LetterItem:
        return cls(reminder, render_parts(template, reminder))


@dataclass(frozen=True)
class Letter:
    key: str  # the reminder's key
    first_page: int  # 0-based, in the batch PDF
    page_count: int
    pdf: bytes  # this letter alone


@dataclass(frozen=True)
class LetterBatch:
    pdf: bytes  # every letter, in order, ready to print
    letters: tuple[Letter, ...]

    @property
    def page_count(self) -> int:
        return sum(letter.page_count for letter in self.letters)


def render_batch(items: Sequence[LetterItem]) -> LetterBatch:
    """All ``items`` in one layout pass: one PDF for the printer and one per letter."""
    if not items:
        return LetterBatch(b"", ())
    document = layout.render(letters_html(items))
    return LetterBatch(bytes(document.write_pdf()), split_letters(document, items))


def split_letters(document: Any, items: Sequence[LetterItem]) -> tuple[Letter, ...]:
    """Each letter's pages of the laid-out batch, written as a PDF of its own (with only the
    glyphs it uses: a third of the size of cutting the batch PDF with pypdf, for about 25 ms
    a letter more; bench/render_letters.py --split measures both)."""
    starts = first_pages(document, len(items))
    ends = [*starts[1:], len(document.pages)]
    return tuple(
        Letter(
            key=item.reminder.key,
            first_page=start,
            page_count=end - start,
            pdf=bytes(document.copy(document.pages[start:end]).write_pdf()),
        )
        for item, start, end in zip(items, starts, ends, strict=True)
    )


def render_one(item: LetterItem) -> bytes:
    """One letter, laid out on its own: what the batch saves, and the preview's path."""
    return bytes(layout.render(letters_html([item])).write_pdf())


def letters_html(items: Sequence[LetterItem]) -> str:
    sections = [letter_section(item, index) for index, item in enumerate(items)]
    language = items[0].reminder.language if items else "fr"
    return layout.document_html(sections, _title(), language)


def letter_section(item: LetterItem, index: int) -> str:
    """One letter's HTML, written in its reminder's language."""
    reminder, parts = item.reminder, item.parts
    with translation.override(reminder.language):
        context = template_context(reminder)
        body = parts.body_html
        # A template whose body does not place the table still gets it, after the text.
        table = "" if 'class="invoices"' in body else Markup(html_invoice_table(context))
        transfer = qr.epc_transfer(reminder)
        pay = layout.payment_view(
            reminder,
            link=context["payment"]["link"],
            qr_uri=qr.epc_png_data_uri(transfer) if transfer else "",
            amount=context["total"]["grand"],
        )
        values: dict[str, Any] = {
            "page": layout.page_view(reminder, index),
            "subject": parts.subject,
            "reference": reminder.payment_reference,
            "body": body,
            "table": table,
            "legal_mention": parts.legal_mention,
            "pay": pay,
            "signature_html": parts.signature_html,
            "signatory": reminder.signatory,
        }
        return layout.environment().get_template("letter.html").render(values)


def first_pages(document: Any, count: int) -> list[int]:
    """The page each letter starts on: the one holding its section's anchor."""
    starts: dict[int, int] = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith("doc-"):
                starts.setdefault(int(anchor[4:]), number)
    missing = [index for index in range(count) if index not in starts]
    if missing:  # a layout bug, not a data problem: never print letters mixed up
        raise RuntimeError(f"letters {missing} have no first page in the batch")
    return [starts[index] for index in range(count)]


def _title() -> str:
    return _("Payment reminders")

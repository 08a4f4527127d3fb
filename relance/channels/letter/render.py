"""Postal reminder letters, rendered for a whole run at once.

``render_batch`` joins the letters of a run into one HTML document (one section per customer,
each starting on a new page and numbering its own pages "Page 1/2", "Page 2/2"), has WeasyPrint
lay it out in one pass, writes each customer's letter as a PDF of its own (kept with its journal
entry) and joins those into one print-ready PDF.

Where the time goes (bench/render_letters.py): WeasyPrint's layout is nearly all of it and
grows with the number of boxes on the page (each cell of the invoice table costs about as
much as a paragraph); what a batch saves over one document per letter is small, because
WeasyPrint's fixed cost per document is small once the stylesheet and fonts are shared. What
the batch does buy is one file for the printer and a bounded memory: the run is laid out in
chunks, since WeasyPrint keeps about 1.6 MB per laid-out page until the document is written.
"""

from __future__ import annotations

import io
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

CHUNK = 50  # letters laid out together: about 100 pages, 160 MB


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
    pdf: bytes  # every letter, in order, ready to print ("" when there is none)
    letters: tuple[Letter, ...]

    @property
    def page_count(self) -> int:
        return sum(letter.page_count for letter in self.letters)


def render_batch(items: Sequence[LetterItem], *, chunk: int = CHUNK) -> LetterBatch:
    """Every letter of ``items`` as its own PDF, and all of them in one PDF for the printer."""
    letters: list[Letter] = []
    for start in range(0, len(items), chunk):
        part = items[start : start + chunk]
        document = layout.render(letters_html(part))
        offset = letters[-1].first_page + letters[-1].page_count if letters else 0
        letters += split_letters(document, part, offset)
        del document  # its pages are what holds the memory
    return LetterBatch(join_pdfs([letter.pdf for letter in letters]), tuple(letters))


def render_one(item: LetterItem) -> bytes:
    """One letter laid out on its own, for a preview or a single reprint."""
    return bytes(layout.render(letters_html([item])).write_pdf())


def split_letters(document: Any, items: Sequence[LetterItem], offset: int = 0) -> list[Letter]:
    """Each letter's pages of a laid-out document, written as a PDF of its own. WeasyPrint
    writes only the glyphs those pages use: a letter is a third of the size of its pages cut
    out of the whole PDF with pypdf, which carry the fonts of every letter (pypdf is faster;
    bench/render_letters.py --split measures both)."""
    starts = first_pages(document, len(items))
    ends = [*starts[1:], len(document.pages)]
    return [
        Letter(
            key=item.reminder.key,
            first_page=offset + start,
            page_count=end - start,
            pdf=bytes(document.copy(document.pages[start:end]).write_pdf()),
        )
        for item, start, end in zip(items, starts, ends, strict=True)
    ]


def join_pdfs(pdfs: Sequence[bytes]) -> bytes:
    """The letters one after the other in one PDF (each keeps its own font subsets)."""
    if not pdfs:
        return b""
    if len(pdfs) == 1:
        return pdfs[0]
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(io.BytesIO(pdf)))
    writer.add_metadata({"/Title": _title(), "/Producer": "relance"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


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


def letters_html(items: Sequence[LetterItem]) -> str:
    sections = [letter_section(item, index) for index, item in enumerate(items)]
    language = items[0].reminder.language if items else "fr"
    return layout.document_html(sections, _title(), language)


def letter_section(item: LetterItem, index: int) -> layout.Section:
    """One letter's HTML, written in its reminder's language."""
    reminder, parts = item.reminder, item.parts
    with translation.override(reminder.language):
        context = template_context(reminder)
        body = parts.body_html
        # A template whose body does not place the table still gets it, after the text.
        table = "" if 'class="invoices"' in body else Markup(html_invoice_table(context))
        pay = layout.payment_view(
            reminder,
            link=context["payment"]["link"],
            qr_uri=qr.payment_qr_uri(reminder),
            amount=context["total"]["grand"],
        )
        page = layout.page_view(reminder, index)
        values: dict[str, Any] = {
            "page": page,
            "subject": parts.subject,
            "reference": reminder.payment_reference,
            "body": body,
            "table": table,
            "legal_mention": parts.legal_mention,
            "pay": pay,
            "signature_html": parts.signature_html,
            "signatory": reminder.signatory,
        }
        html = layout.environment().get_template("letter.html").render(values)
        return layout.Section(html, page["page_label"])


def _title() -> str:
    return _("Payment reminders")

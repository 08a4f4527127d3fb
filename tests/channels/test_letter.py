"""Postal letters: read back from the PDF with pypdf, as the printer and the customer get them."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from pypdf import PdfReader

from relance.channels.letter import layout
from relance.channels.letter.render import LetterItem, render_batch, render_one
from relance.content.models import Template
from relance.content.reminder import Address
from relance.content.services import shipped_templates
from tests.channels.reminders import (
    A4_POINTS,
    MM,
    invoice,
    pages_text,
    penalised,
    reminder,
    template,
    text,
)


def item(code: str = "C001", *, legal_mention: str = "", body: str | None = None, **changes):
    built = reminder(code, **changes)
    chosen = template(legal_mention=legal_mention, language=built.language)
    if body is not None:
        chosen.body = body
    return LetterItem.of(chosen, built)


def many_invoices(code: str, count: int):
    return [invoice(f"F-{code}-{n:02d}", 10 + n, "100.00") for n in range(count)]


def test_a_letter_is_an_a4_pdf_with_the_customer_its_invoices_and_the_total():
    pdf = render_one(item("C001"))

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4_POINTS, abs=0.01)
    content = text(pdf)
    for expected in ("Durand C001 SARL", "F-C001-1", "F-C001-2", "€1,200.50", "Page 1/1"):
        assert expected in content
    assert "Subject: Unpaid invoices (2)" in content
    assert "Sophie Martin" in content


def test_the_letterhead_and_footer_carry_the_company_and_its_legal_identifiers():
    content = text(render_one(item()))

    for expected in (
        "ACME Industrie",
        "12 rue de la Paix",
        "+33 1 23 45 67 89",
        "compta@acme.example",
        "SIREN 552100554",
        "VAT no. FR40552100554",
        "Paris, November 24, 2026",
    ):
        assert expected in content


def test_the_payment_details_give_the_iban_bic_reference_and_link_next_to_a_qr_code():
    pdf = render_one(item("C001"))

    content = text(pdf)
    assert "FR76 3000 6000 0112 3456 7890 189" in content
    assert "AGRIFRPP" in content
    assert "Reference to quote: C001" in content
    assert "https://pay.acme.example/?r=C001&a=1200.50" in content
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1


def test_a_letter_in_another_currency_has_no_qr_code():
    pdf = render_one(item(currency="USD"))

    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 0
    assert "$1,200.50" in text(pdf)


def test_the_legal_mention_is_printed_only_when_the_template_has_one():
    with_mention = text(render_one(item(legal_mention="This letter is a formal notice.")))
    without = text(render_one(item()))

    assert "This letter is a formal notice." in with_mention
    assert "formal notice" not in without


def test_penalties_add_interest_and_indemnity_to_each_invoice_and_to_the_totals():
    charged = [
        penalised("F1", 40, "1000.00", "9.99", "40.00"),
        penalised("F2", 70, "500.00", "11.65", "40.00"),
    ]
    content = text(render_one(item(invoices=charged, level=3, formal_notice=True)))

    assert "Interest" in content
    assert "Indemnity" in content
    for amount in ("€9.99", "€11.65", "€21.64", "€80.00", "€1,601.64"):
        assert amount in content


def test_without_penalties_there_are_no_penalty_columns():
    content = text(render_one(item()))

    assert "Interest" not in content
    assert "Indemnity" not in content


def test_a_body_that_does_not_place_the_table_still_gets_it_after_the_text():
    content = text(render_one(item(body="Please pay what you owe.")))

    assert "Please pay what you owe." in content
    assert content.index("Please pay what you owe.") < content.index("F-C001-1")


def test_the_recipient_block_lies_in_the_window_of_a_french_window_envelope():
    pdf = render_one(item(address=reminder().address))
    lines = recipient_positions(pdf, ("Durand C001 SARL", "4 avenue des Tilleuls", "69003 LYON"))

    # A DL envelope's window (100 x 45 mm, 20 mm from the right and 15 mm from the bottom)
    # over a sheet folded in three, wherever the sheet slides inside: 110-190 x 50-84 mm.
    for left, baseline in lines.values():
        assert left == pytest.approx(layout.RECIPIENT_LEFT_MM, abs=0.1)
        assert left >= 110 - 0.1
        assert left + layout.RECIPIENT_WIDTH_MM <= 190
        assert 50 + 2 <= baseline <= 84
    assert lines["Durand C001 SARL"][1] < lines["69003 LYON"][1]


def test_an_address_abroad_ends_with_the_country_in_capitals():
    address = Address("Martin SPRL", "Rue Haute 1", "", "1000", "Bruxelles", "BE")
    content = text(render_one(item(address=address, language="fr")))

    assert "1000 BRUXELLES\nBELGIQUE" in content


def test_letters_are_written_in_the_customers_language():
    french = text(render_one(item(language="fr")))
    english = text(render_one(item(language="en")))

    assert "Paris, le 24 novembre 2026" in french
    assert "1 200,50 €" in french
    assert "N° facture" in french
    assert "Paris, November 24, 2026" in english
    assert "Invoice no." in english


def test_the_batch_has_one_letter_per_customer_each_numbering_its_own_pages():
    items = [
        item("C001"),
        item("C002", invoices=many_invoices("C002", 45)),
        item("C003", language="fr"),
    ]

    batch = render_batch(items)

    assert [letter.key for letter in batch.letters] == ["action-C001", "action-C002", "action-C003"]
    counts = [letter.page_count for letter in batch.letters]
    assert counts[0] == counts[2] == 1
    assert counts[1] >= 2
    all_pages = pages_text(batch.pdf)
    assert len(all_pages) == sum(counts) == batch.page_count
    for letter, customer in zip(batch.letters, ("C001", "C002", "C003"), strict=True):
        own = pages_text(letter.pdf)
        assert own == all_pages[letter.first_page : letter.first_page + letter.page_count]
        assert f"Durand {customer} SARL" in own[0]
        for number, page in enumerate(own, start=1):
            assert f"Page {number}/{letter.page_count}" in page
            assert f"F-{customer}-" in "".join(own)
    assert "F-C001-" not in "".join(pages_text(batch.letters[1].pdf))


def test_a_long_batch_is_laid_out_in_chunks_and_still_numbers_its_pages_in_one_pdf():
    items = [item(f"C{n:03d}") for n in range(5)]

    batch = render_batch(items, chunk=2)

    assert [letter.first_page for letter in batch.letters] == [0, 1, 2, 3, 4]
    all_pages = pages_text(batch.pdf)
    assert len(all_pages) == 5
    for letter in batch.letters:
        assert pages_text(letter.pdf) == [all_pages[letter.first_page]]


def test_an_empty_run_prints_nothing():
    batch = render_batch([])

    assert batch.pdf == b""
    assert batch.letters == ()


def test_a_letter_in_a_batch_reads_like_the_same_letter_printed_alone():
    items = [item("C001"), item("C002", language="fr")]

    batch = render_batch(items)

    for one, letter in zip(items, batch.letters, strict=True):
        assert pages_text(render_one(one)) == pages_text(letter.pdf)


def test_the_page_label_cannot_break_out_of_its_css_rule():
    rules = layout.page_rules([layout.Section("", 'Pa"ge</style><script>')])

    assert "</style" not in rules
    assert '"Pa\\"ge\\3c /style>\\3c script> "' in rules


def test_every_shipped_letter_template_prints_on_one_or_two_pages():
    letters = [t for t in shipped_templates() if t.channel == "letter"]
    items = [LetterItem.of(chosen, shipped_case(n, chosen)) for n, chosen in enumerate(letters)]

    batch = render_batch(items)

    assert {t.language for t in letters} >= {"fr", "en"}
    for one, letter in zip(items, batch.letters, strict=True):
        assert 1 <= letter.page_count <= 2
        content = "".join(pages_text(letter.pdf))
        label = {"de": "Seite", "es": "Página", "it": "Pagina"}.get(one.reminder.language, "Page")
        assert f"{label} 1/{letter.page_count}" in content
        total = str(one.reminder.grand_total).replace(".", "")
        assert total in re.sub(r"\D", "", content)  # however the language writes it


def test_the_company_logo_heads_the_letter(tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 40), "navy").save(logo)
    sender = replace(reminder().sender, logo=logo)

    pdf = render_one(LetterItem.of(template(), reminder(sender=sender)))

    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 2  # the logo and the QR code


def recipient_positions(pdf: bytes, wanted: tuple[str, ...]) -> dict[str, tuple[float, float]]:
    """Where each wanted line starts, in millimetres from the sheet's left and top edges."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    height = float(page.mediabox.height)
    found: dict[str, tuple[float, float]] = {}

    def visit(text, cm, tm, font, size):  # type: ignore[no-untyped-def]
        line = text.strip()
        if line in wanted and line not in found:
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found[line] = (x / MM, (height - y) / MM)

    page.extract_text(visitor_text=visit)
    assert set(found) == set(wanted)
    return found


def shipped_case(number: int, chosen: Template):  # type: ignore[no-untyped-def]
    level = chosen.level or 1
    charged = [penalised("F1", 40, "1000.00", "9.99", "40.00")] if level >= 3 else None
    return reminder(
        f"C{number:03d}",
        language=chosen.language,
        level=level,
        formal_notice=level >= 3,
        invoices=charged,
    )

"""The PDFs attached to reminder e-mails: the formal notice and the account statement."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from relance.channels.documents import formal_notice_pdf, statement_pdf
from relance.content.rendering import render_parts
from tests.channels.reminders import (
    A4_POINTS,
    invoice,
    pages_text,
    penalised,
    reminder,
    template,
    text,
)

CHARGED = [
    penalised("F-100", 40, "1000.00", "9.99", "40.00"),
    penalised("F-200", 70, "500.00", "11.65", "40.00"),
]


def notice(legal_mention: str = "This letter is a formal notice to pay.", **changes):
    changes.setdefault("invoices", CHARGED)
    built = reminder(level=3, formal_notice=True, **changes)
    parts = render_parts(template(legal_mention=legal_mention, language=built.language), built)
    return built, parts


def test_the_formal_notice_is_an_a4_pdf_with_each_invoice_its_penalties_and_the_totals():
    built, parts = notice()

    pdf = formal_notice_pdf(built, parts)

    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4_POINTS, abs=0.01)
    content = text(pdf)
    assert "Formal notice to pay" in content
    assert "Durand C001 SARL" in content
    for expected in ("F-100", "F-200", "€9.99", "€11.65", "€21.64", "€80.00", "€1,601.64"):
        assert expected in content
    assert "Page 1/" in content


def test_the_formal_notice_states_the_legal_basis_and_the_deadline():
    built, parts = notice()

    content = " ".join(text(formal_notice_pdf(built, parts)).split())

    assert "article L441-10 of the French Commercial Code" in content
    assert "12.15%" in content
    assert "fixed recovery indemnity of €40.00" in content
    assert "within 8 days of this letter, that is by December 2, 2026" in content
    assert "This letter is a formal notice to pay." in content


def test_the_legal_mention_appears_only_when_the_template_has_one():
    built, parts = notice(legal_mention="")

    content = text(formal_notice_pdf(built, parts))

    assert "This letter is a formal notice to pay." not in content


def test_a_consumer_gets_the_civil_code_basis_and_no_recovery_indemnity():
    built, parts = notice(
        business=False, invoices=[penalised("F-100", 40, "1000.00", "9.99", None)]
    )

    content = " ".join(text(formal_notice_pdf(built, parts)).split())

    assert "article 1344 of the French Civil Code" in content
    assert "recovery indemnity" not in content
    assert "L441-10" not in content


def test_the_formal_notice_is_written_in_the_customers_language():
    built, parts = notice(language="fr", legal_mention="Ce courrier vaut mise en demeure.")

    content = text(formal_notice_pdf(built, parts))

    assert "Mise en demeure de payer" in content
    assert "1 601,64 €" in content
    assert "Paris, le 24 novembre 2026" in content
    assert "Ce courrier vaut mise en demeure." in content


def test_the_formal_notice_can_be_given_with_a_shorter_deadline():
    built, parts = notice()

    content = " ".join(text(formal_notice_pdf(built, parts, deadline_days=3)).split())

    assert "within 3 days of this letter, that is by November 27, 2026" in content


def test_the_statement_lists_only_the_invoices_given_with_their_total():
    built = reminder(
        invoices=[
            invoice("F-1", 12, "1000.00"),
            invoice("F-2", 40, "250.50", "200.50"),
            invoice("F-3", 5, "80.00"),
        ]
    )

    pdf = statement_pdf(built, [built.invoices[0], built.invoices[1]])

    pages = pages_text(pdf)
    assert len(pages) == 1
    content = pages[0]
    assert "ACCOUNT STATEMENT" in content
    assert "Durand C001 SARL (C001)" in content
    assert "F-1" in content
    assert "F-2" in content
    assert "F-3" not in content
    assert "€1,200.50" in content
    assert "Partially paid" in content
    assert "Page 1/1" in content
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 0  # no QR: not a demand


def test_the_statement_is_written_in_the_customers_language():
    built = reminder(language="fr")

    content = text(statement_pdf(built, built.invoices))

    assert "RELEVÉ DE COMPTE" in content
    assert "1 200,50 €" in content

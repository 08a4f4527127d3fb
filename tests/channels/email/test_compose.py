"""The reminder e-mail as a customer's mail server receives it: parsed back with ``email``."""

from __future__ import annotations

import email
import html
import io
from datetime import timedelta
from decimal import Decimal
from email import policy
from email.message import EmailMessage
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from pypdf import PdfReader
from weasyprint import HTML

from relance.content.models import Template
from relance.content.services import ensure_default_templates
from relance.dunning import scenario_file
from relance.ledger.models import Contact, Customer, Invoice
from relance.ledger.services.companies import ensure_company
from relance.runs.executing import approve
from relance.runs.models import Action, JournalEntry
from relance.runs.services import RunRequest, run_dunning
from tests.runs.conftest import AS_OF, customer, invoice

pytestmark = pytest.mark.django_db

SCENARIOS = """\
scenarios:
  - code: std
    levels:
      - {level: 1, from_days: 1, to_days: 14, channels: [email]}
      - {level: 2, from_days: 15, to_days: 29, channels: [email]}
      - {level: 3, from_days: 30, to_days: 365, channels: [email], review: true,
         formal_notice: true, late_interest: true, recovery_indemnity: true,
         sender: legal, signature: legal}
"""


@pytest.fixture
def company(db):
    company = ensure_company("acme", "ACME SAS", sender_email="recouvrement@acme.example")[0]
    scenario_file.load(company, scenario_file.parse(SCENARIOS, "s.yaml"))
    return company


class Tables(HTMLParser):
    """The rows of the HTML tables of a message, as lists of cell texts, and whether every
    cell carries inlined CSS."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.cells_without_style = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []
            if not dict(attrs).get("style"):
                self.cells_without_style += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def parse(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=policy.default)  # type: ignore[return-value]


def invoice_rows(message: EmailMessage) -> tuple[list[list[str]], Tables]:
    html = message.get_body(("html",))
    assert html is not None
    tables = Tables()
    tables.feed(html.get_content())
    return [row for row in tables.rows if row and row[0].startswith("F")], tables


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def ledger(company):
    company.iban = "FR7630006000011234567890189"
    company.bic = "AGRIFRPP"
    company.head_of_accounts = User.objects.create(
        username="hm", first_name="Hélène", last_name="Martin", email="hm@acme.example"
    )
    company.save()
    collector = User.objects.create(
        username="cr", first_name="Camille", last_name="Roux", email="cr@acme.example"
    )
    en = customer(company, "C0", language="en", collector=collector, kind="company")
    invoice(en, "F0-1", 5, "1234.50")
    invoice(en, "F0-2", 20, "200.00", open_amount="99.90")
    invoice(en, "F0-3", -10, "50.00")  # not yet due: not in any level window
    Contact.objects.create(customer=en, name="Jane Payable", email="ap@c0.example")
    fr = customer(company, "C1", language="fr", kind="company")
    invoice(fr, "F1-1", 20, "1234.50")
    late = customer(company, "C2", language="en", kind="company")
    invoice(late, "F2-1", 40, "1000.00")
    ensure_default_templates(company)
    return company


def received(smtp_server, address: str) -> EmailMessage:
    found = [raw for _from, to, raw in smtp_server.messages if address in to]
    assert len(found) == 1
    return parse(found[0])


def test_the_email_is_multipart_alternative_with_our_headers(ledger, smtp_server):
    run_dunning(ledger, RunRequest(AS_OF))
    message = received(smtp_server, "c0@example.com")
    assert message.get_content_type() == "multipart/mixed"
    alternative, *attachments = message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in alternative.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    assert [part.get_content_type() for part in attachments] == ["application/pdf"]
    assert message["To"] == "c0@example.com, ap@c0.example"
    # Level 2 is signed and sent by the account manager: the customer's collector.
    assert message["From"] == "Camille Roux – ACME SAS <recouvrement@acme.example>"
    assert message["Reply-To"] == "cr@acme.example"
    assert message["Content-Language"] == "en"
    entry = JournalEntry.objects.get(customer__code="C0")
    assert message["Message-ID"] == entry.message_id
    assert entry.message_id.endswith("@acme.example>")


def test_the_html_table_lists_the_invoices_and_total_of_the_ledger(ledger, smtp_server):
    run_dunning(ledger, RunRequest(AS_OF))
    message = received(smtp_server, "c0@example.com")
    rows, tables = invoice_rows(message)
    overdue = Invoice.objects.filter(customer__code="C0", due_date__lt=AS_OF)
    assert [row[0] for row in rows] == list(
        overdue.order_by("due_date").values_list("number", flat=True)
    )
    assert rows[1][:6] == [
        "F0-1",
        (AS_OF - timedelta(days=35)).strftime("%-m/%-d/%y"),
        (AS_OF - timedelta(days=5)).strftime("%-m/%-d/%y"),
        "€1,234.50",
        "€1,234.50",
        "5 days overdue",
    ]
    assert rows[0][3:6] == ["€200.00", "€99.90", "Partially paid, 20 days overdue"]
    total = next(row for row in tables.rows if row and row[0] == "Total left to pay")
    assert total[1] == "€1,334.40"
    assert tables.cells_without_style == 0  # the CSS is inlined on every cell


def test_the_text_part_carries_the_same_invoices_and_the_payment_details(ledger, smtp_server):
    run_dunning(ledger, RunRequest(AS_OF))
    text = received(smtp_server, "c0@example.com").get_body(("plain",)).get_content()
    assert "F0-1" in text
    assert "F0-2" in text
    assert "F0-3" not in text
    assert "Total left to pay: €1,334.40" in text
    assert "IBAN: FR7630006000011234567890189 – BIC: AGRIFRPP" in text
    assert "Reference to quote: C0" in text
    assert "Camille Roux" in text


def test_a_stored_invoice_pdf_is_attached_and_a_statement_stands_in_for_the_others(
    ledger, smtp_server
):
    stored = Invoice.objects.get(number="F0-1")
    stored.pdf.save("F0-1.pdf", ContentFile(HTML(string="<p>Invoice F0-1</p>").write_pdf()))
    run_dunning(ledger, RunRequest(AS_OF))
    message = received(smtp_server, "c0@example.com")
    files = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    assert set(files) == {"f0-1.pdf", "statement-c0.pdf"}
    assert files["f0-1.pdf"] == stored.pdf.read()
    statement = pdf_text(files["statement-c0.pdf"])
    assert "F0-2" in statement
    assert "F0-1" not in statement


def test_the_formal_notice_carries_the_legal_mention_and_its_letter(ledger, smtp_server):
    Action.objects.all().delete()
    run = run_dunning(ledger, RunRequest(AS_OF)).run
    approve(Action.objects.filter(run=run, customer__code="C2"))
    from relance.runs.executing import execute

    execute(run)
    notice = received(smtp_server, "c2@example.com")
    text = notice.get_body(("plain",)).get_content()
    assert "This message constitutes a formal notice to pay." in text
    html = notice.get_body(("html",)).get_content()
    assert "formal notice" in html.lower()
    files = {part.get_filename(): part.get_content() for part in notice.iter_attachments()}
    assert "formal-notice-c2.pdf" in files
    letter = pdf_text(files["formal-notice-c2.pdf"])
    assert "F2-1" in letter
    # No mention below the formal-notice level.
    reminder = received(smtp_server, "c0@example.com")
    assert "constitutes a formal notice" not in reminder.get_body(("plain",)).get_content()
    assert not any("formal" in (p.get_filename() or "") for p in reminder.iter_attachments())


def test_the_formal_notice_charges_interest_and_indemnity_to_businesses_only(ledger, smtp_server):
    consumer = customer(ledger, "P1", language="en", kind="person")
    invoice(consumer, "F9-1", 40, "1000.00")
    Template.objects.filter(company=ledger, channel="email", level=3).update(
        attach_formal_notice=False
    )
    run = run_dunning(ledger, RunRequest(AS_OF)).run
    approve(Action.objects.filter(run=run, level=3))
    from relance.runs.executing import execute

    execute(run)
    business_rows, _tables = invoice_rows(received(smtp_server, "c2@example.com"))
    consumer_rows, _tables = invoice_rows(received(smtp_server, "p1@example.com"))
    # 1,000.00 over 40 days at the table's rate; 40.00 indemnity, to the business only.
    assert business_rows[0][-1] == "€40.00"
    assert business_rows[0][-2].startswith("€")
    assert len(consumer_rows[0]) == 6


def test_the_email_speaks_the_customers_language(ledger, smtp_server):
    run_dunning(ledger, RunRequest(AS_OF))
    message = received(smtp_server, "c1@example.com")
    assert message["Content-Language"] == "fr"
    rows, tables = invoice_rows(message)
    header = next(row for row in tables.rows if row and row[0] == "N° facture")
    assert header[:6] == [
        "N° facture",
        "Date facture",
        "Date échéance",
        "Montant TTC",
        "Reste à payer",
        "Statut",
    ]
    # (The parser above folds Babel's no-break spaces into plain ones.)
    assert rows[0][3:6] == ["1 234,50 €", "1 234,50 €", "Échue depuis 20 jours"]
    assert "1\u202f234,50\u00a0€" in html.unescape(message.get_body(("html",)).get_content())
    text = message.get_body(("plain",)).get_content()
    assert "Bonjour" in text
    assert "Reste à payer" in text


def test_the_journal_keeps_the_message_as_sent(ledger, smtp_server):
    run_dunning(ledger, RunRequest(AS_OF))
    entry = JournalEntry.objects.get(customer__code="C0")
    kept = parse(entry.document.read())
    sent = received(smtp_server, "c0@example.com")
    assert kept["Message-ID"] == sent["Message-ID"]
    # SMTP carries CRLF line ends; the kept copy has the message's own.
    html = sent.get_body(("html",)).get_content().replace("\r\n", "\n")
    assert kept.get_body(("html",)).get_content() == html


def test_a_template_that_fails_fails_its_own_message_only(ledger, smtp_server):
    Template.objects.filter(company=ledger, channel="email", level=2, language="fr").update(
        body="{{ invoices[99].number }}"
    )
    result = run_dunning(ledger, RunRequest(AS_OF))
    assert result.outcome.failed == 1
    failed = Action.objects.get(state="failed")
    assert failed.customer.code == "C1"
    assert "list object has no element 99" in failed.error
    assert len(smtp_server.messages) == result.outcome.done


def test_a_customer_without_own_templates_gets_the_shipped_ones(company, smtp_server):
    company.sender_email = "recouvrement@acme.example"
    who = customer(company, "C9", language="en")
    invoice(who, "F9", 5, "10.00")
    assert not Template.objects.exists()
    result = run_dunning(company, RunRequest(AS_OF))
    assert result.outcome.done == 1
    assert Decimal("10.00") == Customer.objects.get(code="C9").invoices.get().open_amount

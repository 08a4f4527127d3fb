"""relance preview: exactly what would be sent, written to files, nothing sent or stored."""

import email
import io
from email import policy

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from relance.dunning.services import ensure_default_scenarios
from relance.runs.models import Action, JournalEntry
from tests.runs.conftest import AS_OF, customer, invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(company):
    company.address_line1, company.postal_code, company.city = "1 rue Neuve", "69002", "Lyon"
    company.iban = "FR7630006000011234567890189"
    company.save()
    ensure_default_scenarios(company)
    who = customer(
        company,
        "C1",
        language="fr",
        phone="+33612345678",
        address_line1="3 rue de la Paix",
        postal_code="75002",
        city="Paris",
    )
    invoice(who, "F1", 20, "1234.50")
    invoice(who, "F2", 40, "100.00")
    return company


def preview(tmp_path, *args: str) -> list[str]:
    out = io.StringIO()
    call_command(
        "preview",
        "--as-of",
        AS_OF.isoformat(),
        "--customer",
        "C1",
        "--out",
        str(tmp_path),
        *args,
        stdout=out,
    )
    return out.getvalue().split()


def test_the_email_preview_is_the_message_that_would_be_sent(ledger, tmp_path, mailoutbox):
    written = preview(tmp_path)
    assert [path.rsplit("/", 1)[1] for path in written] == ["c1-3-email.eml", "c1-3-email.html"]
    message = email.message_from_bytes(
        (tmp_path / "c1-3-email.eml").read_bytes(), policy=policy.default
    )
    assert message["To"] == "c1@example.com"
    text = message.get_body(("plain",)).get_content()
    assert "F1" in text
    assert "F2" in text
    assert "Ce message vaut mise en demeure" in text
    assert mailoutbox == []
    assert not Action.objects.exists()
    assert not JournalEntry.objects.exists()


def test_the_letter_preview_is_a_pdf(ledger, tmp_path):
    preview(tmp_path, "--channel", "letter", "--level", "3")
    reader = PdfReader(tmp_path / "c1-3-letter.pdf")
    text = reader.pages[0].extract_text()
    assert "F1" in text
    assert "75002 PARIS" in text  # the city in capitals, as La Poste asks


def test_the_sms_preview_says_its_encoding_and_segments(ledger, tmp_path):
    preview(tmp_path, "--channel", "sms", "--level", "2", "--language", "en")
    text = (tmp_path / "c1-2-sms.txt").read_text()
    header, body = text.split("\n", 1)
    assert header.startswith("# GSM-7, ")
    assert "segment" in header
    assert "F1" in body or "€" in body


def test_the_call_script_preview_is_text(ledger, tmp_path):
    preview(tmp_path, "--channel", "call", "--level", "1")
    assert "F1" in (tmp_path / "c1-1-call.txt").read_text()


def test_an_unknown_customer_is_a_clear_error(ledger, tmp_path):
    with pytest.raises(CommandError, match="no customer NOPE"):
        call_command("preview", "--customer", "NOPE", "--out", str(tmp_path))

import json

import pytest
from django.core.management import CommandError, call_command

from tests.runs.conftest import AS_OF, customer, invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(company):
    invoice(customer(company, "C1"), "F1", 5)
    invoice(customer(company, "C2"), "F2", 40)
    return company


def test_relance_run_prints_what_it_did(ledger, capsys):
    call_command("run", "--as-of", AS_OF.isoformat())
    out = capsys.readouterr().out
    assert "2 proposal(s)" in out
    assert "1 sent" in out
    assert "1 awaiting review" in out


def test_relance_run_refuses_to_go_back_in_time_without_force(ledger):
    call_command("run", "--as-of", AS_OF.isoformat())
    with pytest.raises(CommandError, match="--force"):
        call_command("run", "--as-of", "2026-11-01")
    call_command("run", "--as-of", "2026-11-01", "--force")


def test_relance_history_prints_a_customers_journal_as_json(ledger, capsys):
    call_command("run", "--as-of", AS_OF.isoformat())
    capsys.readouterr()
    call_command("history", "--customer", "C1", "--format", "json")
    entries = json.loads(capsys.readouterr().out)["entries"]
    assert [(e["customer"], e["level"], e["channel"], e["status"]) for e in entries] == [
        ("C1", 1, "email", "sent")
    ]
    assert entries[0]["invoices"] == ["F1"]
    assert entries[0]["user"] == "system"
    assert entries[0]["legal_basis"] == "contract"
    assert entries[0]["retain_until"] == "2029-11-24"


def test_relance_history_shows_a_table_and_rejects_an_unknown_customer(ledger, capsys):
    call_command("run", "--as-of", AS_OF.isoformat())
    call_command("history")
    assert "C1" in capsys.readouterr().out
    with pytest.raises(CommandError, match="C9"):
        call_command("history", "--customer", "C9")

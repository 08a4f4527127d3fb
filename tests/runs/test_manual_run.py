"""A manual run from the command line: create it for review, adjust it, launch it."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from relance.delivery.models import Message
from relance.dunning.scenario_file import load, parse
from relance.runs.models import Action, ActionState
from tests.runs.conftest import ADDRESS, AS_OF, customer, invoice

pytestmark = pytest.mark.django_db

SCENARIOS = """\
scenarios:
  - code: std
    levels:
      - {level: 1, from_days: 1, to_days: 14, channels: [email], fallback: letter}
      - {level: 2, from_days: 15, to_days: 400, channels: [email]}
"""


@pytest.fixture
def ledger(company):
    load(company, parse(SCENARIOS, "s.yaml"))
    invoice(customer(company, "A1"), "F1", 5)
    invoice(customer(company, "A2"), "F2", 6)
    invoice(customer(company, "NOMAIL", email="", **ADDRESS), "F3", 7)
    invoice(customer(company, "B1"), "F4", 20)
    customer(company, "PAID")
    return company


def review(*args: str) -> dict:
    out = []

    class Sink:
        def write(self, text: str) -> None:
            out.append(text)

    call_command("review", *args, "--format", "json", stdout=Sink())
    return json.loads("".join(out))


def test_a_manual_run_is_generated_adjusted_and_launched(ledger, mailoutbox):
    call_command("run", "--as-of", AS_OF.isoformat(), "--level", "1", "--review")
    run_id = Action.objects.values_list("run_id", flat=True).first()
    shown = review(str(run_id))
    assert {(a["customer"], a["channel"]) for a in shown["actions"]} == {
        ("A1", "email"),
        ("A2", "email"),
        ("NOMAIL", "letter"),
    }
    assert shown["unreachable"] == [
        {"customer": "NOMAIL", "level": 1, "missing": ["email"], "fallback": ["letter"]}
    ]
    shown = review(str(run_id), "--add", "B1")
    assert ("B1", 2, "proposed") in {
        (a["customer"], a["level"], a["state"]) for a in shown["actions"]
    }
    with pytest.raises(CommandError, match="PAID"):
        review(str(run_id), "--add", "PAID")
    with pytest.raises(CommandError, match="reason"):
        review(str(run_id), "--remove", "A2")
    review(str(run_id), "--remove", "A2", "--reason", "paid by phone")
    review(str(run_id), "--approve-all")
    call_command("send", "--run", str(run_id))
    assert sorted(m.to[0] for m in mailoutbox) == ["a1@example.com", "b1@example.com"]
    states = dict(Action.objects.values_list("customer__code", "state"))
    assert states == {
        "A1": ActionState.DONE,
        "A2": ActionState.REMOVED,
        "B1": ActionState.DONE,
        "NOMAIL": ActionState.QUEUED,  # the letter waits to be posted
    }
    assert Message.objects.get(customer__code="NOMAIL").state == "to_post"

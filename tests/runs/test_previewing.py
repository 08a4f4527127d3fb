"""Previewing a run's action shows exactly what the launch sends, and sends nothing; a manual
run's review may add customers after removing some."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from relance.delivery.decisions import cancel
from relance.delivery.models import Message
from relance.delivery.queueing import queue_run
from relance.dunning.scenario_file import load, parse
from relance.ledger.models import Customer
from relance.runs.executing import approve, execute, remove
from relance.runs.models import ActionState, JournalEntry
from relance.runs.previewing import preview_action
from relance.runs.reviewing import ReviewRefused, add_customers
from relance.runs.services import RunRequest, run_dunning
from tests.runs.conftest import ADDRESS, AS_OF, EVERY_CHANNEL, customer, invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(company):
    load(company, parse(EVERY_CHANNEL, "all.yaml"))
    who = customer(company, "C1", name="Carré SARL", phone="+33612345678", scenario_code="all")
    who.address_line1, who.postal_code, who.city = ADDRESS.values()
    who.save()
    invoice(who, "F-2026-001", 20, "150.00")
    # A landline: reachable by phone, not by SMS.
    invoice(customer(company, "C2", scenario_code="all", phone="+33145454545"), "F-2026-002", 20)
    return run_dunning(company, RunRequest(AS_OF, scenario="all", review=True)).run


def _action(run, code, channel):
    return (
        run.actions.select_related("customer__company", "customer__collector", "company")
        .prefetch_related("customer__contacts")
        .get(customer__code=code, channel=channel)
    )


def test_an_email_preview_is_the_message_the_launch_sends(run, mailoutbox):
    shown = preview_action(_action(run, "C1", "email"))
    assert shown.error == ""
    assert shown.recipients == ("c1@example.com",)
    assert "F-2026-001" in shown.html
    assert any(name.endswith(".pdf") for name in shown.attachments)
    assert (Message.objects.count(), JournalEntry.objects.count(), len(mailoutbox)) == (0, 0, 0)
    assert _action(run, "C1", "email").state == ActionState.PROPOSED

    approve(run.actions.filter(customer__code="C1", channel="email"))
    execute(run)
    sent = message_from_bytes(
        Message.objects.get(customer__code="C1", channel="email").content.read(),
        policy=policy.default,
    )
    assert str(sent["Subject"]).strip() == shown.subject
    html = sent.get_body(("html",))
    assert html is not None
    assert html.get_content() == shown.html
    assert [part.get_filename() for part in sent.iter_attachments()] == list(shown.attachments)


def test_an_sms_preview_gives_its_text_encoding_and_segments(run):
    shown = preview_action(_action(run, "C1", "sms"))
    assert shown.recipients == ("+33612345678",)
    assert shown.sms is not None
    assert shown.sms.segments >= 1
    approve(run.actions.filter(customer__code="C1", channel="sms"))
    execute(run)
    stored = Message.objects.get(customer__code="C1", channel="sms").content.read()
    assert stored.decode() == shown.text


def test_a_letter_preview_is_a_pdf_and_a_call_preview_its_script(run):
    letter = preview_action(_action(run, "C1", "letter"))
    assert letter.pdf.startswith(b"%PDF")
    call = preview_action(_action(run, "C1", "call"))
    assert "F-2026-001" in call.text


def test_a_preview_says_why_nothing_would_leave(run):
    # The address was deleted after the run was planned.
    Customer.objects.filter(company=run.company, code="C2").update(email="")
    shown = preview_action(_action(run, "C2", "email"))
    assert shown.error == "no e-mail address"
    assert preview_action(_action(run, "C2", "sms")).error == "no mobile phone number"


def test_customers_may_be_added_to_a_run_after_others_were_removed(company):
    invoice(customer(company, "R1"), "F1", 5)
    invoice(customer(company, "R2"), "F2", 20)
    run = run_dunning(company, RunRequest(AS_OF, level=1, review=True)).run
    remove(run.actions.filter(customer__code="R1"), "paid by phone")
    added = add_customers(run, ["R2"])
    assert [(a.customer.code, a.level) for a in added] == [("R2", 2)]


def test_a_run_whose_only_message_was_cancelled_after_launch_stays_launched(company):
    invoice(customer(company, "R1"), "F1", 5)
    invoice(customer(company, "R2"), "F2", 20)
    run = run_dunning(company, RunRequest(AS_OF, level=1, review=True)).run
    approve(run.actions.all())
    queue_run(run)
    cancel(Message.objects.get(customer__code="R1"), "sent by hand")
    assert set(run.actions.values_list("state", flat=True)) == {ActionState.REMOVED}
    with pytest.raises(ReviewRefused, match="launched"):
        add_customers(run, ["R2"])

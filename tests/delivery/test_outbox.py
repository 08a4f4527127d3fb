"""The outbox's promises: every reminder is a row first, leaves once, and what happened to it
is recorded — also when transports fail or a worker dies mid-send."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from relance.channels.transport import PermanentError, TransientError
from relance.delivery import decisions, services
from relance.delivery.models import Message, MessageState
from relance.delivery.queueing import queue_run
from relance.delivery.sending import claim, mark_interrupted
from relance.dunning.scenario_file import load, parse
from relance.ledger.models import Invoice
from relance.runs.creating import create_run
from relance.runs.models import Action, ActionState, JournalEntry, JournalStatus
from relance.runs.services import RunRequest
from relance.tasks.models import Task, TaskKind, TaskState
from tests.runs.conftest import ADDRESS, AS_OF, customer, invoice

pytestmark = pytest.mark.django_db

SCENARIOS = """\
scenarios:
  - code: std
    levels:
      - {level: 1, from_days: 1, to_days: 14, channels: [email], fallback: letter}
      - {level: 2, from_days: 15, to_days: 400, channels: [letter]}
"""


@pytest.fixture
def ledger(company):
    load(company, parse(SCENARIOS, "s.yaml"))
    for n in range(1, 6):
        invoice(customer(company, f"C{n}", **ADDRESS), f"F{n}", 5)
    return company


def queued_run(company):
    run = create_run(company, RunRequest(AS_OF))
    queue_run(run)
    return run


def die_while_sending(worker="dead"):
    """A worker claims a message, hands it to its transport, and dies."""
    message = claim("email", 1, worker=worker)[0]
    Message.objects.filter(pk=message.pk).update(state=MessageState.SENDING)
    return message


def levels(company):
    return dict(Invoice.objects.filter(company=company).values_list("number", "reached_level"))


def test_a_run_is_queued_as_one_pending_message_per_action_and_nothing_leaves_yet(
    ledger, transport
):
    run = queued_run(ledger)
    messages = Message.objects.filter(run=run)
    assert sorted(messages.values_list("state", flat=True)) == ["pending"] * 5
    assert set(Action.objects.filter(run=run).values_list("state", flat=True)) == {"queued"}
    assert transport.sent == []
    assert not JournalEntry.objects.exists()
    assert set(levels(ledger).values()) == {None}


def test_queueing_the_same_run_twice_queues_each_action_once(ledger, transport):
    run = queued_run(ledger)
    again = queue_run(run)
    assert again.messages == []
    assert Message.objects.filter(run=run).count() == 5


def test_delivering_sends_each_message_once_over_one_connection_and_records_it(ledger, transport):
    queued_run(ledger)
    outcome = services.deliver()
    assert (outcome.sent, outcome.failed, outcome.recorded) == (5, 0, 5)
    assert len(transport.sent_keys()) == len(set(transport.sent_keys())) == 5
    assert transport.opened == transport.closed == 1
    assert set(Message.objects.values_list("state", flat=True)) == {"sent"}
    assert set(levels(ledger).values()) == {1}
    entries = JournalEntry.objects.filter(status=JournalStatus.SENT)
    assert entries.count() == 5
    entry = entries.get(customer__code="C1")
    assert entry.document.name.endswith(".eml")
    assert entry.message_id == f"<{Message.objects.get(customer__code='C1').key}@provider>"
    assert services.deliver().sent == 0  # nothing left: nothing sent twice


def test_the_content_sent_is_the_stored_eml_with_its_recipients(ledger, transport):
    queued_run(ledger)
    services.deliver()
    sent = {message.recipients: message for message in transport.sent}
    first = sent[("c1@example.com",)]
    assert (
        first.content.startswith(b"Content-Type: multipart/mixed") or b"Subject:" in first.content
    )
    stored = Message.objects.get(customer__code="C1")
    with stored.content.open("rb") as handle:
        assert handle.read() == first.content


def test_a_transient_error_puts_the_message_back_with_a_later_attempt(ledger, transport, clock):
    queued_run(ledger)

    def busy(message):
        if message.recipients == ("c2@example.com",):
            raise TransientError("451 4.3.0 try again later")

    transport.before = busy
    outcome = services.deliver(clock=clock)
    assert (outcome.sent, outcome.retried) == (4, 1)
    waiting = Message.objects.get(customer__code="C2")
    assert (waiting.state, waiting.attempts) == ("pending", 1)
    assert "451" in waiting.last_error
    assert waiting.next_attempt_at > clock()
    assert services.deliver(clock=clock).handled == 0  # not due yet
    transport.before = None
    clock.advance(minutes=2)
    assert services.deliver(clock=clock).sent == 1
    assert Message.objects.get(customer__code="C2").state == "sent"
    assert transport.sent_keys().count(waiting.key) == 1


def test_a_message_failing_transiently_too_often_fails_for_good(ledger, transport, clock, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    queued_run(ledger)

    def down(message):
        raise TransientError("connection refused")

    transport.before = down
    services.deliver(clock=clock)
    clock.advance(hours=1)
    services.deliver(clock=clock)
    assert set(Message.objects.values_list("state", "attempts")) == {("failed", 2)}


def test_a_permanent_error_fails_at_once_takes_the_fallback_and_tells_the_collector(
    ledger, transport
):
    queued_run(ledger)

    def refused(message):
        if message.recipients == ("c3@example.com",):
            raise PermanentError("550 5.1.1 no such user")

    transport.before = refused
    outcome = services.deliver()
    assert (outcome.sent, outcome.failed) == (4, 1)
    failed = Message.objects.get(customer__code="C3")
    assert (failed.state, failed.attempts) == ("failed", 1)
    email = Action.objects.get(customer__code="C3", channel="email")
    assert email.state == ActionState.FAILED
    assert "550" in email.error
    assert JournalEntry.objects.get(action=email).status == JournalStatus.FAILED
    letter = Action.objects.get(customer__code="C3", channel="letter")
    assert letter.fallback_of == email
    task = Task.objects.get(kind=TaskKind.FAILED, customer__code="C3")
    assert "letter" in task.body
    assert task.state == TaskState.OPEN
    assert levels(ledger)["F3"] is None  # nothing reached C3 yet
    services.worker_pass()
    assert Message.objects.get(action=letter).state == MessageState.TO_POST


def test_a_customer_without_an_email_address_gets_the_levels_fallback_letter_to_post(
    company, transport
):
    load(company, parse(SCENARIOS, "s.yaml"))
    invoice(customer(company, "NOMAIL", email="", **ADDRESS), "F9", 5)
    run = create_run(company, RunRequest(AS_OF))
    queue_run(run)
    assert list(Action.objects.values_list("channel", "state")) == [("letter", "queued")]
    assert Message.objects.get().state == MessageState.TO_POST
    assert Task.objects.filter(kind=TaskKind.POST_LETTER, customer__code="NOMAIL").exists()


def test_two_claims_never_take_the_same_message(ledger, transport, settings):
    queued_run(ledger)
    first = claim("email", 3, worker="a")
    second = claim("email", 3, worker="b")
    assert len(first) == 3
    assert len(second) == 2
    assert not {m.pk for m in first} & {m.pk for m in second}
    assert claim("email", 3, worker="c") == []


def test_a_message_left_sending_by_a_dead_worker_becomes_uncertain_and_is_never_resent(
    ledger, transport, clock, settings
):
    settings.OUTBOX_LEASE_SECONDS = 60
    queued_run(ledger)
    claimed = [die_while_sending()]
    services.deliver(clock=clock)
    assert len(transport.sent) == 4
    clock.advance(minutes=5)
    assert mark_interrupted(clock()) == [claimed[0].pk]
    uncertain = Message.objects.get(pk=claimed[0].pk)
    assert uncertain.state == MessageState.UNCERTAIN
    services.worker_pass()
    assert claimed[0].key not in transport.sent_keys()
    assert Task.objects.get(kind=TaskKind.UNCERTAIN, message=uncertain).state == TaskState.OPEN
    assert uncertain.action.state == ActionState.QUEUED


def test_confirming_an_uncertain_message_records_it_as_sent(ledger, transport, clock, settings):
    settings.OUTBOX_LEASE_SECONDS = 0
    queued_run(ledger)
    claimed = die_while_sending()
    services.worker_pass()
    message = Message.objects.get(pk=claimed.pk)
    assert message.state == MessageState.UNCERTAIN
    decisions.confirm_sent(message)
    message.refresh_from_db()
    assert message.state == MessageState.SENT
    assert claimed.key not in transport.sent_keys()
    assert JournalEntry.objects.get(action=message.action).status == JournalStatus.SENT
    assert levels(ledger)[message.action.invoices[0]["number"]] == 1
    assert Task.objects.get(message=message).state == TaskState.DONE


def test_resending_an_uncertain_message_sends_it_once_more(ledger, transport, settings):
    settings.OUTBOX_LEASE_SECONDS = 0
    queued_run(ledger)
    claimed = die_while_sending()
    services.worker_pass()
    decisions.resend(Message.objects.get(pk=claimed.pk))
    services.worker_pass()
    assert transport.sent_keys().count(claimed.key) == 1
    assert Message.objects.get(pk=claimed.pk).state == MessageState.SENT


def test_a_worker_that_finishes_after_its_lease_still_records_the_message_as_sent(
    ledger, transport, settings
):
    settings.OUTBOX_LEASE_SECONDS = 0
    queued_run(ledger)
    slow = claim("email", 1, worker="slow")
    assert mark_interrupted() == []  # claimed, not handed over: nothing uncertain
    from django.utils import timezone

    from relance.delivery.sending import send_claimed

    send_claimed(slow, transport, timezone.now)
    assert Message.objects.get(pk=slow[0].pk).state == MessageState.SENT


def test_messages_a_dead_worker_claimed_but_never_handed_over_are_sent_by_another(
    ledger, transport, clock, settings
):
    settings.OUTBOX_LEASE_SECONDS = 60
    queued_run(ledger)
    claim("email", 3, worker="dead", now=clock())  # and it died before sending any
    assert services.deliver(clock=clock).sent == 2  # the unclaimed ones
    clock.advance(minutes=2)
    assert services.worker_pass().uncertain == 0
    assert services.deliver(clock=clock).sent == 3
    assert len(transport.sent_keys()) == len(set(transport.sent_keys())) == 5


def test_a_worker_asked_to_stop_releases_what_it_has_not_handed_over(ledger, transport):
    queued_run(ledger)
    outcome = services.deliver(stopping=lambda: len(transport.sent) >= 2)
    assert outcome.sent == 2
    assert Message.objects.filter(state=MessageState.PENDING, claim="").count() == 3
    assert services.deliver().sent == 3


def test_a_message_that_may_have_left_is_uncertain_and_never_retried(ledger, transport):
    from relance.channels.transport import UncertainError

    queued_run(ledger)

    def lost(message):
        if message.recipients == ("c1@example.com",):
            raise UncertainError("the connection broke after the message was handed over")

    transport.before = lost
    assert services.deliver().uncertain == 1
    message = Message.objects.get(customer__code="C1")
    assert message.state == MessageState.UNCERTAIN
    assert Task.objects.filter(kind=TaskKind.UNCERTAIN, message=message).exists()
    transport.before = None
    services.worker_pass()
    assert message.key not in transport.sent_keys()


def test_cancelling_a_pending_message_removes_its_action_and_nothing_leaves(ledger, transport):
    queued_run(ledger)
    message = Message.objects.get(customer__code="C4")
    with pytest.raises(ValidationError):
        decisions.cancel(message, " ")
    decisions.cancel(message, "paid by phone this morning")
    services.deliver()
    assert message.key not in transport.sent_keys()
    assert Action.objects.get(pk=message.action_id).state == ActionState.REMOVED
    assert JournalEntry.objects.get(action_id=message.action_id).status == JournalStatus.REMOVED


def test_a_letter_raises_the_level_only_once_marked_posted(company, transport):
    load(company, parse(SCENARIOS, "s.yaml"))
    invoice(customer(company, "L1", **ADDRESS), "F20", 20)
    run = queued_run(company)
    message = Message.objects.get(run=run)
    assert message.state == MessageState.TO_POST
    assert message.content.name.endswith(".pdf")
    assert run.print_batch.name.endswith(".pdf")
    assert JournalEntry.objects.get().status == JournalStatus.PRINTED
    assert levels(company)["F20"] is None
    with pytest.raises(ValidationError):
        decisions.confirm_sent(message)
    decisions.mark_posted(message, reference="1A 234 567 8901 2")
    message.refresh_from_db()
    assert message.state == MessageState.SENT
    assert message.reference == "1A 234 567 8901 2"
    posted = JournalEntry.objects.get(status=JournalStatus.POSTED)
    assert "1A 234 567 8901 2" in posted.detail
    assert levels(company)["F20"] == 2
    assert Task.objects.get(kind=TaskKind.POST_LETTER).state == TaskState.DONE
    assert transport.sent == []


def test_the_print_batch_opens_for_the_companys_users(company, transport, client):
    from django.contrib.auth.models import User
    from django.urls import reverse

    load(company, parse(SCENARIOS, "s.yaml"))
    invoice(customer(company, "L2", **ADDRESS), "F21", 20)
    run = queued_run(company)
    client.force_login(User.objects.create_superuser("boss"))
    response = client.get(reverse("delivery:print-batch", args=[run.pk]))
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(User.objects.create_user("stranger"))
    assert client.get(reverse("delivery:print-batch", args=[run.pk])).status_code == 404


def test_a_batch_that_breaks_fails_its_own_actions_and_the_next_batches_still_queue(
    ledger, transport, settings, monkeypatch
):
    from relance.delivery import queueing

    settings.OUTBOX_BATCH_SIZE = 2
    real = queueing.prepare
    calls = []

    def flaky(company, actions, templates):
        calls.append(len(actions))
        if len(calls) == 1:
            raise RuntimeError("the template cache is broken")
        return real(company, actions, templates)

    monkeypatch.setattr(queueing, "prepare", flaky)
    run = create_run(ledger, RunRequest(AS_OF))
    result = queue_run(run)
    assert calls == [2, 2, 1]
    assert result.failed == 2
    assert "RuntimeError" in result.errors[0]
    states = sorted(Action.objects.filter(run=run).values_list("state", flat=True))
    assert states == ["failed", "failed", "queued", "queued", "queued"]

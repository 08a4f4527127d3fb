"""Notes and customer answers: the service and ``relance note``."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from relance.content.context import SCHEMA, template_context
from relance.content.preview import PreviewRequest, preview_reminder
from relance.dunning.scenario_file import load, parse
from relance.ledger.services.companies import ensure_company
from relance.notes.models import Note, NoteKind
from relance.notes.services import add_note, recent_answers
from tests.runs.conftest import AS_OF, SCENARIOS, customer, invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def durand(db):
    company = ensure_company("acme", "ACME SAS")[0]
    load(company, parse(SCENARIOS, "s.yaml"))
    found = customer(company, "C1", name="Durand SARL")
    invoice(found, "F1", 20, "250.00")
    return found


def test_a_note_needs_text_and_an_answer_needs_a_known_channel(durand):
    with pytest.raises(ValidationError) as empty:
        add_note(durand, "   ")
    assert "text" in empty.value.message_dict
    with pytest.raises(ValidationError) as channel:
        add_note(durand, "Will pay Friday", answer=True, channel="pigeon")
    assert "channel" in channel.value.message_dict
    assert not Note.objects.exists()


def test_an_internal_note_keeps_no_channel_and_answers_are_listed_newest_first(durand):
    note = add_note(durand, "Called the accountant", channel="phone")
    assert (note.kind, note.channel) == (NoteKind.NOTE, "")
    first = add_note(durand, "Paying next week", answer=True, channel="email")
    second = add_note(durand, "Cheque posted", answer=True, channel="letter")
    assert list(recent_answers(durand.company)) == [second, first]


def test_internal_notes_never_reach_what_a_reminder_template_sees(durand):
    add_note(durand, "SECRET-NOTE do not show the customer")
    reminder = preview_reminder(durand.company, PreviewRequest("C1", AS_OF))
    context = template_context(reminder)
    assert "SECRET-NOTE" not in repr(context)
    assert not any("note" in name for name in SCHEMA)


def test_the_note_command_records_a_note_and_a_phone_answer(durand, django_user_model, capsys):
    django_user_model.objects.create_user("cole")
    call_command("note", "Asked for a copy of F1", customer="C1", user="cole")
    call_command("note", "Will pay on the 15th", customer="C1", answer=True, user="cole")
    out = capsys.readouterr().out
    assert "Note on C1 recorded" in out
    assert "Answer by Phone from C1 recorded" in out
    answer = Note.objects.get(kind=NoteKind.ANSWER)
    assert (answer.channel, answer.author.username) == ("phone", "cole")


def test_the_note_command_refuses_an_unknown_customer_or_a_channel_without_answer(
    durand, django_user_model
):
    django_user_model.objects.create_user("cole")
    with pytest.raises(CommandError, match="No customer C9"):
        call_command("note", "x", customer="C9", user="cole")
    with pytest.raises(CommandError, match="--channel"):
        call_command("note", "x", customer="C1", channel="email", user="cole")

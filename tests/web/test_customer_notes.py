"""Notes and customer answers from the customer's page, and the answers on the home screen."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relance.accounts.roles import COLLECTOR, VIEWER
from relance.notes.models import Note, NoteKind

pytestmark = pytest.mark.django_db


def write(client, code="A1", **data):
    url = reverse("web:customer-note", kwargs={"code": code})
    return client.post(url, data, follow=True, HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def collector(client, world):
    client.force_login(world.users[COLLECTOR])
    return client


def test_a_collector_adds_a_note_and_records_an_answer_seen_in_the_timeline(collector, world):
    write(collector, kind="note", text="Accountant on holiday until Monday")
    page = write(collector, kind="answer", channel="email", text="We pay FA1 on Friday")
    html = page.content.decode()
    assert 'data-kind="note"' in html
    assert "Accountant on holiday until Monday" in html
    assert 'data-kind="answer"' in html
    assert "We pay FA1 on Friday" in html
    answer = Note.objects.get(kind=NoteKind.ANSWER)
    assert (answer.channel, answer.author, answer.company) == (
        "email",
        world.users[COLLECTOR],
        world.a,
    )


def test_an_empty_note_is_refused_with_a_message(collector, world):
    page = write(collector, kind="note", text="  ")
    assert 'role="status"' in page.content.decode()
    assert not Note.objects.exists()


def test_the_home_screen_lists_recent_answers_but_not_internal_notes(collector, world):
    write(collector, kind="answer", channel="phone", text="Cheque in the post")
    write(collector, kind="note", text="INTERNAL-ONLY remark")
    home = collector.get(reverse("web:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Cheque in the post" in home
    assert "INTERNAL-ONLY" not in home


def test_viewers_may_not_write_and_other_companies_find_nothing(client, world):
    client.force_login(world.users[VIEWER])
    assert write(client, kind="note", text="x").status_code == 403
    page = client.get(reverse("web:customer", kwargs={"code": "A1"})).content.decode()
    assert reverse("web:customer-note", kwargs={"code": "A1"}) not in page
    client.force_login(world.users["outsider"])
    assert write(client, kind="note", text="x").status_code == 404
    assert not Note.objects.exists()


def test_a_collector_cannot_write_on_a_customer_held_by_someone_else(collector, world):
    world.a_customer.collector = world.users[VIEWER]
    world.a_customer.save()
    assert write(collector, kind="note", text="x").status_code == 404

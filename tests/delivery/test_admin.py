"""The outbox in the admin: a run's progress and messages, the exact content sent, decisions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from relance.delivery import services
from relance.delivery.models import Message, MessageState
from relance.runs.models import JournalEntry, Run
from relance.runs.services import RunRequest, run_dunning
from tests.delivery.conftest import AS_OF, customer, invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = User.objects.create_superuser("marie", "marie@example.com", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def run(company, mailoutbox):
    for n in range(3):
        invoice(customer(company, f"C{n}"), f"F{n}", 5)
    return run_dunning(company, RunRequest(AS_OF)).run


def test_the_run_page_shows_its_progress_and_each_message(staff, run):
    url = reverse("admin:runs_run_change", args=[run.pk])
    page = staff.get(url, headers={"accept-language": "en"}).content.decode()
    assert "3 done, 0 failed, 0 in the outbox" in page
    for message in Message.objects.filter(run=run):
        assert reverse("delivery:message-content", args=[message.pk]) in page


def test_the_exact_email_sent_opens_from_the_message_and_the_journal(staff, run):
    message = Message.objects.filter(run=run).first()
    response = staff.get(reverse("delivery:message-content", args=[message.pk]))
    assert response["Content-Type"].startswith("text/plain")
    body = b"".join(response.streaming_content)
    assert message.provider_id.encode() in body
    entry = JournalEntry.objects.get(action=message.action)
    journal = staff.get(reverse("delivery:journal-document", args=[entry.pk]))
    assert b"".join(journal.streaming_content) == body


def test_documents_are_for_the_users_of_their_company_only(client, run):
    message = Message.objects.filter(run=run).first()
    url = reverse("delivery:message-content", args=[message.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    client.force_login(User.objects.create_user("stranger"))  # belongs to no company
    assert client.get(url).status_code == 404


def test_a_person_resends_an_uncertain_message_from_the_admin(staff, company, settings):
    settings.OUTBOX_LEASE_SECONDS = 0
    invoice(customer(company, "U1"), "F9", 5)
    run = run_dunning(company, RunRequest(AS_OF, review=True)).run
    from relance.delivery.queueing import queue_run
    from relance.delivery.sending import claim
    from relance.runs.executing import approve

    approve(run.actions.all())
    queue_run(run)
    stuck = claim("email", 1, worker="dead")[0]
    Message.objects.filter(pk=stuck.pk).update(state=MessageState.SENDING)  # and it died
    services.worker_pass()
    assert Message.objects.get(pk=stuck.pk).state == MessageState.UNCERTAIN
    staff.post(
        reverse("admin:delivery_message_changelist"),
        {"action": "resend", "_selected_action": [stuck.pk]},
    )
    services.worker_pass()
    assert Message.objects.get(pk=stuck.pk).state == MessageState.SENT
    assert Run.objects.count() == 1

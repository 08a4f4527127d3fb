"""Providers' tracking webhooks update the outbox: Postmark's documented payloads posted to
anymail's webhook URL, as Postmark would, with the shared secret in the URL's basic auth."""

from __future__ import annotations

import base64
import json
import logging
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client

from relance.delivery import webhooks  # noqa: F401  (connects the receiver, as ready() will)
from relance.delivery.events import record_event
from relance.delivery.models import DeliveryEvent, Message, MessageState
from relance.tasks.models import Task, TaskKind, TaskState
from tests.runs.conftest import customer

pytestmark = pytest.mark.django_db

URL = "/webhooks/anymail/postmark/tracking/"
SECRET = "relance:9f8e7d6c5b4a"
POSTMARK_ID = "883953f4-6105-42a2-a16a-77a8eac79483"

# Postmark's documented examples (postmarkapp.com/developer/webhooks), with our message's id.
DELIVERY = {
    "RecordType": "Delivery",
    "ServerID": 23,
    "MessageStream": "outbound",
    "MessageID": POSTMARK_ID,
    "Recipient": "compta@durand.example",
    "Tag": "",
    "DeliveredAt": "2026-11-24T13:28:10.2735393-04:00",
    "Details": "Test delivery webhook details",
    "Metadata": {},
}
BOUNCE = {
    "RecordType": "Bounce",
    "ID": 4323372036854775807,
    "Type": "HardBounce",
    "TypeCode": 1,
    "Name": "Hard bounce",
    "Tag": "",
    "MessageID": POSTMARK_ID,
    "ServerID": 23,
    "MessageStream": "outbound",
    "Description": "The server was unable to deliver your message (ex: unknown user, mailbox "
    "not found).",
    "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
    "Email": "compta@durand.example",
    "From": "recouvrement@acme.example",
    "BouncedAt": "2026-11-24T14:00:00Z",
    "DumpAvailable": True,
    "Inactive": True,
    "CanActivate": True,
    "Subject": "Relance facture FA-1",
    "Metadata": {},
}
COMPLAINT = {
    **BOUNCE,
    "RecordType": "SpamComplaint",
    "Type": "SpamComplaint",
    "TypeCode": 512,
    "Name": "Spam complaint",
    "Description": "The subscriber explicitly marked this message as spam.",
    "Details": "Test spam complaint details",
}
OPEN = {
    "RecordType": "Open",
    "MessageStream": "outbound",
    "FirstOpen": True,
    "Client": {"Name": "Chrome 35.0.1916.153", "Company": "Google", "Family": "Chrome"},
    "OS": {"Name": "OS X 10.7 Lion", "Company": "Apple Computer, Inc.", "Family": "OS X 10"},
    "Platform": "WebMail",
    "UserAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_7_5)",
    "ReadSeconds": 5,
    "Geo": {},
    "MessageID": POSTMARK_ID,
    "Metadata": {},
    "ReceivedAt": "2026-11-24T15:00:00Z",
    "Tag": "",
    "Recipient": "compta@durand.example",
}


@pytest.fixture(autouse=True)
def _anymail(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}


@pytest.fixture
def collector(db):
    return User.objects.create(username="cr", first_name="Camille", last_name="Roux")


@pytest.fixture
def sent(company, collector) -> Message:
    who = customer(company, "C1", name="Durand SARL", collector=collector)
    return Message.objects.create(
        company=company,
        customer=who,
        key="run1:C1:EUR:2:email",
        channel="email",
        level=2,
        sender="recouvrement@acme.example",
        recipients=["compta@durand.example"],
        subject="Relance facture FA-1",
        content="outbox/2026/11/run1-C1.eml",
        state=MessageState.SENT,
        provider_id=POSTMARK_ID,
    )


def post(payload: dict, secret: str | None = SECRET):
    # Postmark calls from outside: no CSRF token, so the view must not need one.
    client = Client(enforce_csrf_checks=True)
    headers = {}
    if secret:
        headers["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(secret.encode()).decode()
    return client.post(URL, data=json.dumps(payload), content_type="application/json", **headers)


def test_a_delivery_is_recorded_on_the_message_without_bothering_anyone(sent):
    assert post(DELIVERY).status_code == 200
    sent.refresh_from_db()
    assert sent.event == DeliveryEvent.DELIVERED
    assert sent.event_at == datetime(2026, 11, 24, 17, 28, 10, 273539, tzinfo=UTC)
    assert "Test delivery webhook details" in sent.event_detail
    assert not Task.objects.exists()


def test_a_bounce_is_recorded_and_the_collector_gets_one_task_however_often_it_is_posted(
    sent, collector
):
    assert post(BOUNCE).status_code == 200
    assert post(BOUNCE).status_code == 200  # providers retry
    sent.refresh_from_db()
    assert sent.event == DeliveryEvent.BOUNCED
    assert sent.event_at == datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    assert "compta@durand.example" in sent.event_detail
    assert "550 5.1.1 The email account that you tried to reach does not exist" in (
        sent.event_detail
    )
    [task] = Task.objects.all()
    assert (task.kind, task.state, task.customer, task.assignee) == (
        TaskKind.BOUNCED,
        TaskState.OPEN,
        sent.customer,
        collector,
    )
    assert (task.message_id, task.action_id) == (sent.pk, None)
    # A provider's call carries no language: the task speaks the installation's (French).
    assert (
        task.title == "La relance e-mail de niveau 2 adressée à Durand SARL n'a pas été distribuée"
    )
    assert "Envoyée à compta@durand.example." in task.body
    assert "550 5.1.1" in task.body


def test_a_delivery_reported_after_a_bounce_does_not_hide_the_bounce(sent):
    post(BOUNCE)
    post(DELIVERY)
    sent.refresh_from_db()
    assert sent.event == DeliveryEvent.BOUNCED
    assert sent.event_at == datetime(2026, 11, 24, 14, 0, tzinfo=UTC)


def test_a_spam_complaint_after_the_delivery_is_recorded_with_a_task(sent):
    post(DELIVERY)
    post(COMPLAINT)
    sent.refresh_from_db()
    assert sent.event == DeliveryEvent.COMPLAINED
    [task] = Task.objects.all()
    assert task.title == "Durand SARL a signalé comme spam la relance e-mail de niveau 2"


def test_opens_say_nothing_about_delivery_and_are_not_recorded(sent):
    assert post(OPEN).status_code == 200
    sent.refresh_from_db()
    assert (sent.event, sent.event_at) == (DeliveryEvent.NONE, None)


def test_an_unknown_message_is_logged_and_answered_200_so_the_provider_stops(sent, caplog):
    with caplog.at_level(logging.WARNING, logger="relance.delivery.events"):
        response = post({**BOUNCE, "MessageID": "00000000-0000-0000-0000-000000000000"})
    assert response.status_code == 200
    assert "unknown provider message id '00000000-0000-0000-0000-000000000000'" in caplog.text
    sent.refresh_from_db()
    assert sent.event == DeliveryEvent.NONE
    assert not Task.objects.exists()


@pytest.mark.parametrize("secret", [None, "relance:wrong"])
def test_a_call_without_the_shared_secret_is_refused_and_changes_nothing(sent, secret):
    assert post(BOUNCE, secret=secret).status_code == 400
    sent.refresh_from_db()
    assert sent.event == DeliveryEvent.NONE
    assert not Task.objects.exists()


def test_a_provider_with_one_id_per_recipient_finds_the_message_by_any_of_them(sent):
    Message.objects.filter(pk=sent.pk).update(provider_id="1152920 1152921 1152922")
    at = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert record_event("1152921", "rejected", "blocked", at) == 1
    assert record_event("115292", "rejected", "blocked", at) == 0  # a prefix is not an id
    sent.refresh_from_db()
    assert (sent.event, sent.event_detail) == (DeliveryEvent.REJECTED, "blocked")
    assert Task.objects.get().title == (
        "The provider refused to deliver the level 2 e-mail to Durand SARL"
    )

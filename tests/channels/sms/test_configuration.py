"""SMS_URL and SMS_QUIET_HOURS: what they build, how a wrong value is reported (naming the
variable, never showing a credential), and the sender id rules."""

from __future__ import annotations

from datetime import time

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from relance.channels.sms.providers import (
    BrevoTransport,
    FileTransport,
    OvhTransport,
    TwilioTransport,
)
from relance.channels.sms.transport import (
    quiet_hours_from_environment,
    sms_transport,
    validate_sender_id,
)
from relance.channels.transport import Outgoing
from relance.engine.quiet_hours import QuietHours


def sms() -> Outgoing:
    return Outgoing("k1", "sms", "", ("+33612345678",), b"Hello")


def test_without_sms_url_messages_go_to_files_in_the_data_folder(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("SMS_URL", raising=False)
    settings.RELANCE_HOME = tmp_path
    transport = sms_transport()
    assert isinstance(transport, FileTransport)
    assert transport.folder == tmp_path / "outbox" / "sms"
    assert sms_transport(default_folder=tmp_path / "x").folder == tmp_path / "x"  # type: ignore[attr-defined]
    transport.send(sms())
    assert len(list((tmp_path / "outbox" / "sms").glob("*.txt"))) == 1


def test_sms_url_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("SMS_URL", "brevo://key@?sender=ACME&timeout=3")
    transport = sms_transport()
    assert isinstance(transport, BrevoTransport)
    assert (transport.api_key, transport.sender, transport.timeout) == ("key", "ACME", 3.0)
    assert transport.endpoint == "https://api.brevo.com"


def test_a_twilio_url_gives_a_twilio_transport_with_its_defaults():
    transport = sms_transport("twilio://AC1:tok%2Fen@?from=ACME")
    assert isinstance(transport, TwilioTransport)
    assert (transport.account_sid, transport.auth_token) == ("AC1", "tok/en")
    assert (transport.endpoint, transport.timeout) == ("https://api.twilio.com", 10.0)


# --- SMS_URL errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("sendgrid://key@", "unsupported scheme sendgrid://"),
        ("/var/sms", r"unsupported scheme \(none\)"),
        ("twilio://@?from=ACME", "the account SID is missing"),
        ("twilio://AC1@?from=ACME", "the auth token is missing"),
        ("twilio://AC1:tok@", r"the sender is missing; add \?from="),
        ("twilio://AC1:tok@?from=ACME%20SAS%20FRANCE", "1 to 11 letters"),
        ("twilio://AC1:tok@?from=0612345678", "cannot be all digits"),
        ("twilio://AC1:tok@?sender=ACME", r"unknown option sender for twilio:// \(it takes from="),
        ("brevo://?sender=ACME", "the API key is missing"),
        ("brevo://key@", r"add \?sender="),
        ("brevo://key@?sender=ACME&timeout=soon", "timeout='soon' is not a positive number"),
        ("brevo://key@?sender=ACME&timeout=0", "timeout='0' is not a positive number"),
        ("brevo://key@?sender=ACME&endpoint=localhost:8000", "is not an http:// or https://"),
        ("console://?to=ACME", "unknown option to for console://"),
        ("ovh://ak:as@sms-1?sender=ACME", "the consumer key is missing"),
        ("ovh://ak:as@?consumer_key=ck&sender=ACME", "the SMS service name is missing"),
        ("ovh://ak@sms-1?consumer_key=ck&sender=ACME", "the application secret is missing"),
    ],
)
def test_a_wrong_sms_url_stops_with_a_message_naming_the_variable(url, why):
    with pytest.raises(ImproperlyConfigured, match=why) as raised:
        sms_transport(url)
    assert str(raised.value).startswith("SMS_URL=")


def test_sms_url_errors_never_show_the_credentials():
    with pytest.raises(ImproperlyConfigured) as raised:
        sms_transport("twilio://AC77:very-secret@?from=A%C3%A9")
    message = str(raised.value)
    assert "very-secret" not in message
    assert "AC77" not in message
    assert "twilio://***@" in message
    with pytest.raises(ImproperlyConfigured) as raised:
        sms_transport("ovh://ak:as@sms-1?consumer_key=ck-secret&sender=ACME&timeout=x")
    assert "ck-secret" not in str(raised.value)
    assert "ovh://***@sms-1?consumer_key=***&sender=ACME&timeout=x" in str(raised.value)


def test_an_ovh_url_keeps_the_service_name_as_written():
    transport = sms_transport("ovh://ak:as@sms-AB12345-1?consumer_key=ck&sender=ACME")
    assert isinstance(transport, OvhTransport)
    assert (transport.service_name, transport.endpoint) == (
        "sms-AB12345-1",
        "https://eu.api.ovh.com",
    )


# --- sender ids -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sender", ["ACME", "Acme 2", "A", "ABCDEFGHIJK", "Mercier75", "+33612345678", "+447911123456"]
)
def test_these_sender_ids_are_accepted(sender):
    validate_sender_id(sender)


@pytest.mark.parametrize(
    ("sender", "why"),
    [
        ("", "1 to 11 letters"),
        ("   ", "1 to 11 letters"),
        ("ABCDEFGHIJKL", "1 to 11 letters"),
        ("Café", "1 to 11 letters"),
        ("ACME-SAS", "1 to 11 letters"),
        ("12345", "cannot be all digits"),
        ("06 12 34 56", "cannot be all digits"),
        ("+3361234", "not a valid phone number"),
        ("+33 6 12 34 56 78", r"E\.164 form, without spaces: \+33612345678"),
    ],
)
def test_these_sender_ids_are_refused_with_the_rule_they_break(sender, why):
    with pytest.raises(ValidationError, match=why):
        validate_sender_id(sender)


# --- SMS_QUIET_HOURS ------------------------------------------------------------------------


def test_quiet_hours_default_to_french_practice(monkeypatch):
    monkeypatch.delenv("SMS_QUIET_HOURS", raising=False)
    assert quiet_hours_from_environment() == QuietHours(time(20), time(8), True, "FR")


def test_quiet_hours_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("SMS_QUIET_HOURS", "21:30-07:45,holidays=be")
    assert quiet_hours_from_environment() == QuietHours(time(21, 30), time(7, 45), False, "BE")
    monkeypatch.setenv("SMS_QUIET_HOURS", "none")
    assert quiet_hours_from_environment().format() == "none"


def test_wrong_quiet_hours_stop_with_a_message_naming_the_variable(monkeypatch):
    monkeypatch.setenv("SMS_QUIET_HOURS", "20h-8h")
    with pytest.raises(ImproperlyConfigured, match=r"^SMS_QUIET_HOURS='20h-8h': .*'20h-8h'"):
        quiet_hours_from_environment()

"""SMS transports: the exact requests Twilio, Brevo and OVHcloud receive (a local HTTP server
checks them), how their answers map to transient and permanent errors, connection reuse, and
the file and console backends."""

from __future__ import annotations

import base64
import hashlib
import socket
from urllib.parse import parse_qs

import pytest

from relance.channels.sms.providers import (
    ConsoleTransport,
)
from relance.channels.sms.transport import (
    sms_transport,
)
from relance.channels.transport import Outgoing, PermanentError, TransientError, UncertainError
from tests.channels.sms.provider_server import ProviderServer

TEXT = "ACME: votre facture F-1042 de 1 250,00 EUR est échue depuis 12 jours."
NUMBER = "+33612345678"


def sms(text: str = TEXT, to: tuple[str, ...] = (NUMBER,), sender: str = "", key: str = "k1"):
    return Outgoing(key=key, channel="sms", sender=sender, recipients=to, content=text.encode())


def twilio(server: ProviderServer, **options: str):
    query = "&".join(f"{k}={v}" for k, v in {"from": "ACME", **options}.items())
    return sms_transport(f"twilio://AC123:s3cret@?{query}&endpoint={server.url}")


def brevo(server: ProviderServer, **options: str):
    query = "&".join(f"{k}={v}" for k, v in {"sender": "ACME", **options}.items())
    return sms_transport(f"brevo://xkeysib-42@?{query}&endpoint={server.url}")


def ovh(server: ProviderServer, **options: str):
    query = "&".join(f"{k}={v}" for k, v in {"sender": "ACME", **options}.items())
    return sms_transport(
        f"ovh://ak-1:as-2@sms-AB12345-1?consumer_key=ck-3&{query}&endpoint={server.url}"
    )


PROVIDERS = [
    pytest.param(twilio, id="twilio"),
    pytest.param(brevo, id="brevo"),
    pytest.param(ovh, id="ovh"),
]


def sender_of(request) -> str:
    if request.path.endswith("/Messages.json"):
        return parse_qs(request.body.decode())["From"][0]
    return request.json()["sender"]  # Brevo and OVHcloud alike


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- Twilio ---------------------------------------------------------------------------------


def test_twilio_receives_a_form_post_on_the_account_messages_with_basic_auth(provider):
    provider.answer(201, {"sid": "SMa1b2c3", "status": "queued"})
    transport = twilio(provider)
    transport.open()
    provider_id = transport.send(sms())
    transport.close()

    assert provider_id == "SMa1b2c3"
    (request,) = provider.requests
    assert request.method == "POST"
    assert request.path == "/2010-04-01/Accounts/AC123/Messages.json"
    assert request.headers["authorization"] == "Basic " + base64.b64encode(b"AC123:s3cret").decode(
        "ascii"
    )
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(request.body.decode(), strict_parsing=True) == {
        "To": [NUMBER],
        "From": ["ACME"],
        "Body": [TEXT],
    }


def test_twilio_can_send_from_a_phone_number(provider):
    transport = sms_transport(f"twilio://AC123:s3cret@?from=+33698765432&endpoint={provider.url}")
    transport.send(sms())
    assert parse_qs(provider.requests[0].body.decode())["From"] == ["+33698765432"]


# --- Brevo ----------------------------------------------------------------------------------


def test_brevo_receives_the_json_body_with_the_api_key_header(provider):
    provider.answer(201, {"messageId": 1511882900176220})
    transport = brevo(provider)
    transport.open()
    provider_id = transport.send(sms())
    transport.close()

    assert provider_id == "1511882900176220"
    (request,) = provider.requests
    assert request.method == "POST"
    assert request.path == "/v3/transactionalSMS/send"
    assert request.headers["api-key"] == "xkeysib-42"
    assert "authorization" not in request.headers
    assert request.headers["content-type"] == "application/json"
    assert request.json() == {
        "sender": "ACME",
        "recipient": NUMBER,
        "content": TEXT,
        "type": "transactional",
        "unicodeEnabled": False,
    }


def test_brevo_is_told_to_send_unicode_when_the_text_is_not_gsm7(provider):
    provider.answer(201, {"messageId": 7})
    brevo(provider).send(sms("Привет ✅"))
    assert provider.requests[0].json()["unicodeEnabled"] is True


# --- OVHcloud -------------------------------------------------------------------------------


def test_ovh_receives_a_signed_json_job_timed_by_its_own_clock(provider):
    provider.answer(200, {"ids": [98765], "validReceivers": [NUMBER], "invalidReceivers": []})
    transport = ovh(provider)
    transport.open()
    provider_id = transport.send(sms())
    transport.close()

    assert provider_id == "98765"
    clock, job = provider.requests
    assert (clock.method, clock.path) == ("GET", "/1.0/auth/time")
    assert (job.method, job.path) == ("POST", "/1.0/sms/sms-AB12345-1/jobs")
    assert job.headers["x-ovh-application"] == "ak-1"
    assert job.headers["x-ovh-consumer"] == "ck-3"
    assert job.headers["content-type"] == "application/json; charset=utf-8"
    timestamp = job.headers["x-ovh-timestamp"]
    assert abs(int(timestamp) - provider.clock) <= 1  # OVHcloud's clock, not ours
    signed = f"as-2+ck-3+POST+{provider.url}/1.0/sms/sms-AB12345-1/jobs+"
    signed += job.body.decode() + "+" + timestamp
    assert job.headers["x-ovh-signature"] == "$1$" + hashlib.sha1(signed.encode()).hexdigest()
    assert job.json() == {
        "message": TEXT,
        "receivers": [NUMBER],
        "sender": "ACME",
        "noStopClause": True,
        "priority": "high",
        "charset": "UTF-8",
    }


def test_ovh_reads_its_clock_once_per_batch(provider):
    transport = ovh(provider)
    transport.open()
    for n in range(3):
        transport.send(sms(key=f"k{n}"))
    transport.close()
    assert [request.method for request in provider.requests] == ["GET", "POST", "POST", "POST"]


def test_a_number_ovh_lists_as_invalid_fails_for_good(provider):
    provider.answer(200, {"ids": [], "validReceivers": [], "invalidReceivers": ["+3361"]})
    with pytest.raises(PermanentError, match=r"OVHcloud refused \+3361"):
        ovh(provider).send(sms(to=("+3361",)))


# --- every provider: errors and connections -------------------------------------------------


@pytest.mark.parametrize("make", PROVIDERS)
def test_an_invalid_number_fails_for_good_with_the_providers_words(provider, make):
    provider.answer(400, {"code": 21211, "message": "The 'To' number +3361 is not valid."})
    with pytest.raises(PermanentError, match=r"HTTP 400: .*'To' number \+3361 is not valid"):
        make(provider).send(sms(to=("+3361",)))


@pytest.mark.parametrize("make", PROVIDERS)
def test_bad_credentials_fail_for_good(provider, make):
    provider.answer(401, {"code": "unauthorized", "message": "Key not found"})
    with pytest.raises(PermanentError, match=r"HTTP 401: .*Key not found"):
        make(provider).send(sms())


@pytest.mark.parametrize("make", PROVIDERS)
@pytest.mark.parametrize("status", [429, 500, 503])
def test_throttling_and_server_errors_are_worth_retrying(provider, make, status):
    provider.answer(status, {"code": 20429, "message": "Too Many Requests"})
    with pytest.raises(TransientError, match=f"HTTP {status}: .*Too Many Requests"):
        make(provider).send(sms())


@pytest.mark.parametrize("make", PROVIDERS)
def test_an_error_page_that_is_not_json_is_reported_as_text(provider, make):
    provider.answer(502, b"<html><body>Bad   gateway</body></html>")
    with pytest.raises(TransientError, match="HTTP 502: <html><body>Bad gateway"):
        make(provider).send(sms())


@pytest.mark.parametrize(
    "scheme",
    [
        "twilio://AC1:tok@?from=ACME",
        "brevo://key@?sender=ACME",
        "ovh://ak:as@sms-1?consumer_key=ck&sender=ACME",
    ],
)
def test_a_provider_that_does_not_listen_is_worth_retrying(scheme):
    transport = sms_transport(f"{scheme}&endpoint=http://127.0.0.1:{free_port()}")
    with pytest.raises(TransientError, match="ConnectError"):
        transport.send(sms())


@pytest.mark.parametrize("make", PROVIDERS)
def test_a_provider_that_got_the_request_but_did_not_answer_in_time_leaves_it_uncertain(
    provider, make
):
    """The provider may well have sent it: retrying could send the SMS twice."""
    provider.answer(201, {"sid": "late", "messageId": 1}, delay=0.5)
    with pytest.raises(UncertainError, match="no answer came back"):
        make(provider, timeout="0.1").send(sms())


@pytest.mark.parametrize("make", PROVIDERS)
def test_a_batch_of_messages_shares_one_connection(provider, make):
    transport = make(provider)
    transport.open()
    for n in range(5):
        transport.send(sms(key=f"k{n}"))
    transport.close()
    assert len(provider.posts) == 5
    assert provider.connections == 1


@pytest.mark.parametrize("make", PROVIDERS)
def test_a_transport_can_be_opened_again_after_closing(provider, make):
    transport = make(provider)
    for _ in range(2):
        transport.open()
        transport.send(sms())
        transport.close()
    assert (len(provider.posts), provider.connections) == (2, 2)


@pytest.mark.parametrize("make", PROVIDERS)
def test_an_sms_to_several_numbers_is_refused_before_anything_is_sent(provider, make):
    with pytest.raises(PermanentError, match="exactly one number"):
        make(provider).send(sms(to=(NUMBER, "+33698765432")))
    assert provider.posts == []


@pytest.mark.parametrize("make", PROVIDERS)
def test_the_messages_own_sender_wins_over_the_configured_one(provider, make):
    transport = make(provider)
    transport.send(sms(sender="DURAND"))
    assert sender_of(provider.posts[0]) == "DURAND"
    with pytest.raises(PermanentError, match="cannot be all digits"):
        transport.send(sms(sender="12345"))
    assert len(provider.posts) == 1


@pytest.mark.parametrize("make", PROVIDERS)
def test_an_empty_text_is_refused_before_anything_is_sent(provider, make):
    with pytest.raises(PermanentError, match="empty"):
        make(provider).send(sms(text="  "))
    assert provider.posts == []


# --- local backends -------------------------------------------------------------------------


def test_the_file_backend_writes_one_text_file_per_sms(tmp_path):
    transport = sms_transport(f"file://{tmp_path}/sms?from=ACME")
    transport.open()
    names = [transport.send(sms(key=f"run-1-C00{n}", text=f"Message {n}")) for n in (1, 2)]
    transport.close()

    files = sorted((tmp_path / "sms").iterdir())
    assert sorted(path.name for path in files) == sorted(names)
    assert all(path.suffix == ".txt" for path in files)  # no .part left behind
    contents = {path.read_text(encoding="utf-8") for path in files}
    assert contents == {
        f"To: {NUMBER}\nFrom: ACME\nKey: run-1-C00{n}\n\nMessage {n}\n" for n in (1, 2)
    }


def test_the_file_backend_keeps_accents_and_emoji_in_utf8(tmp_path):
    transport = sms_transport(f"file://{tmp_path}")
    name = transport.send(sms(text="Échéance dépassée ✅"))
    assert (tmp_path / name).read_text(encoding="utf-8").endswith("\n\nÉchéance dépassée ✅\n")


def test_the_console_backend_prints_each_sms(capsys):
    transport = sms_transport("console://?from=ACME")
    assert isinstance(transport, ConsoleTransport)
    provider_id = transport.send(sms())
    assert provider_id.startswith("console-")
    assert capsys.readouterr().out.startswith(f"To: {NUMBER}\nFrom: ACME\nKey: k1\n\n{TEXT}\n")

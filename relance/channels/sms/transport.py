"""The SMS transport named by ``SMS_URL``, and the quiet hours named by ``SMS_QUIET_HOURS``.

Supported URLs (see docs/sms.md)::

    (unset)                                   .txt files in $RELANCE_HOME/outbox/sms
    file:///path/to/folder                    one .txt file per SMS in that folder
    console://                                print each SMS on standard output
    twilio://ACCOUNT_SID:AUTH_TOKEN@?from=ACME
    brevo://API_KEY@?sender=ACME
    ovh://APPLICATION_KEY:APPLICATION_SECRET@SERVICE_NAME?consumer_key=CK&sender=ACME

Twilio, Brevo and OVHcloud also take ``endpoint=`` (another base URL: a proxy, a test server) and
``timeout=`` (seconds, default 10). A URL that cannot work stops relance at once, naming
``SMS_URL``, rather than failing every message later.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError

from relance.channels.sms.providers import (
    BrevoTransport,
    ConsoleTransport,
    FileTransport,
    OvhTransport,
    TwilioTransport,
    brevo,
    ovh,
    twilio,
    validate_sender_id,
)
from relance.channels.sms.providers.base import sender_error
from relance.channels.transport import Transport
from relance.engine.quiet_hours import QuietHours

__all__ = [
    "DEFAULT_QUIET_HOURS",
    "quiet_hours_from_environment",
    "sms_transport",
    "validate_sender_id",
]

VARIABLE = "SMS_URL"
QUIET_VARIABLE = "SMS_QUIET_HOURS"
DEFAULT_QUIET_HOURS = "20:00-08:00,sundays,holidays=FR"
DEFAULT_TIMEOUT = 10.0
SECRET_OPTIONS = {"consumer_key"}


class _Url:
    """A parsed ``SMS_URL`` whose errors name the variable and never show the secrets."""

    def __init__(self, raw: str) -> None:
        self.parts = urlsplit(raw)
        self.scheme = self.parts.scheme.lower()
        self.shown = self._redacted()
        # A literal + stays a + (``from=+33612345678``); a space is written %20.
        query = parse_qs(self.parts.query.replace("+", "%2B"), keep_blank_values=True)
        self.options = {key: values[-1] for key, values in query.items()}

    def _redacted(self) -> str:
        parts = self.parts
        if "@" in parts.netloc:
            parts = parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1])
        query = "&".join(
            f"{name}=***" if name in SECRET_OPTIONS else f"{name}={value}"
            for name, _, value in (item.partition("=") for item in parts.query.split("&") if item)
        )
        return parts._replace(query=query).geturl()

    def error(self, why: str) -> ImproperlyConfigured:
        return ImproperlyConfigured(f"{VARIABLE}={self.shown!r}: {why}")

    def allow(self, *names: str) -> None:
        unknown = sorted(set(self.options) - set(names))
        if unknown:
            accepted = ", ".join(f"{name}=" for name in names) or "no options"
            raise self.error(
                f"unknown option {', '.join(unknown)} for {self.scheme}:// (it takes {accepted})"
            )

    def credential(self, value: str | None, what: str, example: str) -> str:
        credential = unquote(value or "")
        if not credential:
            raise self.error(f"the {what} is missing; write {example}")
        return credential

    def sender(self, option: str, *, required: bool) -> str:
        sender = self.options.get(option, "").strip()
        if not sender:
            if required:
                raise self.error(
                    f"the sender is missing; add ?{option}=YOURNAME (1 to 11 letters or digits) "
                    f"or ?{option}=+33612345678 (a phone number)"
                )
            return ""
        try:
            validate_sender_id(sender)
        except ValidationError as exc:
            raise self.error(sender_error(exc)) from exc
        return sender

    def endpoint(self, default: str) -> str:
        endpoint = self.options.get("endpoint") or default
        parts = urlsplit(endpoint)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise self.error(f"endpoint={endpoint!r} is not an http:// or https:// URL")
        return endpoint

    def timeout(self) -> float:
        raw = self.options.get("timeout", str(DEFAULT_TIMEOUT))
        try:
            timeout = float(raw)
        except ValueError:
            timeout = 0.0
        if not timeout > 0:
            raise self.error(f"timeout={raw!r} is not a positive number of seconds")
        return timeout


def sms_transport(url: str | None = None, default_folder: Path | None = None) -> Transport:
    """The transport ``url`` names (``$SMS_URL`` when None); files by default."""
    raw = (os.environ.get(VARIABLE, "") if url is None else url).strip()
    folder = default_folder or Path(settings.RELANCE_HOME) / "outbox" / "sms"
    if not raw:
        return FileTransport(folder)
    parsed = _Url(raw)
    build = _BUILDERS.get(parsed.scheme)
    if build is None:
        raise parsed.error(
            f"unsupported scheme {parsed.scheme + '://' if parsed.scheme else '(none)'}; "
            "use file://, console://, twilio://, brevo:// or ovh://"
        )
    return build(parsed, folder)


def _file(url: _Url, default_folder: Path) -> Transport:
    url.allow("from")
    where = unquote(url.parts.netloc + url.parts.path)
    return FileTransport(
        Path(where) if where else default_folder, url.sender("from", required=False)
    )


def _console(url: _Url, default_folder: Path) -> Transport:
    url.allow("from")
    return ConsoleTransport(url.sender("from", required=False))


def _twilio(url: _Url, default_folder: Path) -> Transport:
    url.allow("from", "endpoint", "timeout")
    example = "twilio://ACCOUNT_SID:AUTH_TOKEN@?from=ACME"
    return TwilioTransport(
        account_sid=url.credential(url.parts.username, "account SID", example),
        auth_token=url.credential(url.parts.password, "auth token", example),
        sender=url.sender("from", required=True),
        endpoint=url.endpoint(twilio.ENDPOINT),
        timeout=url.timeout(),
    )


def _brevo(url: _Url, default_folder: Path) -> Transport:
    url.allow("sender", "endpoint", "timeout")
    return BrevoTransport(
        api_key=url.credential(url.parts.username, "API key", "brevo://API_KEY@?sender=ACME"),
        sender=url.sender("sender", required=True),
        endpoint=url.endpoint(brevo.ENDPOINT),
        timeout=url.timeout(),
    )


def _ovh(url: _Url, default_folder: Path) -> Transport:
    url.allow("consumer_key", "sender", "endpoint", "timeout")
    example = "ovh://APPLICATION_KEY:APPLICATION_SECRET@SERVICE_NAME?consumer_key=CK&sender=ACME"
    # The service name (sms-ab12345-1) sits where a host would; keep it as written.
    service = url.parts.netloc.rsplit("@", 1)[-1] if "@" in url.parts.netloc else ""
    return OvhTransport(
        application_key=url.credential(url.parts.username, "application key", example),
        application_secret=url.credential(url.parts.password, "application secret", example),
        consumer_key=url.credential(url.options.get("consumer_key"), "consumer key", example),
        service_name=url.credential(service, "SMS service name", example),
        sender=url.sender("sender", required=True),
        endpoint=url.endpoint(ovh.ENDPOINT),
        timeout=url.timeout(),
    )


_BUILDERS: dict[str, Callable[[_Url, Path], Transport]] = {
    "file": _file,
    "console": _console,
    "twilio": _twilio,
    "brevo": _brevo,
    "ovh": _ovh,
}


def quiet_hours_from_environment() -> QuietHours:
    """The quiet hours ``SMS_QUIET_HOURS`` describes, French practice when unset."""
    raw = os.environ.get(QUIET_VARIABLE, "").strip() or DEFAULT_QUIET_HOURS
    try:
        return QuietHours.parse(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{QUIET_VARIABLE}={raw!r}: {exc}") from exc

"""What every SMS transport shares: sender ids, one recipient per message, and for the HTTP
providers one reused connection and the mapping of HTTP outcomes to transient or permanent
errors."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from relance.channels.transport import Outgoing, PermanentError, TransientError, UncertainError

logger = logging.getLogger(__name__)

ALPHANUMERIC_SENDER = re.compile(r"^[A-Za-z0-9 ]{1,11}$")

# Provider error bodies can be whole HTML pages (a proxy's 502): keep the message readable.
ERROR_TEXT_LIMIT = 300


def validate_sender_id(value: str) -> None:
    """An SMS sender is an alphanumeric id (1 to 11 letters, digits or spaces, not all digits:
    operators read an all-digit sender as a phone number) or a phone number in E.164 form."""
    if value.startswith("+"):
        try:
            number = phonenumbers.parse(value, None)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise ValidationError(
                _("%(value)s is not a valid phone number for an SMS sender (E.164: +33612345678)."),
                code="invalid_sender_number",
                params={"value": value},
            )
        if phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) != value:
            raise ValidationError(
                _("Write the sender number %(value)s in E.164 form, without spaces: %(e164)s."),
                code="sender_number_format",
                params={
                    "value": value,
                    "e164": phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
                },
            )
        return
    if not ALPHANUMERIC_SENDER.match(value) or not value.strip():
        raise ValidationError(
            _(
                "An SMS sender id is 1 to 11 letters (A-Z, no accents), digits or spaces, "
                "or a phone number such as +33612345678; %(value)r is not."
            ),
            code="invalid_sender",
            params={"value": value},
        )
    if value.replace(" ", "").isdigit():
        raise ValidationError(
            _(
                "An SMS sender id cannot be all digits (%(value)s): write a phone number "
                "with its country code, such as +33612345678, or include a letter."
            ),
            code="numeric_sender",
            params={"value": value},
        )


def sender_error(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def single_recipient(message: Outgoing) -> str:
    """The one number an SMS goes to.

    A message to several numbers would be several sends, and a failure after the first would
    make a retry resend it: the outbox queues one row per number instead.
    """
    if len(message.recipients) != 1:
        raise PermanentError(
            f"an SMS goes to exactly one number; message {message.key} has "
            f"{len(message.recipients)}"
        )
    return message.recipients[0]


def text_of(message: Outgoing) -> str:
    try:
        text = message.content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PermanentError(f"message {message.key}: the SMS text is not UTF-8: {exc}") from exc
    if not text.strip():
        raise PermanentError(f"message {message.key}: the SMS text is empty")
    return text


def sender_for(message: Outgoing, default: str) -> str:
    """The message's own sender when it has one, else the transport's configured one."""
    if not message.sender:
        return default
    try:
        validate_sender_id(message.sender)
    except ValidationError as exc:
        raise PermanentError(f"message {message.key}: {sender_error(exc)}") from exc
    return message.sender


class HttpProvider:
    """One ``httpx.Client`` opened by ``open()`` and reused by every ``send`` until
    ``close()``, so a batch of SMS costs one TCP and TLS handshake, not one per message."""

    name = "SMS provider"

    def __init__(self, endpoint: str, timeout: float) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.timeout = timeout
        self._client: httpx.Client | None = None

    def open(self) -> None:
        if self._client is None:
            self._client = httpx.Client(
                base_url=self.endpoint,
                timeout=self.timeout,
                headers={"Accept": "application/json", **self.headers()},
                auth=self.auth(),
            )

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> HttpProvider:
        self.open()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def headers(self) -> dict[str, str]:
        return {}

    def auth(self) -> httpx.Auth | None:
        return None

    def post(
        self,
        path: str,
        *,
        data: Mapping[str, str] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        describe_error: Callable[[Any], str] | None = None,
    ) -> Any:
        """POST and return the decoded JSON answer, or raise Transient/PermanentError."""
        if self._client is None:
            self.open()  # a caller that forgot open() still gets one connection per batch
        assert self._client is not None
        try:
            response = self._client.post(
                path, data=data, json=json, content=content, headers=headers
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            # Nothing reached the provider: trying again later is safe.
            raise TransientError(f"{self.name}: {type(exc).__name__}: {exc}") from exc
        except (httpx.ReadTimeout, httpx.RemoteProtocolError, httpx.ReadError) as exc:
            # The request went out and the answer never came: the provider may have sent it.
            raise UncertainError(
                f"{self.name}: the request was sent but no answer came back: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        except httpx.TimeoutException as exc:  # writing the request timed out
            raise TransientError(f"{self.name}: no answer within {self.timeout:g} s") from exc
        except httpx.TransportError as exc:
            raise TransientError(f"{self.name}: {type(exc).__name__}: {exc}") from exc
        if response.is_success:
            try:
                return response.json()
            except ValueError:
                # Accepted, so it may well go out: retrying could send it twice.
                logger.warning("%s accepted an SMS with a non-JSON answer", self.name)
                return {}
        detail = _error_text(response, describe_error)
        error = f"{self.name} HTTP {response.status_code}: {detail}"
        if response.status_code == 429 or response.status_code >= 500:
            raise TransientError(error)
        raise PermanentError(error)


def _error_text(response: httpx.Response, describe: Callable[[Any], str] | None) -> str:
    text = ""
    if describe is not None:
        try:
            text = describe(response.json())
        except (ValueError, TypeError, AttributeError, KeyError):
            text = ""
    if not text:
        text = " ".join(response.text.split()) or response.reason_phrase
    return text[:ERROR_TEXT_LIMIT]

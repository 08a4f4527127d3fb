"""Brevo's (formerly Sendinblue) transactional SMS API.

``POST {endpoint}/v3/transactionalSMS/send`` with the ``api-key`` header and a JSON body
``{"sender", "recipient", "content", "type": "transactional", "unicodeEnabled"}``; Brevo
answers ``{"messageId": 1511882900176220}``, errors as ``{"code": "invalid_parameter",
"message": "…"}`` (402 when the account has no SMS credits left).

Brevo deprecated the former ``/v3/transactionalSMS/sms`` route in favour of this one, with
the same request body. ``unicodeEnabled`` is set when the text does not fit the GSM 7-bit
alphabet, otherwise accented letters outside it would be replaced by the operator.
"""

from __future__ import annotations

from typing import Any

from relance.channels.sms.encoding import is_gsm7
from relance.channels.sms.providers.base import (
    HttpProvider,
    sender_for,
    single_recipient,
    text_of,
)
from relance.channels.transport import Outgoing

ENDPOINT = "https://api.brevo.com"
PATH = "/v3/transactionalSMS/send"


class BrevoTransport(HttpProvider):
    name = "Brevo"

    def __init__(
        self, api_key: str, sender: str, endpoint: str = ENDPOINT, timeout: float = 10.0
    ) -> None:
        super().__init__(endpoint, timeout)
        self.api_key = api_key
        self.sender = sender

    def headers(self) -> dict[str, str]:
        return {"api-key": self.api_key}

    def send(self, message: Outgoing) -> str:
        text = text_of(message)
        body = {
            "sender": sender_for(message, self.sender),
            "recipient": single_recipient(message),
            "content": text,
            "type": "transactional",
            "unicodeEnabled": not is_gsm7(text),
        }
        answer = self.post(PATH, json=body, describe_error=_describe)
        message_id = answer.get("messageId")
        return "" if message_id is None else str(message_id)


def _describe(body: Any) -> str:
    code, text = body.get("code"), body.get("message") or ""
    return f"{code}: {text}" if code else str(text)

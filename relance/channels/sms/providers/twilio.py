"""Twilio's Programmable Messaging API.

``POST {endpoint}/2010-04-01/Accounts/{AccountSid}/Messages.json``, form-encoded fields
``To``, ``From`` and ``Body``, HTTP basic auth with the account SID and auth token. Twilio
answers 201 with the Message resource, whose ``sid`` (``SM…``) identifies the message, and
errors as ``{"code": 21211, "message": "The 'To' number … is not a valid phone number.",
"more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}``; 429 (error 20429)
means too many requests.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from relance.channels.sms.providers.base import (
    HttpProvider,
    sender_for,
    single_recipient,
    text_of,
)
from relance.channels.transport import Outgoing

ENDPOINT = "https://api.twilio.com"


class TwilioTransport(HttpProvider):
    name = "Twilio"

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        sender: str,
        endpoint: str = ENDPOINT,
        timeout: float = 10.0,
    ) -> None:
        super().__init__(endpoint, timeout)
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.sender = sender

    def auth(self) -> httpx.Auth:
        return httpx.BasicAuth(self.account_sid, self.auth_token)

    def send(self, message: Outgoing) -> str:
        fields = {
            "To": single_recipient(message),
            "From": sender_for(message, self.sender),
            "Body": text_of(message),
        }
        path = f"/2010-04-01/Accounts/{quote(self.account_sid, safe='')}/Messages.json"
        answer = self.post(path, data=fields, describe_error=_describe)
        return str(answer.get("sid") or "")


def _describe(body: Any) -> str:
    code, text = body.get("code"), body.get("message") or ""
    return f"{code} {text}".strip() if code else str(text)

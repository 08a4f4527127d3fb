"""OVHcloud's SMS API (signed requests).

``POST {endpoint}/1.0/sms/{serviceName}/jobs`` with a JSON body ``{"message", "receivers":
[...], "sender", "noStopClause", "priority", "charset"}``; OVH answers ``{"ids": [...],
"validReceivers": [...], "invalidReceivers": [...], "totalCreditsRemoved"}`` and errors as
``{"message": "…"}``. Every request carries ``X-Ovh-Application`` (application key),
``X-Ovh-Consumer`` (consumer key), ``X-Ovh-Timestamp`` (the API's clock, read once from
``GET /1.0/auth/time``) and ``X-Ovh-Signature``: ``"$1$"`` + SHA-1 hex of
``secret+consumer_key+METHOD+full_url+body+timestamp``.

``noStopClause`` is set because reminders are not marketing: OVH would otherwise append a
STOP mention that a customer could use to stop receiving them.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any
from urllib.parse import quote

import httpx

from relance.channels.sms.providers.base import (
    HttpProvider,
    sender_for,
    single_recipient,
    text_of,
)
from relance.channels.transport import Outgoing, PermanentError, TransientError

ENDPOINT = "https://eu.api.ovh.com"


class OvhTransport(HttpProvider):
    name = "OVHcloud"

    def __init__(
        self,
        application_key: str,
        application_secret: str,
        consumer_key: str,
        service_name: str,
        sender: str,
        endpoint: str = ENDPOINT,
        timeout: float = 10.0,
    ) -> None:
        super().__init__(endpoint, timeout)
        self.application_key = application_key
        self.application_secret = application_secret
        self.consumer_key = consumer_key
        self.service_name = service_name
        self.sender = sender
        self._clock_offset: int | None = None

    def headers(self) -> dict[str, str]:
        return {"X-Ovh-Application": self.application_key}

    def close(self) -> None:
        super().close()
        self._clock_offset = None

    def send(self, message: Outgoing) -> str:
        body = json.dumps(
            {
                "message": text_of(message),
                "receivers": [single_recipient(message)],
                "sender": sender_for(message, self.sender),
                "noStopClause": True,
                "priority": "high",
                "charset": "UTF-8",
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        path = f"/1.0/sms/{quote(self.service_name, safe='')}/jobs"
        timestamp = str(int(time.time()) + self._offset())
        answer = self.post(
            path,
            content=body,
            headers=self._signed("POST", path, body, timestamp),
            describe_error=describe,
        )
        ids = answer.get("ids") or []
        if not ids:
            refused = ", ".join(answer.get("invalidReceivers") or []) or "the number"
            raise PermanentError(f"{self.name} refused {refused}: no SMS was created")
        return " ".join(str(job) for job in ids)

    def _signed(self, method: str, path: str, body: bytes, timestamp: str) -> dict[str, str]:
        signed = "+".join(
            [
                self.application_secret,
                self.consumer_key,
                method,
                self.endpoint + path,
                body.decode(),
                timestamp,
            ]
        )
        return {
            "Content-Type": "application/json; charset=utf-8",
            "X-Ovh-Consumer": self.consumer_key,
            "X-Ovh-Timestamp": timestamp,
            "X-Ovh-Signature": "$1$" + hashlib.sha1(signed.encode()).hexdigest(),
        }

    def _offset(self) -> int:
        """Seconds between OVH's clock and ours: OVH refuses signatures too far off."""
        if self._clock_offset is None:
            self.open()
            assert self._client is not None
            try:
                response = self._client.get("/1.0/auth/time")
                response.raise_for_status()
                self._clock_offset = int(response.text.strip()) - int(time.time())
            except (httpx.HTTPError, ValueError) as exc:
                raise TransientError(
                    f"{self.name}: cannot read the API clock: {type(exc).__name__}: {exc}"
                ) from exc
        return self._clock_offset


def describe(body: Any) -> str:
    return str(body.get("message") or "")

"""Providers' tracking webhooks (django-anymail) feed the outbox's delivery news.

Anymail checks the webhook's shared secret, parses each provider's payload into normalized
events and sends its ``tracking`` signal; the receiver below records each event on the message
it is about. Importing this module connects the receiver (``DeliveryConfig.ready`` does).
"""

from __future__ import annotations

from typing import Any

from anymail.signals import AnymailTrackingEvent, tracking
from django.dispatch import receiver
from django.utils import timezone

from relance.delivery.events import record_event


@receiver(tracking, dispatch_uid="relance.delivery.webhooks.on_tracking")
def on_tracking(sender: Any, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any) -> None:
    # An unknown id only logs: the webhook still answers 200, or the provider retries forever.
    record_event(
        str(event.message_id or ""),
        str(event.event_type),
        _detail(event, esp_name),
        event.timestamp or timezone.now(),
    )


def _detail(event: AnymailTrackingEvent, esp_name: str) -> str:
    """What a person needs to act: who, why, and the receiving server's own words."""
    parts = [
        esp_name,
        event.recipient,
        event.reject_reason and f"({event.reject_reason})",
        event.description,
        event.mta_response,
    ]
    return " – ".join(str(part) for part in parts if part)

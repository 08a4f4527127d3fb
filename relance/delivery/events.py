"""What the provider says after it accepted a message: delivered, bounced, marked as spam…

Providers repeat themselves and do not keep order, so recording is idempotent and one-way:
bad news (bounced, complained, rejected) replaces anything, "delivered" only replaces no news.
Bad news also puts a task in the collector's to-do list, once per message.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from relance.delivery.labels import channel_noun
from relance.delivery.models import DeliveryEvent, Message
from relance.tasks.models import TaskKind
from relance.tasks.services import open_task

log = logging.getLogger(__name__)

# Anymail's normalized event types (also plain words for other providers' webhooks). Queued,
# sent, deferred, opened, clicked, unsubscribed… say nothing about whether the reminder
# arrived, so they are not recorded.
EVENTS = {
    "delivered": DeliveryEvent.DELIVERED,
    "bounced": DeliveryEvent.BOUNCED,
    "complained": DeliveryEvent.COMPLAINED,
    "rejected": DeliveryEvent.REJECTED,
    "failed": DeliveryEvent.REJECTED,  # the provider could not send it at all
}
BAD_NEWS = (DeliveryEvent.BOUNCED, DeliveryEvent.COMPLAINED, DeliveryEvent.REJECTED)


def record_event(provider_id: str, event: str, detail: str, at: datetime) -> int:
    """Record ``event`` on the messages the provider knows as ``provider_id``; return how
    many were updated (0 for an event that is not recorded or an id nobody sent)."""
    delivery = EVENTS.get(event)
    if delivery is None or not provider_id:
        return 0
    with transaction.atomic():
        messages = _messages(provider_id)
        if not messages:
            log.warning("%s event for unknown provider message id %r ignored", event, provider_id)
            return 0
        rows = Message.objects.filter(pk__in=[m.pk for m in messages])
        if delivery == DeliveryEvent.DELIVERED:
            # Conditional, so a bounce recorded meanwhile by another request still wins.
            rows = rows.exclude(event__in=BAD_NEWS)
        updated = rows.update(event=delivery, event_at=at, event_detail=detail)
        if delivery in BAD_NEWS:
            for message in messages:
                _open_task(message, delivery, detail)
    return updated


def _messages(provider_id: str) -> list[Message]:
    found = list(Message.objects.filter(provider_id=provider_id).select_related("customer"))
    if found:
        return found
    # A provider with one id per recipient (Mailjet) left them all, space-separated.
    candidates = Message.objects.filter(
        Q(provider_id__startswith=f"{provider_id} ")
        | Q(provider_id__endswith=f" {provider_id}")
        | Q(provider_id__contains=f" {provider_id} ")
    ).select_related("customer")
    return [m for m in candidates if provider_id in m.provider_id.split()]


def _open_task(message: Message, delivery: str, detail: str) -> None:
    titles = {
        DeliveryEvent.BOUNCED: _("The level %(level)s %(channel)s to %(customer)s bounced"),
        DeliveryEvent.COMPLAINED: _("%(customer)s marked the level %(level)s %(channel)s as spam"),
        DeliveryEvent.REJECTED: _(
            "The provider refused to deliver the level %(level)s %(channel)s to %(customer)s"
        ),
    }
    names = {
        "level": message.level,
        "channel": channel_noun(message.channel),
        "customer": message.customer.name,
    }
    body = _(
        "Sent to %(recipients)s. The provider said: %(detail)s\n"
        "Check the customer's address, then send the reminder another way if needed."
    ) % {
        "recipients": ", ".join(message.recipients) or "-",
        "detail": detail or "-",
    }
    open_task(
        message.customer,
        TaskKind.BOUNCED,
        titles[DeliveryEvent(delivery)] % names,
        body=body,
        message_id=message.pk,
        action_id=message.action_id,
    )

"""Reading the outbox: per state, run and customer, as the CLI, admin and screens show it."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from relance.delivery.models import Message
from relance.ledger.models import Company


def outbox(
    company: Company,
    *,
    state: str | None = None,
    run: int | None = None,
    customer: str | None = None,
    channel: str | None = None,
) -> QuerySet[Message]:
    messages = Message.objects.filter(company=company).select_related("customer", "run")
    if state:
        messages = messages.filter(state=state)
    if run:
        messages = messages.filter(run_id=run)
    if customer:
        messages = messages.filter(customer__code=customer)
    if channel:
        messages = messages.filter(channel=channel)
    return messages.order_by("-created_at", "-pk")


def counts_by_state(company: Company, run: int | None = None) -> dict[str, int]:
    messages = Message.objects.filter(company=company)
    if run:
        messages = messages.filter(run_id=run)
    return dict(
        messages.order_by().values_list("state").annotate(n=Count("pk")).values_list("state", "n")
    )


def as_json(message: Message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "run": message.run_id,
        "customer": message.customer.code,
        "channel": message.channel,
        "level": message.level,
        "currency": message.currency,
        "recipients": message.recipients,
        "subject": message.subject,
        "state": message.state,
        "attempts": message.attempts,
        "next_attempt_at": message.next_attempt_at.isoformat() if message.next_attempt_at else None,
        "last_error": message.last_error,
        "provider_id": message.provider_id,
        "sent_at": message.sent_at.isoformat() if message.sent_at else None,
        "delivery": message.event,
        "segments": message.segments,
        "content": message.content.name,
        "registered_mail": message.reference,
    }

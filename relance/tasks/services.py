"""Opening and closing tasks; the outbox and the runs open them, people close them."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from relance.ledger.models import Customer
from relance.tasks.models import Task, TaskState


def open_task(
    customer: Customer,
    kind: str,
    title: str,
    *,
    body: str = "",
    due_at: datetime | None = None,
    action_id: int | None = None,
    message_id: int | None = None,
) -> Task:
    """A task for the customer's collector, due now unless said otherwise. At most one open
    task per kind and message: a message failing twice does not pile up tasks."""
    if message_id is not None:
        existing = Task.objects.filter(
            message_id=message_id, kind=kind, state=TaskState.OPEN
        ).first()
        if existing is not None:
            return existing
    return Task.objects.create(
        company_id=customer.company_id,
        customer=customer,
        kind=kind,
        assignee_id=customer.collector_id,
        due_at=due_at or timezone.now(),
        action_id=action_id,
        message_id=message_id,
        title=title[:250],
        body=body,
    )

"""Opening and closing tasks; the outbox and the runs open them, people close them."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relance.ledger.models import Customer
from relance.tasks.models import Task, TaskKind, TaskState


def open_task(
    customer: Customer,
    kind: str,
    title: str,
    *,
    body: str = "",
    due_at: datetime | None = None,
    action_id: int | None = None,
    message_id: int | None = None,
    phones: list[dict[str, str]] | None = None,
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
        phones=phones or [],
        promised_amount=None,
    )


def close_task(task: Task, user: User | None, note: str = "") -> Task:
    """Mark a task done: a letter posted, an interrupted or failed message looked at. A call
    is closed by its outcome (``relance.tasks.outcomes``), which writes the journal."""
    if task.kind == TaskKind.CALL:
        raise ValidationError(_("A call is closed by recording its outcome."))
    with transaction.atomic():
        locked = Task.objects.select_for_update().get(pk=task.pk)
        if locked.state != TaskState.OPEN:
            raise ValidationError(
                _("This task is already closed (%(state)s).")
                % {"state": locked.get_state_display()}
            )
        locked.state = TaskState.DONE
        locked.done_at = timezone.now()
        locked.done_by = user if user is not None and user.is_authenticated else None
        locked.outcome_note = note
        locked.save(update_fields=["state", "done_at", "done_by", "outcome_note"])
    task.refresh_from_db()
    return task

"""What the outbox's final states mean for the dunning: journal entries, levels, fallbacks and
the collector's tasks. Run after each batch and by every worker pass, so a worker dying after
sending but before recording loses nothing: the next pass records it."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.delivery.fallback import fall_back
from relance.delivery.labels import channel_noun
from relance.delivery.models import Message, MessageState
from relance.delivery.statement_journal import journal_statements
from relance.runs.completing import Completion, complete
from relance.tasks.models import Task, TaskKind, TaskState
from relance.tasks.services import open_task

FINAL = (MessageState.SENT, MessageState.FAILED)


def record_finished(limit: int = 500) -> int:
    """Record up to ``limit`` sent or failed messages not yet in the journal."""
    with transaction.atomic():
        todo = Message.objects.filter(state__in=FINAL, recorded=False).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            todo = todo.select_for_update(skip_locked=True, of=("self",))
        messages = list(
            todo.select_related("action__company", "action__customer", "action__run", "customer")[
                :limit
            ]
        )
        if not messages:
            return 0
        record(messages)
    return len(messages)


def record(messages: list[Message], user: User | None = None) -> None:
    """Journal, levels and follow-ups of ``messages`` (sent or failed), marked recorded."""
    with_action = [m for m in messages if m.action is not None]
    complete(
        [m.action for m in with_action if m.action is not None],
        {m.action_id: _completion(m) for m in with_action if m.action_id is not None},
        user,
        at=timezone.now(),
    )
    failed = [m for m in with_action if m.state == MessageState.FAILED]
    for message in failed:
        assert message.action is not None
        message.action.error = message.last_error
    # A refused address is a reason to try another channel; the fallback says so in its task.
    fall_back([m.action for m in failed if m.action is not None], user)
    journal_statements([m for m in messages if m.action_id is None], user)
    Message.objects.filter(pk__in=[m.pk for m in messages]).update(recorded=True)
    # An interrupted message a worker finished after all needs no one's check any more.
    Task.objects.filter(
        message__in=[m for m in messages if m.state == MessageState.SENT],
        kind=TaskKind.UNCERTAIN,
        state=TaskState.OPEN,
    ).update(state=TaskState.DONE, done_at=timezone.now(), outcome_note=_("sent after all"))


def _completion(message: Message) -> Completion:
    status = "sent" if message.state == MessageState.SENT else "failed"
    return Completion(
        status,
        recipient=", ".join(message.recipients),
        detail=message.last_error if status == "failed" else "",
        document=message.content.name or "",
        message_id=message.provider_id,
    )


def open_uncertain_tasks(ids: list[int]) -> None:
    for message in Message.objects.filter(pk__in=ids).select_related("customer"):
        open_task(
            message.customer,
            TaskKind.UNCERTAIN,
            _("Check whether the level %(level)s %(channel)s reached %(customer)s")
            % {
                "level": message.level,
                "channel": channel_noun(message.channel),
                "customer": message.customer.name,
            },
            body=message.last_error,
            action_id=message.action_id,
            message_id=message.pk,
        )

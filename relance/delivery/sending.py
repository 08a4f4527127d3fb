"""Sending the outbox: claim, send, mark — each step committed before the next.

A worker claims a batch of due messages in one short transaction (its claim token on pending
rows; ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, SQLite's IMMEDIATE transactions
elsewhere). Then, message by message, it commits ``pending -> sending`` (only if its claim
still holds), hands the message to the transport, and commits the outcome as soon as the
transport answers. So a message is handed over at most once: a worker that dies leaves at most
the one message it was sending in ``sending``, which becomes ``uncertain`` once its lease has
expired, for a person to check — never sent again automatically; the rest of its batch is
still pending and is claimed again after the lease. Journal entries and levels are written
afterwards by ``record_finished``, from what the rows say, so a death there loses nothing.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.channels.transport import Outgoing, PermanentError, Transport, UncertainError
from relance.delivery import settings as outbox
from relance.delivery.models import Message, MessageState
from relance.delivery.recording import open_uncertain_tasks

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


@dataclass
class Sent:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    uncertain: int = 0
    recorded: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed

    def add(self, other: Sent) -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        self.uncertain += other.uncertain
        self.recorded += other.recorded
        self.errors += other.errors


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def claim(
    channel: str,
    limit: int,
    *,
    worker: str | None = None,
    now: datetime | None = None,
    ids: Iterable[int] | None = None,
) -> list[Message]:
    """Take up to ``limit`` due pending messages of ``channel`` for this worker alone."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    if channel == "sms":
        allowed = sms_allowed_from(now)
        if allowed > now:  # quiet hours: the due SMS wait, without using up an attempt
            Message.objects.filter(
                state=MessageState.PENDING, channel="sms", next_attempt_at__lte=now
            ).update(next_attempt_at=allowed)
            return []
    with transaction.atomic():
        # Claims of a worker that died before sending them expire with the lease.
        free = Q(claim="") | Q(claimed_at__lt=now - outbox.lease())
        due = Message.objects.filter(
            free, state=MessageState.PENDING, channel=channel, next_attempt_at__lte=now
        ).order_by("next_attempt_at", "pk")
        if ids is not None:
            due = due.filter(pk__in=list(ids))
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        chosen = list(due.values_list("pk", flat=True)[:limit])
        if not chosen:
            return []
        Message.objects.filter(pk__in=chosen, state=MessageState.PENDING).update(
            claim=token, claimed_by=worker or worker_name(), claimed_at=now
        )
    return list(Message.objects.filter(claim=token).order_by("pk"))


def send_claimed(
    messages: Sequence[Message],
    transport: Transport,
    clock: Clock,
    stopping: Callable[[], bool] = lambda: False,
) -> Sent:
    """Hand each claimed message to ``transport`` once and commit what happened to it.
    When ``stopping`` says so, the messages not yet handed over are released at once."""
    outcome = Sent()
    for index, message in enumerate(messages):
        if stopping():
            release(messages[index:])
            break
        # Taken only if the claim still holds: a person may have cancelled the message, or
        # another worker reclaimed it after this one stalled past its lease.
        taken = _execute(
            _TAKE,
            [
                MessageState.SENDING,
                _db_time(clock()),
                message.pk,
                message.claim,
                MessageState.PENDING,
            ],
        )
        if not taken:
            continue
        message.attempts += 1
        try:
            with message.content.open("rb") as stored:
                content = stored.read()
        except OSError as exc:  # nothing left: failing is safe
            _fail(message, _("the stored content is missing: %(error)s") % {"error": exc}, clock)
            outcome.failed += 1
            continue
        outgoing = Outgoing(
            key=message.key,
            channel=message.channel,
            sender=message.sender,
            recipients=tuple(message.recipients),
            content=content,
        )
        try:
            provider_id = transport.send(outgoing)
        except PermanentError as exc:
            _fail(message, str(exc), clock)
            outcome.failed += 1
            outcome.errors.append(f"{message.key}: {exc}")
        except UncertainError as exc:
            Message.objects.filter(pk=message.pk, claim=message.claim).update(
                state=MessageState.UNCERTAIN, last_error=str(exc)
            )
            open_uncertain_tasks([message.pk])
            outcome.uncertain += 1
            outcome.errors.append(f"{message.key}: {exc}")
        except Exception as exc:  # transient, or unknown: retry later, never twice at once
            error = f"{type(exc).__name__}: {exc}"
            if message.attempts >= outbox.max_attempts():
                _fail(message, error, clock)
                outcome.failed += 1
            else:
                _retry(message, error, clock)
                outcome.retried += 1
            outcome.errors.append(f"{message.key}: {error}")
        else:
            # Also from "uncertain": a slow worker whose lease expired still knows it sent.
            _execute(
                _SENT,
                [
                    MessageState.SENT,
                    _db_time(clock()),
                    provider_id or message.provider_id,
                    message.pk,
                    message.claim,
                    MessageState.SENDING,
                    MessageState.UNCERTAIN,
                ],
            )
            outcome.sent += 1
    return outcome


# The two writes made for every message, as plain SQL: through the ORM they cost a third of
# the time a message takes to send (bench/send.py).
_TABLE = Message._meta.db_table
_TAKE = (
    f"UPDATE {_TABLE} SET state = %s, claimed_at = %s, attempts = attempts + 1 "
    "WHERE id = %s AND claim = %s AND state = %s"
)
_SENT = (
    f"UPDATE {_TABLE} SET state = %s, sent_at = %s, provider_id = %s, last_error = '' "
    "WHERE id = %s AND claim = %s AND state IN (%s, %s)"
)


def _execute(sql: str, params: list[Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def _db_time(moment: datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(moment)


def release(messages: Sequence[Message]) -> None:
    """Give back claimed messages not handed over (a worker asked to stop)."""
    Message.objects.filter(
        pk__in=[m.pk for m in messages],
        claim__in={m.claim for m in messages},
        state=MessageState.PENDING,
    ).update(claim="", claimed_at=None)


def _fail(message: Message, error: str, clock: Clock) -> None:
    Message.objects.filter(pk=message.pk, claim=message.claim).update(
        state=MessageState.FAILED, last_error=error, next_attempt_at=None
    )


def _retry(message: Message, error: str, clock: Clock) -> None:
    later = clock() + outbox.backoff(message.attempts)
    if message.channel == "sms":
        later = sms_allowed_from(later)
    Message.objects.filter(pk=message.pk, claim=message.claim).update(
        state=MessageState.PENDING, last_error=error, next_attempt_at=later, claim=""
    )


def sms_allowed_from(moment: datetime) -> datetime:
    """The first moment from ``moment`` outside the SMS quiet hours (``SMS_QUIET_HOURS``)."""
    from relance.channels.sms.transport import quiet_hours_from_environment
    from relance.engine.quiet_hours import next_allowed

    return next_allowed(timezone.localtime(moment), quiet_hours_from_environment())


def mark_interrupted(now: datetime | None = None) -> list[int]:
    """Messages still ``sending`` after their lease: their worker died or hung mid-send.
    Whether they left is unknown, so they become ``uncertain`` and a person decides."""
    now = now or timezone.now()
    with transaction.atomic():
        stale = list(
            Message.objects.filter(
                state=MessageState.SENDING, claimed_at__lt=now - outbox.lease()
            ).values_list("pk", flat=True)
        )
        Message.objects.filter(pk__in=stale, state=MessageState.SENDING).update(
            state=MessageState.UNCERTAIN,
            last_error=_(
                "Sending was interrupted (the worker stopped). Check whether the customer "
                "received it, then confirm it as sent or send it again."
            ),
        )
        open_uncertain_tasks(stale)
    return stale

"""What a person decides about a message: it did leave, send it again, don't send it, the
letter is posted. The admin, the CLI and (later) the back-office call these."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.delivery.models import Message, MessageState
from relance.delivery.recording import record
from relance.runs.completing import Completion, complete
from relance.runs.models import ActionState, JournalStatus
from relance.tasks.models import Task, TaskState


def _require(message: Message, *states: str) -> None:
    if message.state not in states:
        raise ValidationError(
            _("This message is %(state)s; this is only possible when it is %(allowed)s.")
            % {
                "state": message.get_state_display(),
                "allowed": _(" or ").join(str(MessageState(s).label) for s in states),
            }
        )


def _close_tasks(message: Message, user: User | None, note: str) -> None:
    Task.objects.filter(message=message, state=TaskState.OPEN).update(
        state=TaskState.DONE, done_at=timezone.now(), done_by=_person(user), outcome_note=note
    )


def _person(user: User | None) -> User | None:
    return user if user is not None and user.is_authenticated else None


@transaction.atomic
def confirm_sent(message: Message, user: User | None = None) -> None:
    """An uncertain message did reach the customer (checked in the mail server's log, or the
    customer said so): record it as sent."""
    _require(message, MessageState.UNCERTAIN)
    message.state, message.sent_at = MessageState.SENT, message.sent_at or timezone.now()
    message.decided_by, message.last_error = _person(user), ""
    message.save(update_fields=["state", "sent_at", "decided_by", "last_error"])
    record([message], user)
    _close_tasks(message, user, _("confirmed as sent"))


@transaction.atomic
def resend(message: Message, user: User | None = None) -> None:
    """Send again a message that is uncertain or failed: back to pending, due now."""
    _require(message, MessageState.UNCERTAIN, MessageState.FAILED)
    if message.recorded and message.action is not None:
        # A failed message was journalled as failed; its action goes back to the outbox.
        message.action.state = ActionState.QUEUED
        message.action.save(update_fields=["state"])
    message.state, message.claim, message.last_error = MessageState.PENDING, "", ""
    message.next_attempt_at, message.recorded = timezone.now(), False
    message.decided_by = _person(user)
    message.save(
        update_fields=["state", "claim", "last_error", "next_attempt_at", "recorded", "decided_by"]
    )
    _close_tasks(message, user, _("sent again"))


@transaction.atomic
def cancel(message: Message, reason: str, user: User | None = None) -> None:
    """Don't send a message that has not left (pending) or may not have (uncertain)."""
    _require(message, MessageState.PENDING, MessageState.UNCERTAIN, MessageState.TO_POST)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the message is cancelled.")})
    message.state, message.last_error = MessageState.CANCELLED, reason
    message.decided_by, message.recorded = _person(user), True
    message.save(update_fields=["state", "last_error", "decided_by", "recorded"])
    if message.action is not None:
        action = message.action
        action.state, action.removed_reason = ActionState.REMOVED, reason[:200]
        action.decided_by, action.decided_at = _person(user), timezone.now()
        action.save(update_fields=["state", "removed_reason", "decided_by", "decided_at"])
        complete(
            [action],
            {action.pk: Completion(JournalStatus.REMOVED, detail=reason)},
            user,
        )
    _close_tasks(message, user, _("cancelled: %(reason)s") % {"reason": reason})


@transaction.atomic
def mark_posted(message: Message, user: User | None = None, reference: str = "") -> None:
    """The letter is in the post (``reference``: the registered-mail number, if any): the
    journal records it and the invoices reach the letter's level."""
    _require(message, MessageState.TO_POST)
    message.state, message.sent_at = MessageState.SENT, timezone.now()
    message.reference, message.decided_by = reference.strip()[:50], _person(user)
    message.recorded = True
    message.save(update_fields=["state", "sent_at", "reference", "decided_by", "recorded"])
    if message.action is not None:
        detail = (
            _("registered mail %(number)s") % {"number": message.reference}
            if message.reference
            else ""
        )
        complete(
            [message.action],
            {
                message.action.pk: Completion(
                    JournalStatus.POSTED,
                    recipient=", ".join(message.recipients),
                    detail=detail,
                    document=message.content.name or "",
                )
            },
            user,
        )
    _close_tasks(message, user, _("posted"))

"""Putting a run's approved actions in the outbox.

Each action is rendered once, here, and stored as exactly what will leave (the .eml, the SMS
text, the letter PDF). Workers then only send bytes. An action moves ``approved -> queued`` in
the same transaction that creates its message, after locking it, so two processes queueing the
same run never both queue an action, and the message's idempotency key (run, customer,
currency, level, channel) backs that up in the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.channels.email.prepare import prepare
from relance.channels.letter.render import LetterItem, render_batch
from relance.channels.sms.encoding import analyse
from relance.content.loading import reminders_for_actions
from relance.content.reminder import Reminder
from relance.content.rendering import MissingTemplate, TemplateSet, render_parts
from relance.content.sandbox import RenderError
from relance.delivery import settings as outbox
from relance.delivery.models import Message, MessageState
from relance.delivery.sending import sms_allowed_from
from relance.engine.penalties import MissingRate
from relance.ledger.validators import is_mobile
from relance.runs.completing import Completion, complete
from relance.runs.models import Action, ActionState, JournalStatus, Run
from relance.tasks.models import TaskKind
from relance.tasks.services import open_task

log = logging.getLogger(__name__)

SENT_BY_WORKERS = ("email", "sms")


@dataclass
class Queued:
    messages: list[int] = field(default_factory=list)  # ids of the new pending messages
    letters: int = 0
    calls: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class _Item:
    action: Action
    reminder: Reminder
    content: bytes = b""
    extension: str = ""
    recipients: tuple[str, ...] = ()
    sender: str = ""
    subject: str = ""
    segments: int | None = None
    provider_id: str = ""
    error: str = ""
    # The customer cannot be reached on this channel (no address): take the level's fallback.
    unreachable: bool = False


def key_of(action: Action) -> str:
    return (
        f"run{action.run_id}-c{action.customer_id}-{action.currency}-"
        f"l{action.level}-{action.channel}"
    )


def queue_run(run: Run, user: User | None = None, ids: Sequence[int] | None = None) -> Queued:
    """Queue the approved actions of ``run`` (or only ``ids``), in batches of the outbox size
    that succeed or fail on their own."""
    result = Queued()
    approved = Action.objects.filter(run=run, state=ActionState.APPROVED)
    if ids is not None:
        approved = approved.filter(pk__in=ids)
    company = run.company
    templates = TemplateSet(company.pk, company.default_language)
    size = outbox.batch_size()
    for channel in ("email", "sms", "letter", "call"):
        pending = list(
            approved.filter(channel=channel)
            .order_by("customer__code", "currency")
            .values_list("pk", flat=True)
        )
        # Letters go in one print batch per pass: that is what the printer gets.
        step = len(pending) if channel == "letter" else size
        for start in range(0, len(pending), max(step, 1)):
            batch = _load(pending[start : start + step])
            try:
                _QUEUERS[channel](run, batch, templates, user, result)
            except MissingRate as exc:  # the rate table lacks a half-year
                _fail(batch, str(exc), user, result)
            except Exception as exc:  # one batch's failure must not stop the others
                log.exception("queueing a batch of run %s failed", run.pk)
                _fail(_still_approved(batch), f"{type(exc).__name__}: {exc}", user, result)
    return result


def _still_approved(actions: list[Action]) -> list[Action]:
    """Those of ``actions`` a failed batch left approved (not queued by the time it failed)."""
    approved = set(
        Action.objects.filter(
            pk__in=[a.pk for a in actions], state=ActionState.APPROVED
        ).values_list("pk", flat=True)
    )
    return [action for action in actions if action.pk in approved]


def _load(ids: Sequence[int]) -> list[Action]:
    return list(
        Action.objects.filter(pk__in=ids)
        .select_related("customer__company", "customer__collector", "company", "run")
        .prefetch_related("customer__contacts")
        .order_by("customer__code", "currency")
    )


def _queue_emails(
    run: Run, actions: list[Action], templates: TemplateSet, user: User | None, result: Queued
) -> None:
    items = []
    for action, prepared in zip(actions, prepare(run.company, actions, templates), strict=True):
        item = _Item(action, prepared.reminder, error=prepared.error)
        message = prepared.message
        if message is not None:
            if not message.to:
                item.error, item.unreachable = _("no e-mail address"), True
            else:
                item.content, item.extension = message.message().as_bytes(), "eml"
                item.recipients = tuple(message.recipients())
                item.sender = message.from_email
                item.subject = str(message.subject)
                item.provider_id = message.extra_headers["Message-ID"]
        items.append(item)
    _store(run, items, MessageState.PENDING, user, result)


def _queue_sms(
    run: Run, actions: list[Action], templates: TemplateSet, user: User | None, result: Queued
) -> None:
    items = []
    for action, reminder in zip(actions, reminders_for_actions(run.company, actions), strict=True):
        item = _Item(action, reminder)
        mobiles = [number for number in reminder.phones if is_mobile(number)]
        if not mobiles:
            item.error, item.unreachable = _("no mobile phone number"), True
        else:
            try:
                template = templates.find("sms", reminder.level, reminder.language)
                text = render_parts(template, reminder).body_text
            except (MissingTemplate, RenderError) as exc:
                item.error = str(exc)
            else:
                item.content, item.extension = text.encode(), "txt"
                item.recipients = (mobiles[0],)
                item.segments = analyse(text).segments
        items.append(item)
    # SMS wait for the end of quiet hours instead of being dropped.
    _store(run, items, MessageState.PENDING, user, result, first_attempt=sms_allowed_from)


def _queue_letters(
    run: Run, actions: list[Action], templates: TemplateSet, user: User | None, result: Queued
) -> None:
    """Every letter of the pass in one print-ready PDF kept on the run, and each letter kept
    on its own as its message, "to post" until someone marks it posted."""
    items, letters = [], []
    for action, reminder in zip(actions, reminders_for_actions(run.company, actions), strict=True):
        item = _Item(action, reminder, recipients=(reminder.customer_name,))
        try:
            template = templates.find("letter", reminder.level, reminder.language)
            letters.append(LetterItem.of(template, reminder))
        except (MissingTemplate, RenderError) as exc:
            item.error = str(exc)
        items.append(item)
    try:
        batch = render_batch(letters)
    except Exception as exc:  # a layout failure fails the letters, not the run
        for item in items:
            item.error = item.error or f"{type(exc).__name__}: {exc}"
    else:
        rendered = iter(batch.letters)
        for item in items:
            if not item.error:
                item.content, item.extension = next(rendered).pdf, "pdf"
        if batch.letters:
            name = f"runs/{run.as_of:%Y/%m}/run-{run.pk}-letters.pdf"
            run.print_batch.name = default_storage.save(name, ContentFile(batch.pdf))
            run.save(update_fields=["print_batch"])
    _store(run, items, MessageState.TO_POST, user, result)


def _queue_calls(
    run: Run, actions: list[Action], templates: TemplateSet, user: User | None, result: Queued
) -> None:
    from relance.tasks.calls import create_call_tasks

    with transaction.atomic():
        locked = _lock_approved(actions)
        Action.objects.filter(pk__in=[a.pk for a in locked]).update(
            state=ActionState.QUEUED, claimed_at=timezone.now()
        )
        for action in locked:
            action.state = ActionState.QUEUED
        create_call_tasks(run, locked)
    result.calls += len(locked)


def _lock_approved(actions: list[Action]) -> list[Action]:
    """The actions still approved, locked until the transaction ends (PostgreSQL; SQLite's
    IMMEDIATE transaction already serialises writers)."""
    still = set(
        Action.objects.select_for_update()
        .filter(pk__in=[a.pk for a in actions], state=ActionState.APPROVED)
        .values_list("pk", flat=True)
    )
    return [action for action in actions if action.pk in still]


def _store(
    run: Run,
    items: list[_Item],
    state: str,
    user: User | None,
    result: Queued,
    first_attempt: Callable[[datetime], datetime] | None = None,
) -> None:
    now = timezone.now()
    due = first_attempt(now) if first_attempt else now
    stored = {
        item.action.pk: _save_content(run, item)
        for item in items
        if item.content and not item.error
    }
    with transaction.atomic():
        still = {a.pk for a in _lock_approved([item.action for item in items])}
        items = [item for item in items if item.action.pk in still]
        messages = [
            Message(
                company_id=run.company_id,
                run=run,
                action=item.action,
                customer_id=item.action.customer_id,
                key=key_of(item.action),
                channel=item.action.channel,
                level=item.action.level,
                currency=item.action.currency,
                sender=item.sender,
                recipients=list(item.recipients),
                subject=item.subject[:500],
                segments=item.segments,
                content=stored[item.action.pk],
                state=state,
                next_attempt_at=due,
                provider_id=item.provider_id,
            )
            for item in items
            if item.action.pk in stored
        ]
        Message.objects.bulk_create(messages)
        queued = [m.action for m in messages if m.action is not None]
        Action.objects.filter(pk__in=[a.pk for a in queued]).update(
            state=ActionState.QUEUED, claimed_at=now
        )
        for action in queued:
            action.state, action.claimed_at = ActionState.QUEUED, now
        if state == MessageState.TO_POST:
            _letters_printed(messages, user, result)
        else:
            # bulk_create returns the new ids on SQLite and PostgreSQL alike.
            result.messages.extend(message.pk for message in messages)
        failed = [item for item in items if item.action.pk not in stored]
        for item in failed:
            item.action.error = item.error or _("nothing was rendered")
        _fail([item.action for item in failed], "", user, result)
        from relance.delivery.fallback import fall_back

        created = fall_back([item.action for item in failed if item.unreachable], user)
        if created:
            transaction.on_commit(lambda: queue_run(run, user, created))


def _save_content(run: Run, item: _Item) -> str:
    name = f"outbox/{run.as_of:%Y/%m}/run-{run.pk}/{key_of(item.action)}.{item.extension}"
    return default_storage.save(name, ContentFile(item.content))


def _letters_printed(messages: list[Message], user: User | None, result: Queued) -> None:
    actions = [m.action for m in messages if m.action is not None]
    complete(
        actions,
        {
            m.action.pk: Completion(
                JournalStatus.PRINTED, recipient=m.recipients[0], document=m.content.name or ""
            )
            for m in messages
            if m.action is not None
        },
        user,
    )
    for message in Message.objects.filter(key__in=[m.key for m in messages]).select_related(
        "customer"
    ):
        open_task(
            message.customer,
            TaskKind.POST_LETTER,
            _("Post the level %(level)s letter to %(customer)s")
            % {"level": message.level, "customer": message.customer.name},
            action_id=message.action_id,
            message_id=message.pk,
        )
    result.letters += len(messages)


def _fail(actions: list[Action], error: str, user: User | None, result: Queued) -> None:
    if not actions:
        return
    for action in actions:
        action.error = action.error or error
        result.errors.append(f"{action.customer.code}: {action.error}")
    result.failed += len(actions)
    complete(
        actions,
        {a.pk: Completion(JournalStatus.FAILED, detail=a.error) for a in actions},
        user,
    )


_QUEUERS = {
    "email": _queue_emails,
    "sms": _queue_sms,
    "letter": _queue_letters,
    "call": _queue_calls,
}

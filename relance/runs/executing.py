"""Executing a run's approved actions, and the decisions a person takes on proposed ones.

Sending is exactly-once: a batch of actions is claimed (``claimed_at`` set and committed)
before any message leaves, and its results are written in one transaction after. An action
found claimed but not done was interrupted mid-send: it is reported, never sent again
automatically.

E-mails are sent one by one over one connection; letters are laid out in one batch PDF. Until
the delivery issue brings SMS and phone tasks, those actions stay approved, waiting.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth.models import User
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from relance.channels.email.prepare import prepare
from relance.channels.letter.render import LetterItem, render_batch
from relance.content.loading import reminders_for_actions
from relance.content.rendering import MissingTemplate, TemplateSet
from relance.content.sandbox import RenderError
from relance.engine.penalties import MissingRate
from relance.ledger.models import Company, Invoice
from relance.ledger.services.markers import refresh_markers
from relance.runs.documents import keep
from relance.runs.models import Action, ActionState, JournalEntry, JournalStatus, Run

BATCH_SIZE = 100
EXECUTABLE_CHANNELS = frozenset({"email", "letter"})


@dataclass
class Outcome:
    done: int = 0
    failed: int = 0
    waiting: int = 0
    errors: list[str] = field(default_factory=list)


def approve(actions: QuerySet[Action], user: User | None = None) -> int:
    return actions.filter(state=ActionState.PROPOSED).update(
        state=ActionState.APPROVED, decided_by=_user(user), decided_at=timezone.now()
    )


def remove(actions: QuerySet[Action], reason: str, user: User | None = None) -> int:
    return actions.filter(state__in=[ActionState.PROPOSED, ActionState.APPROVED]).update(
        state=ActionState.REMOVED,
        decided_by=_user(user),
        decided_at=timezone.now(),
        removed_reason=reason,
    )


def execute(run: Run, user: User | None = None) -> Outcome:
    """Send every approved, unclaimed action of ``run`` whose channel is available."""
    outcome = Outcome()
    pending = Action.objects.filter(run=run, state=ActionState.APPROVED, claimed_at=None)
    outcome.waiting = pending.exclude(channel__in=EXECUTABLE_CHANNELS).count()
    ids, letters = (
        list(
            pending.filter(channel=channel)
            .order_by("customer__code", "currency")
            .values_list("pk", flat=True)
        )
        for channel in ("email", "letter")
    )
    company = run.company
    templates = TemplateSet(company.pk, company.default_language)
    if ids:
        connection = get_connection()
        with contextlib.suppress(OSError):
            # On failure each send retries the connection and records the error on its action.
            connection.open()
        try:
            for start in range(0, len(ids), BATCH_SIZE):
                batch = ids[start : start + BATCH_SIZE]
                _execute_batch(run, batch, templates, connection, user, outcome)
        finally:
            connection.close()
    if letters:
        _execute_letters(run, letters, templates, user, outcome)
    return outcome


def _claim(ids: list[int]) -> list[Action]:
    with transaction.atomic():
        claimed = list(
            Action.objects.filter(
                pk__in=ids, state=ActionState.APPROVED, claimed_at=None
            ).values_list("pk", flat=True)
        )
        Action.objects.filter(pk__in=claimed).update(claimed_at=timezone.now())
    return list(
        Action.objects.filter(pk__in=claimed)
        .select_related("customer__company", "customer__collector")
        .prefetch_related("customer__contacts")
        .order_by("customer__code", "currency", "channel")
    )


def _execute_letters(
    run: Run, ids: list[int], templates: TemplateSet, user: User | None, outcome: Outcome
) -> None:
    """Every letter of the run in one print-ready PDF, and each letter kept on its own with
    its journal entry. The journal says "printed": posting is the collector's step."""
    actions = _claim(ids)
    items, rendered = [], []
    addresses = {action.pk: action.customer.name for action in actions}
    try:
        reminders = reminders_for_actions(run.company, actions)
    except MissingRate as exc:
        _fail_all(actions, str(exc))
        _record(run, actions, addresses, user, outcome, {})
        return
    for action, reminder in zip(actions, reminders, strict=True):
        try:
            template = templates.find("letter", reminder.level, reminder.language)
            items.append(LetterItem.of(template, reminder))
            rendered.append(action)
        except (MissingTemplate, RenderError) as exc:
            action.state, action.error = ActionState.FAILED, str(exc)
    documents: dict[int, str] = {}
    try:
        batch = render_batch(items)
    except Exception as exc:  # a layout failure fails the letters, not the run
        for action in rendered:
            action.state, action.error = ActionState.FAILED, f"{type(exc).__name__}: {exc}"
    else:
        if batch.letters:
            run.print_batch.name = keep(run, "letters", "pdf", batch.pdf)
            run.save(update_fields=["print_batch"])
        for action, letter in zip(rendered, batch.letters, strict=True):
            action.state = ActionState.DONE
            documents[action.pk] = keep(run, letter.key, "pdf", letter.pdf)
    _record(run, actions, addresses, user, outcome, documents)


def _fail_all(actions: list[Action], error: str) -> None:
    for action in actions:
        action.state, action.error = ActionState.FAILED, error


def _execute_batch(
    run: Run,
    ids: list[int],
    templates: TemplateSet,
    connection: BaseEmailBackend,
    user: User | None,
    outcome: Outcome,
) -> None:
    actions = _claim(ids)
    sent_to: dict[int, str] = {}
    documents: dict[int, str] = {}
    try:
        batch = prepare(run.company, actions, templates)
    except MissingRate as exc:  # the rate table lacks a half-year: say so on each action
        _fail_all(actions, str(exc))
        _record(run, actions, {a.pk: a.customer.email for a in actions}, user, outcome, {})
        return
    for action, prepared in zip(actions, batch, strict=True):
        message = prepared.message
        if message is None:
            action.state, action.error = ActionState.FAILED, prepared.error
            sent_to[action.pk] = ", ".join(prepared.reminder.recipients)
            continue
        action.message_id = message.extra_headers["Message-ID"]
        sent_to[action.pk] = ", ".join(message.to)
        if not message.to:
            action.state, action.error = ActionState.FAILED, "no e-mail address"
            continue
        try:
            sent = connection.send_messages([message])
        except Exception as exc:  # any transport error fails this action only
            action.state, action.error = ActionState.FAILED, f"{type(exc).__name__}: {exc}"
            continue
        if sent:
            action.state = ActionState.DONE
            documents[action.pk] = keep(
                run, prepared.reminder.key, "eml", message.message().as_bytes()
            )
        else:
            action.state, action.error = ActionState.FAILED, "the backend sent nothing"
    _record(run, actions, sent_to, user, outcome, documents)


@transaction.atomic
def _record(
    run: Run,
    actions: list[Action],
    sent_to: dict[int, str],
    user: User | None,
    outcome: Outcome,
    documents: dict[int, str],
) -> None:
    now = timezone.now()
    for action in actions:
        action.executed_at = now
        if action.state == ActionState.DONE:
            outcome.done += 1
        else:
            outcome.failed += 1
            outcome.errors.append(f"{action.customer.code}: {action.error}")
    Action.objects.bulk_update(actions, ["state", "executed_at", "error", "message_id"])
    entries = _journal(run, actions, sent_to, user, now, documents)
    JournalEntry.objects.bulk_create(entries, batch_size=500)
    done = [action for action in actions if action.state == ActionState.DONE]
    if done:
        _raise_levels(run.company, run.as_of, done)


def _journal(
    run: Run,
    actions: list[Action],
    sent_to: dict[int, str],
    user: User | None,
    now: datetime,
    documents: dict[int, str],
) -> Iterable[JournalEntry]:
    company = run.company
    retain_until = years_after(run.as_of, company.retention_years)
    for action in actions:
        yield JournalEntry(
            company=company,
            customer=action.customer,
            run=run,
            action=action,
            date=run.as_of,
            at=now,
            user=_user(user),
            currency=action.currency,
            level=action.level,
            channel=action.channel,
            status=_status(action),
            invoices=[invoice["number"] for invoice in action.invoices],
            total_due=action.total_due,
            recipient=sent_to[action.pk],
            message_id=action.message_id,
            detail=action.error,
            document=documents.get(action.pk, ""),
            legal_basis=company.legal_basis,
            retain_until=retain_until,
        )


def _status(action: Action) -> str:
    if action.state != ActionState.DONE:
        return JournalStatus.FAILED
    return JournalStatus.PRINTED if action.channel == "letter" else JournalStatus.SENT


def _raise_levels(company: Company, as_of: date, actions: list[Action]) -> None:
    """Each invoice the reminder was due for records its level and the date. Invoices listed
    only to show what else is owed keep their own level and clock."""
    levels: dict[str, int] = {}
    for action in actions:
        for invoice in action.invoices:
            if invoice["due"]:
                levels[invoice["number"]] = max(levels.get(invoice["number"], 0), invoice["level"])
    by_level: dict[int, list[str]] = defaultdict(list)
    for number, level in levels.items():
        by_level[level].append(number)
    for level, numbers in by_level.items():
        for start in range(0, len(numbers), 5000):
            Invoice.objects.filter(
                company=company, number__in=numbers[start : start + 5000]
            ).update(reached_level=level, reminded_on=as_of)
    refresh_markers(company, {action.customer_id for action in actions})


def _user(user: User | None) -> User | None:
    return user if user is not None and user.is_authenticated else None


def years_after(day: date, years: int) -> date:
    """
    >>> years_after(date(2028, 2, 29), 3)
    datetime.date(2031, 2, 28)
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)

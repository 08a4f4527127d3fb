"""Executing a run's approved actions, and the decisions a person takes on proposed ones.

Sending is exactly-once: a batch of actions is claimed (``claimed_at`` set and committed)
before any message leaves, and its results are written in one transaction after. An action
found claimed but not done was interrupted mid-send: it is reported, never sent again
automatically.

Until the delivery issue brings SMS, letters and phone tasks, only e-mail actions execute;
actions on other channels stay approved, waiting for their channel.
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

from relance.ledger.models import Company, Invoice
from relance.ledger.services.markers import refresh_markers
from relance.runs.email import compose
from relance.runs.models import Action, ActionState, JournalEntry, JournalStatus, Run

BATCH_SIZE = 100
EXECUTABLE_CHANNELS = frozenset({"email"})


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
    ids = list(
        pending.filter(channel__in=EXECUTABLE_CHANNELS)
        .order_by("customer__code", "currency", "channel")
        .values_list("pk", flat=True)
    )
    if not ids:
        return outcome
    connection = get_connection()
    with contextlib.suppress(OSError):
        # On failure each send retries the connection and records the error on its action.
        connection.open()
    try:
        for start in range(0, len(ids), BATCH_SIZE):
            _execute_batch(run, ids[start : start + BATCH_SIZE], connection, user, outcome)
    finally:
        connection.close()
    return outcome


def _execute_batch(
    run: Run,
    ids: list[int],
    connection: BaseEmailBackend,
    user: User | None,
    outcome: Outcome,
) -> None:
    now = timezone.now()
    with transaction.atomic():
        claimed = list(
            Action.objects.filter(
                pk__in=ids, state=ActionState.APPROVED, claimed_at=None
            ).values_list("pk", flat=True)
        )
        Action.objects.filter(pk__in=claimed).update(claimed_at=now)
    actions = list(
        Action.objects.filter(pk__in=claimed)
        .select_related("customer__company")
        .prefetch_related("customer__contacts")
        .order_by("customer__code", "currency", "channel")
    )
    sent_to: dict[int, str] = {}
    for action in actions:
        message = compose(action, action.customer)
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
        else:
            action.state, action.error = ActionState.FAILED, "the backend sent nothing"
    _record(run, actions, sent_to, user, outcome)


@transaction.atomic
def _record(
    run: Run,
    actions: list[Action],
    sent_to: dict[int, str],
    user: User | None,
    outcome: Outcome,
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
    JournalEntry.objects.bulk_create(_journal(run, actions, sent_to, user, now), batch_size=500)
    done = [action for action in actions if action.state == ActionState.DONE]
    if done:
        _raise_levels(run.company, run.as_of, done)


def _journal(
    run: Run, actions: list[Action], sent_to: dict[int, str], user: User | None, now: datetime
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
            status=JournalStatus.SENT if action.state == ActionState.DONE else JournalStatus.FAILED,
            invoices=[invoice["number"] for invoice in action.invoices],
            total_due=action.total_due,
            recipient=sent_to[action.pk],
            message_id=action.message_id,
            detail=action.error,
            legal_basis=company.legal_basis,
            retain_until=retain_until,
        )


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

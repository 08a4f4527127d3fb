"""Closing actions: the journal entry, and for what reached the customer, the level.

Whatever the channel, an action is closed here: an e-mail or SMS when the outbox sent it, a
letter when someone marks it posted, a call when its outcome is recorded, and any of them when
it fails for good. Levels are raised only by what reached the customer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from relance.ledger.models import Company, Invoice
from relance.ledger.services.markers import refresh_markers
from relance.runs.models import Action, ActionState, JournalEntry, JournalStatus

# Journal statuses that mean the reminder reached the customer (or left for them).
REACHED = frozenset({JournalStatus.SENT, JournalStatus.POSTED, JournalStatus.CALLED})
# Statuses that close the action; "printed" leaves it open until the letter is posted.
CLOSING = REACHED | {JournalStatus.FAILED}


@dataclass(frozen=True)
class Completion:
    status: str
    recipient: str = ""
    detail: str = ""
    document: str = ""
    message_id: str = ""


@transaction.atomic
def complete(
    actions: Sequence[Action],
    completions: Mapping[int, Completion],
    user: User | None = None,
    at: datetime | None = None,
) -> None:
    """Write one journal entry per action and, for those that reached the customer, raise the
    level of each invoice the reminder was due for."""
    now = at or timezone.now()
    done: list[int] = []
    for action in actions:
        completion = completions[action.pk]
        if completion.status in CLOSING:
            action.state = ActionState.DONE if completion.status in REACHED else ActionState.FAILED
            action.executed_at = now
        if completion.status == JournalStatus.FAILED and not action.error:
            action.error = completion.detail
        action.message_id = completion.message_id or action.message_id
        if action.state == ActionState.DONE and completion.status in REACHED:
            done.append(action.pk)
    # The common case in one UPDATE (a CASE per row costs as much as the sending itself); the
    # rest, rarer, row by row.
    for start in range(0, len(done), 5000):
        Action.objects.filter(pk__in=done[start : start + 5000]).update(
            state=ActionState.DONE, executed_at=now
        )
    rest = [action for action in actions if action.pk not in set(done)]
    if rest:
        Action.objects.bulk_update(rest, ["state", "executed_at", "error", "message_id"])
    entries = _journal(actions, completions, user, now)
    JournalEntry.objects.bulk_create(entries, batch_size=500)
    reached = [a for a in actions if completions[a.pk].status in REACHED]
    by_company: dict[int, list[Action]] = defaultdict(list)
    for action in reached:
        by_company[action.company_id].append(action)
    for company_actions in by_company.values():
        raise_levels(company_actions[0].company, company_actions)


def _journal(
    actions: Sequence[Action],
    completions: Mapping[int, Completion],
    user: User | None,
    now: datetime,
) -> Iterable[JournalEntry]:
    for action in actions:
        company = action.company
        done = completions[action.pk]
        yield JournalEntry(
            company=company,
            customer_id=action.customer_id,
            run_id=action.run_id,
            action=action,
            date=action.as_of,
            at=now,
            # The system sends on someone's behalf: whoever approved the action or started
            # the run.
            user_id=_acting_id(user) or action.decided_by_id or action.run.started_by_id,
            currency=action.currency,
            level=action.level,
            channel=action.channel,
            status=done.status,
            invoices=[invoice["number"] for invoice in action.invoices],
            total_due=action.total_due,
            recipient=done.recipient,
            message_id=done.message_id or action.message_id,
            detail=done.detail or action.error,
            document=done.document,
            legal_basis=company.legal_basis,
            retain_until=years_after(action.as_of, company.retention_years),
        )


def raise_levels(company: Company, actions: Sequence[Action]) -> None:
    """Each invoice the reminder was due for records its level and the reminder's date.
    Invoices listed only to show what else is owed keep their own level and clock."""
    levels: dict[str, tuple[int, date]] = {}
    for action in actions:
        for invoice in action.invoices:
            if invoice["due"]:
                known = levels.get(invoice["number"])
                if known is None or invoice["level"] > known[0]:
                    levels[invoice["number"]] = (invoice["level"], action.as_of)
    grouped: dict[tuple[int, date], list[str]] = defaultdict(list)
    for number, level_and_day in levels.items():
        grouped[level_and_day].append(number)
    for (level, day), numbers in grouped.items():
        for start in range(0, len(numbers), 5000):
            # Never lower a level: a letter posted late must not undo a later e-mail.
            Invoice.objects.filter(
                Q(reached_level__isnull=True) | Q(reached_level__lte=level),
                company=company,
                number__in=numbers[start : start + 5000],
            ).update(reached_level=level, reminded_on=day)
    refresh_markers(company, {action.customer_id for action in actions})


def _acting_id(user: User | None) -> int | None:
    return user.pk if user is not None and user.is_authenticated else None


def acting(user: User | None) -> User | None:
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

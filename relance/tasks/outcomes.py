"""Recording what a call gave: the task closes, the journal records the call, and the
outcome's consequences follow in the same transaction.

| outcome      | journal   | level raised | then                                           |
|--------------|-----------|--------------|------------------------------------------------|
| reached      | called    | yes          | nothing                                        |
| promise      | called    | yes          | a promise to pay holds the invoices            |
| dispute      | called    | yes          | each invoice named leaves the dunning          |
| no_answer    | unreached | no           | the next call, in the following window         |
| call_back    | unreached | no           | the next call, at the moment agreed            |
| wrong_number | unreached | no           | no next call; the note names the number        |

A call back counts as not reached: whoever answered asked to be called again, the reminder
itself is still to be given. After ``max_calls`` unanswered calls for the same reminder no
further call is planned; a task tells the collector instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.engine.calling import following_window, next_call_slot
from relance.holds.models import Dispute, Promise, Source
from relance.holds.services import check_promise, open_dispute, record_promise
from relance.ledger.models import Invoice
from relance.runs.completing import Completion, acting, complete
from relance.runs.models import JournalStatus
from relance.tasks.calls import calling_rules, recent_calls
from relance.tasks.models import CallOutcome, Task, TaskKind, TaskState
from relance.tasks.services import close_task, open_task

__all__ = ["CallResult", "check_call_outcome", "close_task", "record_call_outcome"]

SPOKEN = frozenset({CallOutcome.REACHED, CallOutcome.PROMISE, CallOutcome.DISPUTE})
# A clock a little ahead of the server's must not refuse a call made "now".
_CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class CallResult:
    task: Task
    follow_up: Task | None = None
    promise: Promise | None = None
    disputes: tuple[Dispute, ...] = ()
    # No further call: the reminder had its ``max_calls`` unanswered calls.
    gave_up: bool = False


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def check_call_outcome(
    task: Task,
    outcome: str,
    *,
    at: datetime | None = None,
    amount: Decimal | None = None,
    until: date | None = None,
    invoices: Iterable[Invoice | str] = (),
    call_back_at: datetime | None = None,
    dispute_reason: str = "",
) -> list[Invoice]:
    """Raise a ValidationError, by field, for every reason the outcome cannot be recorded;
    return the invoices it concerns (for a dispute, by default the reminder's)."""
    if task.kind != TaskKind.CALL:
        raise ValidationError(_("Only a call has a call outcome; close this task instead."))
    if task.state != TaskState.OPEN:
        raise ValidationError(
            _("This call is already closed (%(state)s).") % {"state": task.get_state_display()}
        )
    now = timezone.now()
    at = _aware(at) or now
    call_back_at = _aware(call_back_at)
    errors: dict[str, Any] = {}
    if outcome not in CallOutcome.values:
        errors["outcome"] = _("Unknown outcome %(outcome)s: choose one of %(choices)s.") % {
            "outcome": outcome,
            "choices": ", ".join(CallOutcome.values),
        }
    if at > now + _CLOCK_SKEW:
        errors["at"] = _("A call cannot have been made in the future.")
    named, problem = _invoices(task, invoices)
    if problem:
        errors["invoices"] = problem
    if outcome == CallOutcome.PROMISE:
        if amount is None:
            errors["amount"] = _("Give the amount promised.")
        if until is None:
            errors["until"] = _("Give the day the customer promised to pay by.")
        try:
            check_promise(task.customer, amount, timezone.localdate(at), until, named)
        except ValidationError as exc:
            for field, messages in exc.error_dict.items():
                errors.setdefault(field, messages)
    elif outcome == CallOutcome.DISPUTE:
        if not dispute_reason.strip():
            errors["dispute_reason"] = _("Give the reason for the dispute.")
        named = named or _reminded(task)
        if not named and "invoices" not in errors:
            errors["invoices"] = _("Name the invoices the customer disputes.")
        disputed = sorted(invoice.number for invoice in named if invoice.disputed)
        if disputed:
            errors["invoices"] = _("Already disputed: %(numbers)s.") % {
                "numbers": ", ".join(disputed)
            }
    elif outcome == CallOutcome.CALL_BACK:
        if call_back_at is None:
            errors["call_back_at"] = _("Give the day and time to call back.")
        elif call_back_at <= now:
            errors["call_back_at"] = _("The call back must be in the future.")
    if errors:
        raise ValidationError(errors)
    return named


def _invoices(task: Task, given: Iterable[Invoice | str]) -> tuple[list[Invoice], str]:
    """The invoices named (objects or numbers), and what is wrong with them, if anything."""
    items = list(given)
    numbers = [item for item in items if isinstance(item, str)]
    found = {
        invoice.number: invoice
        for invoice in Invoice.objects.filter(company_id=task.company_id, number__in=numbers)
    }
    unknown = [number for number in numbers if number not in found]
    if unknown:
        return [], _("No invoice %(numbers)s.") % {"numbers": ", ".join(unknown)}
    named = [found[item] if isinstance(item, str) else item for item in items]
    foreign = sorted(invoice.number for invoice in named if invoice.customer_id != task.customer_id)
    if foreign:
        return [], _("Not invoices of customer %(customer)s: %(numbers)s.") % {
            "customer": task.customer.code,
            "numbers": ", ".join(foreign),
        }
    return list({invoice.pk: invoice for invoice in named}.values()), ""


def _reminded(task: Task) -> list[Invoice]:
    """The invoices the call's reminder was due for."""
    if task.action is None:
        return []
    numbers = [row["number"] for row in task.action.invoices if row.get("due", True)]
    return list(
        Invoice.objects.filter(
            company_id=task.company_id, customer_id=task.customer_id, number__in=numbers
        ).order_by("number")
    )


def record_call_outcome(
    task: Task,
    outcome: str,
    *,
    user: User | None,
    at: datetime | None = None,
    note: str = "",
    amount: Decimal | None = None,
    until: date | None = None,
    invoices: Iterable[Invoice | str] = (),
    call_back_at: datetime | None = None,
    dispute_reason: str = "",
    phone: str = "",
) -> CallResult:
    """Close the call ``task`` with its ``outcome`` (see the module's table). ``phone`` is
    the number dialled, for the journal and, on a wrong number, the note."""
    with transaction.atomic():
        locked = (
            Task.objects.select_for_update(of=("self",))
            .select_related("customer__company", "action__company")
            .get(pk=task.pk)
        )
        named = check_call_outcome(
            locked,
            outcome,
            at=at,
            amount=amount,
            until=until,
            invoices=invoices,
            call_back_at=call_back_at,
            dispute_reason=dispute_reason,
        )
        at = _aware(at) or timezone.now()
        call_back_at = _aware(call_back_at)
        numbers = phone or ", ".join(entry["number"] for entry in locked.phones)
        if outcome == CallOutcome.WRONG_NUMBER:
            marked = _("Wrong number: %(numbers)s.") % {"numbers": numbers or "?"}
            note = f"{marked}\n{note}".strip()
        _close(locked, outcome, user, note, amount, until, call_back_at)
        if locked.action is not None:
            status = JournalStatus.CALLED if outcome in SPOKEN else JournalStatus.UNREACHED
            detail = f"{CallOutcome(outcome).label}. {note}".strip()
            complete(
                [locked.action],
                {locked.action.pk: Completion(status, recipient=numbers[:500], detail=detail)},
                user,
                at=at,
            )
        result = CallResult(locked)
        if outcome == CallOutcome.PROMISE:
            # Both checked above.
            assert amount is not None
            assert until is not None
            promise = record_promise(
                locked.customer,
                amount=amount,
                until=until,
                promised_on=timezone.localdate(at),
                invoices=named,
                currency=locked.action.currency if locked.action else None,
                user=acting(user),
                source=Source.PHONE,
                note=note,
            )
            result = CallResult(locked, promise=promise)
        elif outcome == CallOutcome.DISPUTE:
            disputes = tuple(
                open_dispute(invoice, dispute_reason.strip(), timezone.localdate(at), acting(user))
                for invoice in named
            )
            result = CallResult(locked, disputes=disputes)
        elif outcome == CallOutcome.CALL_BACK:
            assert call_back_at is not None
            header = _("Call back as agreed on %(day)s.") % {
                "day": timezone.localtime(at).strftime("%Y-%m-%d %H:%M")
            }
            result = CallResult(locked, follow_up=_next_call(locked, call_back_at, header))
        elif outcome == CallOutcome.NO_ANSWER:
            result = _after_no_answer(locked, at)
    task.refresh_from_db()
    return CallResult(task, result.follow_up, result.promise, result.disputes, result.gave_up)


def _close(
    task: Task,
    outcome: str,
    user: User | None,
    note: str,
    amount: Decimal | None,
    until: date | None,
    call_back_at: datetime | None,
) -> None:
    task.state = TaskState.DONE
    task.outcome = outcome
    task.outcome_note = note
    task.done_at = timezone.now()
    task.done_by = acting(user)
    if outcome == CallOutcome.PROMISE:
        task.promised_amount, task.promised_until = amount, until
    if outcome == CallOutcome.CALL_BACK:
        task.call_back_on = call_back_at
    task.save()


def _next_call(task: Task, due: datetime, header: str) -> Task:
    """The same call again, same reminder, same script, for the same collector."""
    return open_task(
        task.customer,
        TaskKind.CALL,
        task.title,
        body=f"{header}\n\n{task.body}" if task.body else header,
        due_at=due,
        action_id=task.action_id,
        phones=task.phones,
    )


def _after_no_answer(task: Task, at: datetime) -> CallResult:
    rules = calling_rules()
    same_reminder = Task.objects.filter(kind=TaskKind.CALL, outcome=CallOutcome.NO_ANSWER)
    if task.action_id is not None:
        tries = same_reminder.filter(action_id=task.action_id).count()
    else:
        tries = same_reminder.filter(
            customer_id=task.customer_id, action=None, done_at__gt=at - rules.period
        ).count()
    if tries >= rules.max_calls:
        open_task(
            task.customer,
            TaskKind.FAILED,
            _("No answer from %(customer)s after %(count)d calls")
            % {
                "customer": task.customer.name,
                "count": tries,
            },
            body=_(
                "The level %(level)s reminder could not be given by phone. Decide what comes "
                "next: a letter, an e-mail, or a call from another number."
            )
            % {"level": task.action.level if task.action else "?"},
            action_id=task.action_id,
        )
        return CallResult(task, gave_up=True)
    moment = timezone.localtime(max(at, timezone.now()))
    calls = recent_calls([task.customer_id], moment, rules)[task.customer_id]
    if task.action_id is None:
        calls.append(at)  # no journal entry records a call without a reminder
    due = next_call_slot(following_window(moment, rules), rules, calls)
    header = _("Call %(count)d of %(max)d; the previous one, on %(day)s, was not answered.") % {
        "count": tries + 1,
        "max": rules.max_calls,
        "day": timezone.localtime(at).strftime("%Y-%m-%d %H:%M"),
    }
    return CallResult(task, follow_up=_next_call(task, due, header))

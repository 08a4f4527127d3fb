"""Approved call actions become tasks in the collector's to-do list.

Each task is due at the customer's next calling slot (``relance.engine.calling``), carries
the call script rendered from the level's ``call`` template in the customer's language, and
the numbers to dial. Calling rules come from ``CALLING_WINDOWS``; French practice without it.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from relance.content import formatting
from relance.content.loading import reminders_for_actions
from relance.content.rendering import TemplateSet, render_parts
from relance.engine.calling import CallingRules, CallingRulesError, next_call_slot
from relance.ledger.models import Company, Customer
from relance.runs.models import Action, JournalEntry, JournalStatus, Run
from relance.tasks.models import Task, TaskKind, TaskState

# What the journal records for a call that was made, answered or not.
CALL_MADE = (JournalStatus.CALLED, JournalStatus.UNREACHED)


def calling_rules() -> CallingRules:
    """The rules ``CALLING_WINDOWS`` describes, e.g.
    ``10:00-13:00,14:00-20:00;weekdays;holidays=FR;max=4/30`` (the default)."""
    text = os.environ.get("CALLING_WINDOWS", "").strip()
    if not text:
        return CallingRules()
    try:
        return CallingRules.parse(text)
    except CallingRulesError as exc:
        raise ImproperlyConfigured(f"CALLING_WINDOWS: {exc}") from exc


def recent_calls(
    customer_ids: Iterable[int], now: datetime, rules: CallingRules
) -> dict[int, list[datetime]]:
    """Per customer, the calls the limit counts: those made in the period before ``now``
    (the journal) and those already planned (open call tasks, whatever their date)."""
    ids = set(customer_ids)
    found: dict[int, list[datetime]] = defaultdict(list)
    made = JournalEntry.objects.filter(
        customer_id__in=ids, channel="call", status__in=CALL_MADE, at__gt=now - rules.period
    ).values_list("customer_id", "at")
    planned = Task.objects.filter(
        customer_id__in=ids, kind=TaskKind.CALL, state=TaskState.OPEN
    ).values_list("customer_id", "due_at")
    for customer_id, moment in [*made, *planned]:
        found[customer_id].append(moment)
    return found


def phone_numbers(customer: Customer) -> list[dict[str, str]]:
    """The customer's number, then its contacts', each once, with whom it reaches."""
    numbers = [{"number": customer.phone, "name": ""}] if customer.phone else []
    seen = {customer.phone}
    for contact in customer.contacts.all():
        if contact.phone and contact.phone not in seen:
            seen.add(contact.phone)
            numbers.append(
                {"number": contact.phone, "name": f"{contact.name} ({contact.get_role_display()})"}
            )
    return numbers


def call_title(customer: Customer, level: int, total: Decimal, currency: str) -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return _("Call %(customer)s (level %(level)d, %(total)s)") % {
        "customer": customer.name,
        "level": level,
        "total": formatting.money(total, currency, language),
    }


@transaction.atomic
def create_call_tasks(run: Run, actions: Sequence[Action]) -> list[Task]:
    """One call task per action, for the customer's collector, in the order given. An
    action that already has a call task keeps it: queueing twice plans no second call."""
    if not actions:
        return []
    ids = [action.pk for action in actions]
    existing: dict[int, Task] = {}
    for task in Task.objects.filter(action_id__in=ids, kind=TaskKind.CALL).order_by("pk"):
        assert task.action_id is not None
        existing[task.action_id] = task
    loaded = {
        action.pk: action
        for action in Action.objects.filter(pk__in=ids)
        .exclude(pk__in=existing)
        .select_related("customer__company", "customer__collector")
        .prefetch_related("customer__contacts")
    }
    todo = [loaded[pk] for pk in ids if pk in loaded]
    scripts = call_scripts(run.company, todo)
    rules = calling_rules()
    now = timezone.localtime()
    planned = recent_calls({action.customer_id for action in todo}, now, rules)
    created = []
    for action in todo:
        customer = action.customer
        calls = planned[customer.pk]
        due = next_call_slot(now, rules, calls)
        # A customer with calls in two currencies: the second counts the first.
        calls.append(due)
        created.append(
            Task(
                company_id=action.company_id,
                customer=customer,
                kind=TaskKind.CALL,
                assignee_id=customer.collector_id,
                due_at=due,
                action=action,
                title=call_title(customer, action.level, action.total_due, action.currency)[:250],
                body=scripts[action.pk],
                phones=phone_numbers(customer),
                promised_amount=None,
            )
        )
    Task.objects.bulk_create(created)
    made = {task.action_id: task for task in created}
    return [made.get(pk) or existing[pk] for pk in ids if pk in made or pk in existing]


def call_scripts(company: Company, actions: Sequence[Action]) -> dict[int, str]:
    """The call script of each action; a plain summary and the reason where none renders."""
    templates = TemplateSet(company.pk, company.default_language)
    try:
        reminders = reminders_for_actions(company, actions)
    except Exception as exc:  # e.g. a missing rate: the call is still to be made
        return {action.pk: summary(action, exc) for action in actions}
    scripts = {}
    for action, reminder in zip(actions, reminders, strict=True):
        try:
            template = templates.find("call", reminder.level, reminder.language)
            parts = render_parts(template, reminder)
        except Exception as exc:  # a broken script must not lose the call
            scripts[action.pk] = summary(action, exc)
            continue
        scripts[action.pk] = "\n\n".join(
            part for part in (parts.body_text, parts.legal_mention, parts.signature_text) if part
        )
    return scripts


def summary(action: Action, error: BaseException | str | None = None) -> str:
    """What the call is about, in the collector's language, when no script could be made."""
    language = translation.get_language() or settings.LANGUAGE_CODE

    def amount(value: Any) -> str:
        return formatting.money(Decimal(value), action.currency, language)

    lines = [
        _("Level %(level)d reminder call to %(customer)s (%(code)s).")
        % {"level": action.level, "customer": action.customer.name, "code": action.customer.code}
    ]
    for invoice in action.invoices:
        lines.append(
            _("- %(number)s, due %(due)s: %(open)s left to pay, %(days)d days late")
            % {
                "number": invoice["number"],
                "due": formatting.day(date.fromisoformat(invoice["due_date"]), language),
                "open": amount(invoice["open_amount"]),
                "days": invoice["days_overdue"],
            }
        )
    lines.append(_("Total due: %(total)s") % {"total": amount(action.total_due)})
    if error is not None:
        lines += ["", _("The call script could not be prepared: %(error)s") % {"error": error}]
    return "\n".join(lines)

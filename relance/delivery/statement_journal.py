"""The journal's trace of a statement of account once the outbox has sent it (or given up).

A statement is not a reminder: it comes from no run, has no action and raises no level. Its
journal entry says what left, to whom, with the exact .eml, at the level the customer stood at.
Kept apart from ``statements`` so that ``recording`` can call it without an import cycle.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.delivery.models import Message, MessageState
from relance.runs.completing import acting, years_after
from relance.runs.models import JournalEntry, JournalStatus

PREFIX = "statement-"


def is_statement(message: Message) -> bool:
    return message.action_id is None and message.key.startswith(PREFIX)


def journal_statements(messages: Sequence[Message], user: User | None = None) -> None:
    """One journal entry per sent or failed statement among ``messages``."""
    statements = [m for m in messages if is_statement(m)]
    if not statements:
        return
    now = timezone.now()
    loaded = Message.objects.filter(pk__in=[m.pk for m in statements]).select_related(
        "company", "customer"
    )
    person = acting(user)
    entries = []
    for message in loaded:
        sent = message.state == MessageState.SENT
        company = message.company
        day = timezone.localdate(message.sent_at or now)
        entries.append(
            JournalEntry(
                company=company,
                customer=message.customer,
                date=day,
                at=now,
                user_id=person.pk if person is not None else message.decided_by_id,
                currency=message.currency,
                level=message.level,
                channel=message.channel,
                status=JournalStatus.SENT if sent else JournalStatus.FAILED,
                invoices=message.invoices,
                total_due=message.total_due or Decimal("0.00"),
                recipient=", ".join(message.recipients),
                message_id=message.provider_id,
                detail=_("statement of account") + ("" if sent else f": {message.last_error}"),
                document=message.content.name or "",
                legal_basis=company.legal_basis,
                retain_until=years_after(day, company.retention_years),
            )
        )
    JournalEntry.objects.bulk_create(entries)

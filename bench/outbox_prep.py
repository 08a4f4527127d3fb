"""The sending benchmark's outbox, prepared in a child process (Django set up on the template
database by the environment): a run of ``count`` e-mails waiting to be sent, held back (no next
attempt) until the benchmark releases them.

Rendering thousands of e-mails would take longer than sending them (bench/render.py measures
it), so a few are rendered and queued by the real pipeline and copied for the other actions
exactly as ``queue_run`` stores them: one .eml file and one pending row per action, the action
queued. Each copy gets its own Message-ID, which the sink counts.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from relance.delivery.models import Message
    from relance.ledger.models import Company
    from relance.runs.models import Action, Run

RENDERED = 40  # real e-mails; the rest are copies of them
INVOICES = 10  # per customer: the table DESIGN.md's rendering target is about
AS_OF = date(2026, 11, 24)
SCENARIO = """\
scenarios:
  - code: std
    default: true
    levels:
      - {level: 1, from_days: 1, to_days: 9999, channels: [email]}
"""


def prepare(count: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relance.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from relance.content.models import Template
    from relance.content.services import ensure_default_templates
    from relance.delivery.models import Message
    from relance.delivery.queueing import queue_run
    from relance.dunning.scenario_file import load, parse
    from relance.ledger.services.companies import ensure_company
    from relance.runs.creating import RunRequest, create_run
    from relance.runs.models import Action

    call_command("migrate", interactive=False, verbosity=0)
    company = ensure_company("bench", "Ateliers Mercier", sender_email="relance@mercier.example")
    load(company[0], parse(SCENARIO, "scenarios.yaml"))
    ensure_default_templates(company[0])
    # A statement PDF per e-mail is the letters' benchmark, not this one.
    Template.objects.filter(company=company[0]).update(attach_invoices=False)
    ledger(company[0], count)
    run = create_run(company[0], RunRequest(AS_OF))
    actions = list(Action.objects.filter(run=run).select_related("customer").order_by("pk"))
    queue_run(run, ids=[action.pk for action in actions[:RENDERED]])
    samples = list(Message.objects.filter(run=run).order_by("pk"))
    copy(run, actions[len(samples) :], samples)
    Message.objects.update(next_attempt_at=None)  # held back until the benchmark says go
    sizes = [message.content.size for message in Message.objects.all()[:200]]
    print(
        f"prepared {Message.objects.count()} pending e-mails ({len(samples)} rendered, the rest "
        f"copied), {sum(sizes) / len(sizes) / 1024:.1f} KiB each on average,"
    )


def ledger(company: Company, count: int) -> None:
    from relance.ledger.models import Customer, Invoice

    Customer.objects.bulk_create(
        (
            Customer(company=company, code=f"C{n:06d}", name=f"Client {n}", email=f"c{n}@ex.com")
            for n in range(count)
        ),
        batch_size=2000,
    )
    ids = Customer.objects.filter(company=company).values_list("pk", flat=True)
    Invoice.objects.bulk_create(
        (
            Invoice(
                company=company,
                customer_id=customer,
                number=f"FA-{customer}-{line}",
                issue_date=AS_OF - timedelta(days=40 + 7 * line),
                due_date=AS_OF - timedelta(days=10 + 7 * line),
                amount=Decimal(1000 + line * 13) + Decimal("0.45"),
                open_amount=Decimal(1000 + line * 13) + Decimal("0.45"),
            )
            for customer in ids
            for line in range(INVOICES)
        ),
        batch_size=5000,
    )


def copy(run: Run, actions: list[Action], samples: list[Message]) -> None:
    """Store each action's e-mail as a copy of a rendered one, as ``queue_run`` would."""
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from relance.delivery.models import Message
    from relance.delivery.queueing import key_of
    from relance.runs.models import Action, ActionState

    contents = []
    for sample in samples:
        with sample.content.open("rb") as stored:
            contents.append((sample, stored.read()))
    folder = f"outbox/bench/run-{run.pk}"
    (settings.MEDIA_ROOT / folder).mkdir(parents=True, exist_ok=True)
    rows = []
    for n, action in enumerate(actions):
        sample, content = contents[n % len(contents)]
        message_id = f"<bench.{action.pk}.{n}@mercier.example>"
        name = f"{folder}/{key_of(action)}.eml"
        (settings.MEDIA_ROOT / name).write_bytes(
            content.replace(sample.provider_id.encode(), message_id.encode(), 1)
        )
        rows.append(
            Message(
                company_id=action.company_id,
                run=run,
                action=action,
                customer_id=action.customer_id,
                key=key_of(action),
                channel=action.channel,
                level=action.level,
                currency=action.currency,
                sender=sample.sender,
                recipients=[action.customer.email],
                subject=sample.subject,
                content=name,
                state="pending",
                provider_id=message_id,
            )
        )
    with transaction.atomic():
        Message.objects.bulk_create(rows, batch_size=1000)
        Action.objects.filter(pk__in=[action.pk for action in actions]).update(
            state=ActionState.QUEUED, claimed_at=timezone.now()
        )

"""Benchmark: render reminder e-mails and PDF letters.

Targets (DESIGN.md section 7, per core): 2,000 e-mails a second (HTML table of 10 invoices,
inlined CSS, text part) and 40 letters a second (batch rendering).
Usage: python bench/render.py [--emails N] [--letters N ...] [--one-by-one N]

E-mails are timed twice: rendering (template, HTML layout with its CSS inlined, text part) and
the whole MIME message with its bytes, as the SMTP backend would send it. Letters are rendered
as one batch (one PDF for the printer, one per letter) and one document per letter.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import setup_django

EMAIL_TARGET = 2000.0
LETTER_TARGET = 40.0
AS_OF = date(2026, 11, 24)


def reminders(count: int, channel: str, level: int) -> list:  # type: ignore[type-arg]
    from relance.content.reminder import Address, Person, Reminder, ReminderInvoice, Sender

    sender = Sender(
        code="acme",
        name="Ateliers Mercier",
        legal_name="Ateliers Mercier SAS",
        address=Address("Ateliers Mercier SAS", "14 quai Saint-Antoine", "", "69002", "Lyon"),
        email="recouvrement@ateliers-mercier.example",
        phone="+33 4 78 00 00 00",
        siren="104332184",
        vat_number="FR47104332184",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
        payment_link="https://pay.example/?ref={reference}&amount={amount}",
    )
    found = []
    for index in range(count):
        invoices = tuple(
            ReminderInvoice(
                number=f"FA2026-{index:06d}-{line}",
                issue_date=AS_OF - timedelta(days=40 + line * 7),
                due_date=AS_OF - timedelta(days=10 + line * 7),
                amount=Decimal(1000 + index % 500 + line * 13) + Decimal("0.45"),
                open_amount=Decimal(900 + index % 500 + line * 13) + Decimal("0.45"),
                days_overdue=10 + line * 7,
                level=level,
                due=True,
                interest=Decimal("9.99") if level == 3 else None,
                indemnity=Decimal("40.00") if level == 3 else None,
            )
            for line in range(10)
        )
        found.append(
            Reminder(
                key=f"bench-{index}",
                as_of=AS_OF,
                channel=channel,
                level=level,
                formal_notice=level == 3,
                language="fr",
                currency="EUR",
                customer_code=f"C{index:06d}",
                customer_name=f"Client {index} SARL",
                business=True,
                address=Address(f"Client {index} SARL", "3 rue de la Paix", "", "75002", "Paris"),
                recipients=(f"compta{index}@client.example",),
                phones=(),
                contact_name="Jeanne Martin",
                sender=sender,
                signatory=Person("Camille Roux", "Chargée de clientèle", "cr@example.com"),
                invoices=invoices,
                payment_reference=f"C{index:06d}",
            )
        )
    return found


def template(channel: str, level: int):  # type: ignore[no-untyped-def]
    from relance.content.services import shipped_templates

    return next(
        t
        for t in shipped_templates()
        if t.channel == channel and t.level == level and t.language == "fr"
    )


def bench_emails(count: int) -> None:
    from relance.channels.email.compose import compose, html_body, text_body
    from relance.content.rendering import render_parts

    chosen = template("email", 2)
    chosen.attach_invoices = False  # the target is about rendering, not attaching PDFs
    batch = reminders(count, "email", 2)
    render_parts(chosen, batch[0])  # warm the caches (templates compiled, locale loaded)
    start = time.perf_counter()
    for reminder in batch:
        parts = render_parts(chosen, reminder)
        html_body(reminder, parts)
        text_body(reminder, parts)
    rendered = time.perf_counter() - start
    start = time.perf_counter()
    size = 0
    for reminder in batch:
        size += len(compose(reminder, render_parts(chosen, reminder)).message().as_bytes())
    whole = time.perf_counter() - start
    for label, seconds in (("render (HTML + text)", rendered), ("whole MIME message", whole)):
        rate = count / seconds
        print(
            f"e-mails, {label:22}: {count} in {seconds:6.2f} s = {rate:7.0f}/s "
            f"(target {EMAIL_TARGET:.0f}/s/core: ratio {rate / EMAIL_TARGET:.2f})"
        )
    print(f"  average message size {size / count / 1024:.1f} KiB")


def bench_letters(counts: list[int], one_by_one: int) -> None:
    from relance.channels.letter.render import LetterItem, render_batch, render_one

    chosen = template("letter", 3)
    for count in counts:
        items = [LetterItem.of(chosen, r) for r in reminders(count, "letter", 3)]
        start = time.perf_counter()
        batch = render_batch(items)
        seconds = time.perf_counter() - start
        rate = count / seconds
        print(
            f"letters, batch of {count:5}: {seconds:6.2f} s = {rate:6.1f}/s, "
            f"{batch.page_count} pages (target {LETTER_TARGET:.0f}/s/core: "
            f"ratio {rate / LETTER_TARGET:.2f})"
        )
    items = [LetterItem.of(chosen, r) for r in reminders(one_by_one, "letter", 3)]
    start = time.perf_counter()
    for item in items:
        render_one(item)
    seconds = time.perf_counter() - start
    single = one_by_one / seconds
    print(
        f"letters, one by one ({one_by_one:3}): {seconds:6.2f} s = {single:6.1f}/s "
        f"(batch is {rate / single:.1f}x faster)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--emails", type=int, default=2000)
    parser.add_argument("--letters", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--one-by-one", type=int, default=50)
    args = parser.parse_args()
    setup_django("")
    bench_emails(args.emails)
    bench_letters(args.letters, args.one_by_one)


if __name__ == "__main__":
    main()

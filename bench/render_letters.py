"""Benchmark: PDF letters rendered as one batch against one document per letter.

Target (DESIGN.md section 7): 40 letters a second per core, batch rendering. Each synthetic
letter has 10 invoices; a quarter of them are formal notices with interest and indemnity
columns. Times are CPU seconds of this process (the figure "per core" is about), wall-clock
seconds are printed alongside.
Usage: python bench/render_letters.py [--letters N ...] [--one-by-one N] [--split N]

A batch is timed whole, then its first chunk in phases: the HTML of every letter (Jinja2, QR
codes), WeasyPrint's layout, the per-letter PDFs and their join into the print-ready PDF. With
--split, the two ways of cutting per-letter PDFs out of a laid-out batch are compared
(WeasyPrint's Document.copy().write_pdf(), which ``render_batch`` uses, and pypdf on the
written batch PDF).
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import peak_rss_mb, setup_django

TARGET = 40.0  # letters per second per core
AS_OF = date(2026, 11, 24)
CITIES = [("75002", "Paris"), ("69003", "Lyon"), ("13001", "Marseille"), ("33000", "Bordeaux")]


def reminders(count: int) -> list:  # type: ignore[type-arg]
    from relance.content.reminder import Address, Person, Reminder, ReminderInvoice, Sender

    sender = Sender(
        code="acme",
        name="Ateliers Mercier",
        legal_name="Ateliers Mercier SAS",
        address=Address("Ateliers Mercier SAS", "14 quai Saint-Antoine", "", "69002", "Lyon"),
        email="recouvrement@ateliers-mercier.example",
        phone="+33 4 78 00 00 00",
        website="https://ateliers-mercier.example",
        siren="104332184",
        vat_number="FR47104332184",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
        payment_link="https://pay.example/?ref={reference}&amount={amount}",
    )
    found = []
    for index in range(count):
        notice = index % 4 == 3
        invoices = tuple(
            ReminderInvoice(
                number=f"FA2026-{index:06d}-{line}",
                issue_date=AS_OF - timedelta(days=40 + line * 7),
                due_date=AS_OF - timedelta(days=10 + line * 7),
                amount=Decimal(1000 + index % 500 + line * 13) + Decimal("0.45"),
                open_amount=Decimal(1000 + index % 500 + line * 13 - 100 * (line % 3 == 0))
                + Decimal("0.45"),
                days_overdue=10 + line * 7,
                level=3 if notice else 1,
                due=True,
                interest=Decimal("9.99") + line if notice else None,
                indemnity=Decimal("40.00") if notice else None,
                interest_rate=Decimal("12.15") if notice else None,
            )
            for line in range(10)
        )
        postal_code, city = CITIES[index % len(CITIES)]
        found.append(
            Reminder(
                key=f"bench-{index}",
                as_of=AS_OF,
                channel="letter",
                level=3 if notice else 1,
                formal_notice=notice,
                language="fr" if index % 5 else "en",
                currency="EUR",
                customer_code=f"C{index:06d}",
                customer_name=f"Client {index} SARL",
                business=True,
                address=Address(
                    f"Client {index} SARL",
                    f"{index % 90 + 1} rue de la Paix",
                    "",
                    postal_code,
                    city,
                ),
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


def items(count: int) -> list:  # type: ignore[type-arg]
    from relance.channels.letter.render import LetterItem
    from relance.content.services import shipped_templates

    templates = {(t.channel, t.level, t.language): t for t in shipped_templates()}
    return [LetterItem.of(templates[("letter", r.level, r.language)], r) for r in reminders(count)]


class Clock:
    def __init__(self) -> None:
        self.cpu, self.wall = time.process_time(), time.perf_counter()

    def lap(self) -> tuple[float, float]:
        cpu, wall = time.process_time(), time.perf_counter()
        lap = (cpu - self.cpu, wall - self.wall)
        self.cpu, self.wall = cpu, wall
        return lap


def bench_batch(count: int) -> float:
    from relance.channels.letter import layout
    from relance.channels.letter.render import (
        CHUNK,
        join_pdfs,
        letters_html,
        render_batch,
        split_letters,
    )

    batch_items = items(count)
    clock = Clock()
    batch = render_batch(batch_items)
    cpu, wall = clock.lap()
    rate = count / cpu
    print(
        f"batch of {count:5} letters, {batch.page_count} pages: {cpu:6.2f} s CPU "
        f"({wall:6.2f} s wall) = {rate:5.1f} letters/s/core, target {TARGET:.0f}: "
        f"ratio {rate / TARGET:.2f}"
    )
    size = sum(len(letter.pdf) for letter in batch.letters)
    print(
        f"  print PDF {len(batch.pdf) / 1024:.0f} KiB, letters {size / count / 1024:.1f} KiB "
        f"each; laid out {CHUNK} letters at a time"
    )
    part = batch_items[:CHUNK]
    clock.lap()
    html = letters_html(part)
    phases = [("HTML (Jinja2, QR codes)", clock.lap())]
    document = layout.render(html)
    phases.append(("layout (WeasyPrint)", clock.lap()))
    letters = split_letters(document, part)
    phases.append(("one PDF per letter", clock.lap()))
    join_pdfs([letter.pdf for letter in letters])
    phases.append(("print PDF (pypdf join)", clock.lap()))
    for label, (phase_cpu, _wall) in phases:
        print(f"  {label:24} {1000 * phase_cpu / len(part):6.1f} ms/letter")
    return rate


def bench_one_by_one(count: int) -> float:
    from relance.channels.letter.render import render_one

    single_items = items(count)
    clock = Clock()
    for item in single_items:
        render_one(item)
    cpu, wall = clock.lap()
    rate = count / cpu
    print(
        f"one by one, {count:5} letters: {cpu:6.2f} s CPU ({wall:6.2f} s wall) = "
        f"{rate:5.1f} letters/s/core"
    )
    return rate


def bench_split(count: int) -> None:
    from relance.channels.letter import layout
    from relance.channels.letter.render import first_pages, letters_html, split_letters

    batch_items = items(count)
    document = layout.render(letters_html(batch_items))
    pdf = document.write_pdf()
    clock = Clock()
    letters = split_letters(document, batch_items)
    weasy_cpu, _ = clock.lap()
    weasy_size = sum(len(letter.pdf) for letter in letters) / count
    print(
        f"split {count} letters, WeasyPrint Document.copy().write_pdf(): "
        f"{1000 * weasy_cpu / count:5.1f} ms/letter, {weasy_size / 1024:.1f} KiB/letter"
    )
    try:
        from pypdf import PdfReader, PdfWriter
    except ImportError:
        print("split with pypdf: not installed (pip install pypdf)")
        return
    starts = first_pages(document, count)
    ends = [*starts[1:], len(document.pages)]
    clock.lap()
    reader = PdfReader(io.BytesIO(pdf))
    size = 0
    for start, end in zip(starts, ends, strict=True):
        writer = PdfWriter()
        for number in range(start, end):
            writer.add_page(reader.pages[number])
        out = io.BytesIO()
        writer.write(out)
        size += len(out.getvalue())
    pypdf_cpu, _ = clock.lap()
    print(
        f"split {count} letters, pypdf pages of the batch PDF:          "
        f"{1000 * pypdf_cpu / count:5.1f} ms/letter, {size / count / 1024:.1f} KiB/letter "
        f"(each carries the whole batch's font subsets)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--one-by-one", type=int, default=50)
    parser.add_argument("--split", type=int, default=0)
    args = parser.parse_args()
    setup_django("")
    from relance.channels.letter.render import render_one

    render_one(items(1)[0])  # warm up: fonts, stylesheet, templates, catalogues
    rates = [bench_batch(count) for count in args.letters]
    single = bench_one_by_one(args.one_by_one)
    print(f"batch / one by one: {rates[-1] / single:.2f}x (largest batch)")
    if args.split:
        bench_split(args.split)
    print(f"peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()

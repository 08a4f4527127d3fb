"""Benchmark: render reminder e-mails (letters: bench/render_letters.py).

Target (DESIGN.md section 7): 2,000 e-mails a second per core (HTML table of 10 invoices,
inlined CSS, text part).
Usage: python bench/render.py [--emails N]

Times are CPU seconds of this process (what "per core" is about; the machine may be shared),
wall-clock seconds alongside. E-mails are timed twice: rendering (template, HTML layout with
its CSS inlined, text part) and the whole MIME message with its bytes, as the SMTP backend
would send it.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import setup_django

EMAIL_TARGET = 2000.0


def reminders(count: int) -> list:  # type: ignore[type-arg]
    """The letters benchmark's customers, as level-2 e-mails (no penalties)."""
    from render_letters import reminders as letters

    return [
        replace(
            reminder,
            channel="email",
            level=2,
            formal_notice=False,
            invoices=tuple(
                replace(i, level=2, interest=None, indemnity=None, interest_rate=None)
                for i in reminder.invoices
            ),
        )
        for reminder in letters(count)
    ]


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
    batch = reminders(count)
    render_parts(chosen, batch[0])  # warm the caches (templates compiled, locale loaded)
    start = time.process_time(), time.perf_counter()
    for reminder in batch:
        parts = render_parts(chosen, reminder)
        html_body(reminder, parts)
        text_body(reminder, parts)
    rendered = time.process_time() - start[0], time.perf_counter() - start[1]
    start = time.process_time(), time.perf_counter()
    size = 0
    for reminder in batch:
        size += len(compose(reminder, render_parts(chosen, reminder)).message().as_bytes())
    whole = time.process_time() - start[0], time.perf_counter() - start[1]
    for label, (cpu, wall) in (("render (HTML + text)", rendered), ("whole MIME message", whole)):
        rate = count / cpu
        print(
            f"e-mails, {label:22}: {count} in {cpu:6.2f} s CPU ({wall:6.2f} s wall) = "
            f"{rate:7.0f}/s/core (target {EMAIL_TARGET:.0f}/s/core: "
            f"ratio {rate / EMAIL_TARGET:.2f})"
        )
    print(f"  average message size {size / count / 1024:.1f} KiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--emails", type=int, default=2000)
    args = parser.parse_args()
    setup_django("")
    bench_emails(args.emails)


if __name__ == "__main__":
    main()

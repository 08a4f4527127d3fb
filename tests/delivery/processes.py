"""Real processes around a real outbox: a database of its own (not the test transaction), an
SMTP sink that counts every Message-ID, ``relance worker`` and Celery workers as subprocesses,
and a raw look at the rows while they work.

Run as ``python -m tests.delivery.processes prepare|queue`` (with the environment built by
``environment``), it fills that database: one company, as many customers as asked with one
overdue invoice each, a run of one e-mail per customer, queued or not.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg
from aiosmtpd.controller import Controller

from tests.databases import connect_params, scratch_postgres

ROOT = Path(__file__).resolve().parents[2]
RELANCE = [sys.executable, "-m", "relance.cli"]
SCENARIO = """\
scenarios:
  - code: std
    default: true
    levels:
      - {level: 1, from_days: 1, to_days: 9999, channels: [email]}
"""


# -- the database ---------------------------------------------------------------------------


@contextmanager
def outbox_database(folder: Path) -> Iterator[str]:
    """A database URL of the suite's kind: a SQLite file in ``folder``, or, when the suite
    runs on PostgreSQL (``DATABASE_URL``), a fresh database on that server, dropped after."""
    suite = os.environ.get("DATABASE_URL", "")
    if not suite.startswith("postgres"):
        yield f"sqlite:///{folder / 'relance.sqlite3'}"
        return
    with scratch_postgres(suite, f"{dj_database_url.parse(suite)['NAME']}_outbox") as url:
        yield url


def query(database_url: str, sql: str) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` read straight from the database the workers use."""
    if database_url.startswith("sqlite"):
        path = database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path, timeout=30) as db:
            return db.execute(sql).fetchall()
    config = dj_database_url.parse(database_url)
    with psycopg.connect(**connect_params(config, config["NAME"])) as db:
        return db.execute(sql).fetchall()


@dataclass(frozen=True)
class Row:
    state: str
    message_id: str
    claimed_by: str
    journal_sent: int  # journal entries "sent" of the message's action


def messages(database_url: str) -> dict[int, Row]:
    rows = query(
        database_url,
        "SELECT m.id, m.state, m.provider_id, m.claimed_by, "
        "(SELECT COUNT(*) FROM runs_journalentry j "
        " WHERE j.action_id = m.action_id AND j.status = 'sent') "
        "FROM delivery_message m",
    )
    return {pk: Row(state, mid, by, int(sent)) for pk, state, mid, by, sent in rows}


def unsettled(database_url: str) -> int:
    """Messages a worker still has to send or record."""
    return int(
        query(
            database_url,
            "SELECT COUNT(*) FROM delivery_message WHERE state IN ('pending', 'sending') "
            "OR (state IN ('sent', 'failed') AND NOT recorded)",
        )[0][0]
    )


# -- the SMTP sink --------------------------------------------------------------------------


@dataclass
class Sink:
    """An SMTP server in this process that counts the Message-IDs it accepts.

    Given a ``victim`` and ``kill_at``, it kills the victim with SIGKILL on receiving its
    ``kill_at``-th message, before answering: the worst moment, the message has arrived but its
    sender can never know it."""

    received: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    victim: subprocess.Popen[bytes] | None = None
    kill_at: int = 0

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        from relance.channels.email.transport.raw import message_id

        with self.lock:
            self.received[message_id(envelope.original_content)] += 1
            if self.victim is not None and sum(self.received.values()) == self.kill_at:
                self.victim.kill()
        return "250 Message accepted for delivery"

    @property
    def count(self) -> int:
        with self.lock:
            return sum(self.received.values())

    def duplicates(self) -> dict[str, int]:
        with self.lock:
            return {mid: n for mid, n in self.received.items() if n > 1}


@contextmanager
def sink() -> Iterator[tuple[Sink, int]]:
    """The sink listening on a free local port, and that port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    handler = Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


# -- processes ------------------------------------------------------------------------------


def environment(home: Path, database_url: str, smtp_port: int, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "RELANCE_HOME": str(home),
        "DATABASE_URL": database_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}?starttls=no&timeout=10",
        "LANG": "en_US.UTF-8",
        "SMS_QUIET_HOURS": "none",
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",  # the logs say "started" when the worker has
        "DJANGO_SETTINGS_MODULE": "relance.settings",
        "CELERY_BROKER_URL": "",
        **extra,
    }
    return env


def run(env: dict[str, str], *command: str, timeout: float = 120) -> str:
    """A one-off command's output; fails loudly."""
    done = subprocess.run(
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def relance(env: dict[str, str], *args: str) -> str:
    return run(env, *RELANCE, *args)


def helper(env: dict[str, str], *args: str) -> str:
    """This module's own commands (``prepare``, ``queue``), in the workers' environment."""
    return run(env, sys.executable, "-m", "tests.delivery.processes", *args)


def prepare(env: dict[str, str], customers: int, *, queue: bool) -> None:
    """A migrated database with a run of ``customers`` e-mails (queued in the outbox or not)."""
    relance(env, "init", "--company", "acme")
    helper(env, "prepare", str(customers), *(["--queue"] if queue else []))


def start(env: dict[str, str], *command: str, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as output:
        return subprocess.Popen(
            list(command), env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
        )


def worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return start(env, *RELANCE, "worker", "--no-schedule", "--poll", "0.2", log=log)


def stop(process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    """Ask ``process`` to stop (SIGTERM: it finishes its message), then insist."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(condition: Callable[[], bool], timeout: float, what: str, step: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {timeout:.0f} s for {what}")
        time.sleep(step)


# -- the subprocess side --------------------------------------------------------------------


def _prepare(customers: int, queue: bool) -> None:
    from datetime import date, timedelta
    from decimal import Decimal

    from relance.content.models import Template
    from relance.content.services import ensure_default_templates
    from relance.dunning.scenario_file import load, parse
    from relance.ledger.models import Company, Customer, Invoice
    from relance.runs.creating import RunRequest, create_run

    as_of = date(2026, 11, 24)
    company = Company.objects.get(code="acme")
    company.sender_email = "recouvrement@acme.example"
    company.save()
    load(company, parse(SCENARIO, "scenarios.yaml"))
    # A statement PDF per e-mail would take most of the time (WeasyPrint): these tests are
    # about what happens to the bytes once queued, not about their attachments.
    ensure_default_templates(company)
    Template.objects.filter(company=company).update(attach_invoices=False)
    Customer.objects.bulk_create(
        Customer(company=company, code=f"C{n:05d}", name=f"Client {n}", email=f"c{n}@example.com")
        for n in range(customers)
    )
    ids = dict(Customer.objects.filter(company=company).values_list("code", "pk"))
    Invoice.objects.bulk_create(
        Invoice(
            company=company,
            customer_id=ids[f"C{n:05d}"],
            number=f"F{n:05d}",
            issue_date=as_of - timedelta(days=40),
            due_date=as_of - timedelta(days=10),
            amount=Decimal("120.00"),
            open_amount=Decimal("120.00"),
        )
        for n in range(customers)
    )
    create_run(company, RunRequest(as_of))
    if queue:
        _queue(dispatch=False)


def _queue(dispatch: bool) -> None:
    from relance.delivery.queueing import queue_run
    from relance.delivery.services import queue_and_dispatch
    from relance.runs.models import Run

    run = Run.objects.get()
    queued = queue_and_dispatch(run) if dispatch else queue_run(run)
    print(f"{len(queued.messages)} queued, {queued.failed} failed")


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    prepare = commands.add_parser("prepare")
    prepare.add_argument("customers", type=int)
    prepare.add_argument("--queue", action="store_true")
    queue = commands.add_parser("queue")
    queue.add_argument("--dispatch", action="store_true", help="and send (Celery if a broker)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relance.settings")
    import django

    django.setup()
    if args.command == "prepare":
        _prepare(args.customers, args.queue)
    else:
        _queue(args.dispatch)


if __name__ == "__main__":
    main()

"""Benchmark: send the outbox to a local SMTP server with 1, 2 and 4 worker processes, embedded
(``relance worker``) and Celery (Redis broker, worker concurrency 1, 2, 4).

Target (DESIGN.md section 7): 500 messages a second to a local SMTP server, connections reused.
Usage: python bench/send.py [--messages N] [--workers 1 2 4] [--database-url URL] [--no-celery]

The outbox is prepared once: N customers with 10 overdue invoices each, a run, a few of its
e-mails rendered by the content pipeline (without PDF attachments) and copied, each copy with
its own Message-ID, for the others. Each configuration then gets its own copy of that database
(a file copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL). The messages are held
back until every worker is up; the clock starts when they are released and stops when the SMTP
sink (bench/smtp_sink.py, a separate process, its ceiling printed first) has them all. The
sink counts Message-IDs, so every configuration is checked for messages received exactly once.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from outbox_db import Databases, execute, scalar
from smtp_sink import free_port, reset, stat

TARGET = 500.0  # messages per second
BROKER = "redis://127.0.0.1:6379/15"
ROOT = Path(__file__).resolve().parent.parent
RELEASE = (
    "UPDATE delivery_message SET next_attempt_at = '2000-01-01 00:00:00' WHERE state = 'pending'"
)
SETTLED = "SELECT COUNT(*) FROM delivery_message WHERE state = 'sent' AND recorded"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=6000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--no-celery", action="store_true")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--dispatch", metavar="QUEUE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        from outbox_prep import prepare

        prepare(args.messages)
    elif args.dispatch:
        dispatch(args.dispatch)
    else:
        Bench(args).run()


Process = subprocess.Popen[Any]
SINK = str(Path(__file__).resolve().parent / "smtp_sink.py")


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.count: int = args.messages
        self.workers: list[int] = args.workers
        self.celery = not args.no_celery
        self.home = Path(tempfile.mkdtemp(prefix="relance-bench-send-"))
        self.databases = Databases(args.database_url, self.home)
        self.port = free_port()
        self.failures: list[str] = []
        self.released = 0.0

    def run(self) -> None:
        sink = piped([sys.executable, SINK, "--port", str(self.port)], os.environ.copy())
        try:
            ready(sink)
            self._run()
        finally:
            stop([sink])
            self.databases.drop_all()
            shutil.rmtree(self.home, ignore_errors=True)
        if self.failures:
            sys.exit("\n".join(self.failures))

    def _run(self) -> None:
        print(f"database: {self.databases.kind}; {self.count} messages; sink on port {self.port}")
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, __file__, "--prepare", "--messages", str(self.count)],
            env=self.env(self.databases.template, ""),
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        print(f"{out.strip()} in {time.perf_counter() - started:.1f} s")
        self.databases.seal()
        sample = next((self.home / "media").rglob("*.eml"))
        for clients in sorted({1, max(self.workers)}):
            self.sink_alone(clients, sample)
        for workers in self.workers:
            self.embedded(workers)
        if not self.celery:
            return
        broker = redis_answers()
        if not broker:
            return
        for workers in self.workers:
            self.celery_workers(workers, broker)

    def env(self, database_url: str, broker: str) -> dict[str, str]:
        return {
            **os.environ,
            "RELANCE_HOME": str(self.home),
            "DATABASE_URL": database_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{self.port}?starttls=no",
            "CELERY_BROKER_URL": broker,
            "DJANGO_SETTINGS_MODULE": "relance.settings",
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
            "SMS_QUIET_HOURS": "none",
        }

    def sink_alone(self, clients: int, sample: Path) -> None:
        """The sink fed by bare smtplib clients: a ceiling no worker set-up can pass."""
        each = min(self.count, 3000) // clients
        reset(self.port)
        blasters = [
            piped([sys.executable, SINK, "--blast", str(self.port), str(sample)], os.environ.copy())
            for _ in range(clients)
        ]
        for blaster in blasters:
            ready(blaster)
        try:
            seconds = self.clock(lambda: say(blasters, f"{each}"), each * clients, blasters)
        finally:
            stop(blasters)
        print(
            f"SMTP sink alone, {clients} smtplib client{'s' if clients > 1 else ' '}: "
            f"{each * clients / seconds:5.0f}/s (the ceiling; {sample.stat().st_size / 1024:.1f} "
            "KiB a message)"
        )

    def embedded(self, workers: int) -> None:
        url = self.databases.clone(f"e{workers}")
        reset(self.port)
        logs = [self.home / f"embedded-{workers}-{n}.log" for n in range(workers)]
        command = [sys.executable, "-m", "relance.cli", "worker", "--no-schedule", "--poll", "0.1"]
        processes = [logged(command, self.env(url, ""), log) for log in logs]
        try:
            wait(lambda: all("started" in log.read_text() for log in logs), "the workers")
            label = f"embedded, {workers} worker{'s' if workers > 1 else ' '}"
            self.measure(label, url, processes, lambda: execute(url, RELEASE))
        finally:
            stop(processes)
            self.databases.drop(url)

    def celery_workers(self, concurrency: int, broker: str) -> None:
        url = self.databases.clone(f"c{concurrency}")
        reset(self.port)
        env = self.env(url, broker)
        import redis

        queue = "relance-bench"  # not Celery's default queue: no other producer's tasks
        redis.Redis.from_url(broker).delete(queue)  # nor those of an interrupted benchmark
        log = self.home / f"celery-{concurrency}.log"
        worker = logged(
            [
                *(sys.executable, "-m", "celery", "-A", "relance", "worker", "-Q", queue),
                *(f"--concurrency={concurrency}", "--loglevel=INFO"),
                *("--hostname", f"{queue}-{uuid.uuid4().hex[:8]}@%h"),
                *("--without-mingle", "--without-gossip", "--without-heartbeat"),
            ],
            env,
            log,
        )
        dispatcher = piped([sys.executable, __file__, "--dispatch", queue], env)
        try:
            wait(lambda: " ready." in log.read_text(), "the Celery worker")
            ready(dispatcher)
            label = f"Celery, concurrency {concurrency}"
            self.measure(label, url, [worker, dispatcher], lambda: say([dispatcher], "go"))
        finally:
            stop([dispatcher, worker])
            self.databases.drop(url)

    def measure(
        self, label: str, url: str, processes: list[Process], go: Callable[[], None]
    ) -> None:
        seconds = self.clock(go, self.count, processes)
        wait(lambda: scalar(url, SETTLED) >= self.count, "every message recorded", step=0.05)
        recorded = time.perf_counter() - self.released
        received, distinct, duplicated = stat(self.port)
        rate = self.count / seconds
        once = received == distinct == self.count and not duplicated
        verdict = (
            "each message received exactly once"
            if once
            else f"WRONG: {received} received, {distinct} distinct, {duplicated} more than once"
        )
        print(
            f"{label:26}: {self.count} in {seconds:5.1f} s = {rate:5.0f}/s "
            f"(target {TARGET:.0f}/s: ratio {rate / TARGET:.2f}); journal written after "
            f"{recorded:.1f} s; {verdict}"
        )
        if not once:
            self.failures.append(f"{label}: messages lost or duplicated")

    def clock(self, go: Callable[[], None], expected: int, watched: list[Process]) -> float:
        """Seconds from ``go`` until the sink has ``expected`` messages."""

        def arrived() -> bool:
            for process in watched:
                if process.poll() not in (None, 0):
                    logs = "".join(log.read_text()[-3000:] for log in self.home.glob("*.log"))
                    raise RuntimeError(f"{process.args!r} died ({process.returncode}):\n{logs}")
            return stat(self.port)[0] >= expected

        self.released = time.perf_counter()
        go()
        wait(arrived, f"{expected} messages at the sink", step=0.02, timeout=180)
        return time.perf_counter() - self.released


def dispatch(queue: str) -> None:
    """The Celery producer: ready when Django is, then on "go" releases the messages and
    enqueues their send tasks exactly as a run does (``services.dispatch``)."""
    import django

    django.setup()
    from django.utils import timezone

    from relance.celery import app
    from relance.delivery.models import Message
    from relance.delivery.services import dispatch as enqueue

    app.conf.task_default_queue = queue
    ids = list(Message.objects.filter(state="pending").order_by("pk").values_list("pk", flat=True))
    with app.connection_for_write() as connection:
        connection.ensure_connection()
    print("ready", flush=True)
    sys.stdin.readline()
    Message.objects.filter(pk__in=ids).update(next_attempt_at=timezone.now())
    enqueue(ids)


def redis_answers() -> str:
    """The broker's URL, or "" once it said why Celery is skipped."""
    try:
        import redis
    except ImportError:
        print("Celery: skipped, its Redis transport is not installed (celery[redis])")
        return ""
    try:
        redis.Redis.from_url(BROKER, socket_connect_timeout=2).ping()
    except redis.RedisError:
        print("Celery: skipped, no Redis on 127.0.0.1:6379")
        return ""
    return BROKER


def logged(command: list[str], env: dict[str, str], log: Path) -> Process:
    with log.open("wb") as output:
        return subprocess.Popen(command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)


def piped(command: list[str], env: dict[str, str]) -> Process:
    return subprocess.Popen(
        command, env=env, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )


def ready(process: Process) -> None:
    """Wait for ``process`` to say it is ready."""
    line = process.stdout.readline().strip() if process.stdout else ""
    if line != "ready":
        raise RuntimeError(f"{process.args!r} did not start: {line!r}")


def say(processes: list[Process], line: str) -> None:
    for process in processes:
        assert process.stdin is not None
        process.stdin.write(f"{line}\n")
        process.stdin.close()


def stop(processes: list[Process]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait(condition: Callable[[], bool], what: str, step: float = 0.1, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what} after {timeout:.0f} s")
        time.sleep(step)


if __name__ == "__main__":
    main()

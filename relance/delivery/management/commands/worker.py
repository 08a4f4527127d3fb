import signal
import time
from datetime import date
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from relance.delivery import services
from relance.delivery.sending import worker_name
from relance.runs.schedule import run_daily


class Command(BaseCommand):
    help = (
        "Run the embedded worker: send the outbox as messages come due, notice interrupted "
        "sends, and start the daily run at DAILY_RUN_AT. Safe to start several."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--poll", type=float, default=5.0, help="seconds between passes")
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--no-schedule", action="store_true", help="don't start the daily run")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stopping = False
        # A stop request lets the current message finish: killing mid-send is what makes a
        # message uncertain.
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        name = worker_name()
        refused: set[tuple[int, date]] = set()
        self.stdout.write(f"relance worker {name} started at {timezone.now():%Y-%m-%d %H:%M:%S}")
        while not self.stopping:
            close_old_connections()
            if not options["no_schedule"]:
                for result in run_daily(refused=refused):
                    self.stdout.write(result.summary())
            outcome = services.worker_pass(worker=name, stopping=lambda: self.stopping)
            if outcome.handled or outcome.uncertain:
                self.stdout.write(
                    f"{outcome.sent} sent, {outcome.retried} to retry, {outcome.failed} failed, "
                    f"{outcome.uncertain} uncertain"
                )
            if options["once"]:
                break
            if not outcome.handled:
                deadline = time.monotonic() + options["poll"]
                while not self.stopping and time.monotonic() < deadline:
                    time.sleep(0.2)

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True

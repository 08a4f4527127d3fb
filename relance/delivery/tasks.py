"""Celery tasks: ids in, the same services as ``relance worker`` inside."""

from __future__ import annotations

from celery import shared_task

from relance.delivery import services
from relance.runs.schedule import run_daily


@shared_task(name="relance.send_messages")
def send_messages(ids: list[int]) -> int:
    """Send the named messages if they are still pending and due (a duplicate task finds
    them claimed or sent and does nothing)."""
    return services.deliver(ids=ids).sent


@shared_task(name="relance.worker_pass")
def worker_pass() -> int:
    return services.worker_pass().sent


@shared_task(name="relance.daily_run")
def daily_run() -> list[int]:
    results = run_daily()
    return [result.run.pk for result in results]

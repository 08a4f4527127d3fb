"""The Celery application, for deployments with a broker (``CELERY_BROKER_URL``).

Start workers with ``celery -A relance worker`` and the schedule with ``celery -A relance
beat``. Tasks are thin: they carry ids and call the same services as ``relance worker``.
"""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relance.settings")

app = Celery("relance")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["relance.delivery"])


def _daily_crontab() -> crontab:
    from relance.runs.schedule import daily_run_at

    at = daily_run_at()
    return crontab(hour=at.hour, minute=at.minute) if at else crontab(minute="*/5")


@app.on_after_finalize.connect
def _schedule(sender: Celery, **kwargs: object) -> None:
    from relance.delivery.tasks import daily_run, worker_pass

    # Retries come due and interrupted sends must be noticed even when no run is queueing.
    sender.add_periodic_task(60.0, worker_pass.s(), name="outbox pass")
    sender.add_periodic_task(_daily_crontab(), daily_run.s(), name="daily run")

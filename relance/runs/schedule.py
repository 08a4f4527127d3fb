"""The daily run: every company's dunning pass once a day, at ``DAILY_RUN_AT`` local time.

Any number of workers (embedded or Celery beat) may ask at the same time: the run is created
with ``scheduled=True``, which the database allows once per company and day, so the others
find it done.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time

from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone

from relance.ledger.models import Company
from relance.runs.models import Run
from relance.runs.services import RunRefused, RunRequest, RunResult, run_dunning

log = logging.getLogger(__name__)


def daily_run_at() -> time | None:
    """``DAILY_RUN_AT`` as a time, None when set to ``off``.

    >>> from django.test import override_settings
    >>> with override_settings(DAILY_RUN_AT="06:30"):
    ...     daily_run_at()
    datetime.time(6, 30)
    """
    raw = str(getattr(settings, "DAILY_RUN_AT", "07:00")).strip().lower()
    if raw in {"", "off", "no", "none"}:
        return None
    return time.fromisoformat(raw)


def run_daily(
    now: datetime | None = None, refused: set[tuple[int, date]] | None = None
) -> list[RunResult]:
    """Start today's run of every company that has none yet, once the hour has come.
    ``refused`` remembers, for a long-lived worker, the companies whose run was refused today
    (e.g. dated before a forced run), so they are not retried and logged at every pass."""
    at = daily_run_at()
    local = timezone.localtime(now or timezone.now())
    if at is None or local.time() < at:
        return []
    today = local.date()
    done = set(Run.objects.filter(as_of=today, scheduled=True).values_list("company_id", flat=True))
    results = []
    refused = refused if refused is not None else set()
    for company in Company.objects.exclude(pk__in=done).order_by("code"):
        if (company.pk, today) in refused:
            continue
        try:
            results.append(run_dunning(company, RunRequest(as_of=today, scheduled=True)))
        except IntegrityError:
            continue  # another worker started it a moment ago
        except RunRefused as exc:
            refused.add((company.pk, today))
            log.warning("daily run of %s refused: %s", company.code, exc)
        except Exception:  # one company's failure must not stop the others' runs
            log.exception("daily run of %s failed", company.code)
    return results

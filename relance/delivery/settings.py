"""Outbox tuning, read from Django settings (themselves from the environment, see README)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def batch_size() -> int:
    return int(getattr(settings, "OUTBOX_BATCH_SIZE", 100))


def lease() -> timedelta:
    """How long a claim may stay ``sending`` before the message is declared uncertain."""
    return timedelta(seconds=float(getattr(settings, "OUTBOX_LEASE_SECONDS", 300)))


def max_attempts() -> int:
    return int(getattr(settings, "OUTBOX_MAX_ATTEMPTS", 8))


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after ``attempts`` failed ones: 1, 2, 4… minutes, at most 6 h.

    >>> [int(backoff(n).total_seconds() // 60) for n in (1, 2, 3, 9, 20)]
    [1, 2, 4, 256, 360]
    """
    base = float(getattr(settings, "OUTBOX_RETRY_SECONDS", 60))
    return timedelta(seconds=min(base * 2 ** (attempts - 1), 6 * 3600))

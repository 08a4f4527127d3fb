"""Runs whose e-mails go through a recording transport instead of a real one."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from relance.delivery import services
from tests.delivery.fakes import RecordingTransport
from tests.runs.conftest import AS_OF, company, customer, invoice  # noqa: F401

__all__ = ["AS_OF", "customer", "invoice"]


@pytest.fixture
def transport(monkeypatch) -> RecordingTransport:
    fake = RecordingTransport()
    monkeypatch.setattr(services, "transport_for", lambda channel: fake)
    return fake


class Clock:
    """Starts at the real time of its first reading (after the test queued its messages),
    then moves only when told."""

    def __init__(self) -> None:
        self.now: datetime | None = None

    def __call__(self) -> datetime:
        if self.now is None:
            self.now = timezone.now()
        return self.now

    def advance(self, **delta: float) -> None:
        self.now = self() + timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()

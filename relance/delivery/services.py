"""The outbox's use cases, shared by ``relance send``, ``relance worker``, Celery tasks, the
admin and the back-office: queue a run, deliver what is due, and the one pass a worker makes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import partial

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from relance.channels.transport import Transport
from relance.delivery import settings as outbox
from relance.delivery.fallback import queue_fallbacks
from relance.delivery.queueing import SENT_BY_WORKERS, Queued, queue_run
from relance.delivery.recording import record_finished
from relance.delivery.sending import Clock, Sent, claim, mark_interrupted, send_claimed
from relance.runs.models import Run

TransportFactory = Callable[[str], Transport]


def transport_for(channel: str) -> Transport:
    if channel == "email":
        from relance.channels.email.transport import email_transport

        return email_transport()
    from relance.channels.sms.transport import sms_transport

    return sms_transport()


def deliver(
    *,
    channels: Iterable[str] = SENT_BY_WORKERS,
    ids: Iterable[int] | None = None,
    worker: str | None = None,
    transports: Mapping[str, Transport] | None = None,
    clock: Clock = timezone.now,
    limit: int | None = None,
    stopping: Callable[[], bool] = lambda: False,
) -> Sent:
    """Send every due message (or only ``ids``), batch by batch over one connection per
    channel, recording each batch's outcomes before claiming the next. ``limit`` caps how many
    messages this call claims in all (for a worker sharing the outbox fairly)."""
    outcome = Sent()
    wanted = list(ids) if ids is not None else None
    size = outbox.batch_size()
    for channel in channels:
        transport: Transport | None = None
        try:
            while limit is None or outcome.handled < limit:
                batch = claim(
                    channel,
                    size if limit is None else min(size, limit - outcome.handled),
                    worker=worker,
                    now=clock(),
                    ids=wanted,
                )
                if not batch:
                    break
                if transport is None:
                    transport = (transports or {}).get(channel) or transport_for(channel)
                    transport.open()
                outcome.add(send_claimed(batch, transport, clock, stopping))
                if stopping():
                    break
                outcome.recorded += record_finished()
        finally:
            if transport is not None:
                transport.close()
    return outcome


def worker_pass(
    *,
    worker: str | None = None,
    transports: Mapping[str, Transport] | None = None,
    stopping: Callable[[], bool] = lambda: False,
) -> Sent:
    """What every worker does on each tick: declare interrupted sends uncertain, queue
    fallbacks left behind, send what is due, record what finished."""
    outcome = Sent()
    outcome.uncertain += len(mark_interrupted())
    queue_fallbacks()
    outcome.add(
        deliver(
            worker=worker,
            transports=transports,
            limit=outbox.batch_size() * 10,
            stopping=stopping,
        )
    )
    outcome.recorded += record_finished()
    return outcome


def queue_and_dispatch(run: Run, user: User | None = None) -> Queued:
    """Queue the run's approved actions, then get them sent: by Celery workers once the
    transaction commits when a broker is configured, right here otherwise."""
    queued = queue_run(run, user)
    dispatch(queued.messages)
    return queued


def dispatch(ids: list[int]) -> None:
    if not ids:
        return
    if getattr(settings, "CELERY_BROKER_URL", ""):
        from relance.delivery.tasks import send_messages

        size = outbox.batch_size()
        for start in range(0, len(ids), size):
            chunk = ids[start : start + size]
            # Tasks carry ids only, and only once the rows they name are committed.
            transaction.on_commit(partial(send_messages.delay, chunk))
    else:
        deliver(ids=ids)

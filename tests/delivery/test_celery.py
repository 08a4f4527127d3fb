"""Celery workers run the very same services: tasks carry ids only, leave once the rows they
name are committed, and a real worker on the Redis broker sends a run once and records it.
Without a broker, everything is sent in-process."""

from __future__ import annotations

import json
import os
import re
import sys
import uuid

import pytest

from relance.delivery import services
from relance.delivery.models import Message, MessageState
from relance.delivery.queueing import queue_run
from relance.delivery.tasks import send_messages
from relance.runs.creating import RunRequest, create_run
from relance.runs.models import JournalEntry, JournalStatus
from tests.delivery.conftest import AS_OF, customer, invoice
from tests.delivery.processes import (
    environment,
    helper,
    messages,
    outbox_database,
    prepare,
    sink,
    start,
    stop,
    unsettled,
    wait_for,
)

BROKER = "redis://127.0.0.1:6379/15"


def a_run_of(company, customers):
    for n in range(customers):
        invoice(customer(company, f"C{n}"), f"F{n}", 5)
    return create_run(company, RunRequest(AS_OF))


@pytest.mark.django_db
def test_without_a_broker_a_queued_run_is_sent_in_process_at_once(company, transport, settings):
    settings.CELERY_BROKER_URL = ""
    queued = services.queue_and_dispatch(a_run_of(company, 3))
    assert len(queued.messages) == 3
    assert sorted(transport.sent_keys()) == sorted(Message.objects.values_list("key", flat=True))
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.SENT}


@pytest.mark.django_db
def test_with_a_broker_send_tasks_carry_ids_only_and_leave_after_the_commit(
    company, transport, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.CELERY_BROKER_URL = BROKER
    settings.OUTBOX_BATCH_SIZE = 2
    enqueued: list[list[int]] = []
    monkeypatch.setattr(send_messages, "delay", enqueued.append)
    run_ = a_run_of(company, 5)
    with django_capture_on_commit_callbacks() as callbacks:
        queued = services.queue_and_dispatch(run_)
    assert enqueued == []  # the transaction has not committed yet
    for callback in callbacks:
        callback()
    ids = queued.messages
    assert enqueued == [ids[0:2], ids[2:4], ids[4:5]]
    assert json.loads(json.dumps(enqueued)) == enqueued
    assert transport.sent == []  # the workers send, not this process
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.PENDING}


@pytest.mark.django_db
def test_a_send_task_sends_its_messages_and_a_duplicate_task_does_nothing(company, transport):
    queued = queue_run(a_run_of(company, 3))
    assert send_messages(queued.messages) == 3
    assert send_messages(queued.messages) == 0
    assert len(transport.sent) == 3
    assert JournalEntry.objects.filter(status=JournalStatus.SENT).count() == 3


def redis_broker() -> str:
    """The broker's URL if Celery can use it here; skips (fails in CI) with the reason."""
    try:
        import redis
    except ImportError:  # pragma: no cover - celery[redis] is a dependency
        reason = "Celery's Redis transport is not installed (pip install 'celery[redis]')"
    else:
        try:
            redis.Redis.from_url(BROKER, socket_connect_timeout=2).ping()
            return BROKER
        except redis.RedisError as exc:
            reason = f"no Redis answers at 127.0.0.1:6379 ({exc}); Celery tests need one"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


CUSTOMERS = 200
BATCH = 25


def test_a_real_celery_worker_sends_a_queued_run_once_and_records_it(tmp_path):
    broker = redis_broker()
    with outbox_database(tmp_path) as database, sink() as (inbox, port):
        env = environment(
            tmp_path, database, port, CELERY_BROKER_URL=broker, OUTBOX_BATCH_SIZE=str(BATCH)
        )
        prepare(env, CUSTOMERS, queue=False)
        log = tmp_path / "celery.log"
        worker = start(
            env,
            *(sys.executable, "-m", "celery", "-A", "relance", "worker", "--concurrency=2"),
            *("--loglevel=INFO", "--without-mingle", "--without-gossip", "--without-heartbeat"),
            *("--hostname", f"relance-test-{uuid.uuid4().hex[:8]}@%h"),
            log=log,
        )
        try:
            wait_for(lambda: " ready." in log.read_text(), 60, "the Celery worker")
            assert f"{CUSTOMERS} queued" in helper(env, "queue", "--dispatch")
            wait_for(lambda: unsettled(database) == 0, 60, "the outbox to settle", step=0.2)
        finally:
            stop(worker)
        rows = messages(database)

    # Each task logs how many messages it sent: one task per batch sent them all.
    results = re.findall(
        r"relance\.send_messages\[[-0-9a-f]+\] succeeded in \S+: (\d+)", log.read_text()
    )
    assert [int(sent) for sent in results] == [BATCH] * (CUSTOMERS // BATCH)
    assert inbox.duplicates() == {}
    assert inbox.count == len(rows) == CUSTOMERS
    assert set(inbox.received) == {row.message_id for row in rows.values()}
    assert {row.state for row in rows.values()} == {"sent"}
    assert [row.journal_sent for row in rows.values()] == [1] * CUSTOMERS

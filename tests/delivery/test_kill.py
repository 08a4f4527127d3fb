"""A worker killed with SIGKILL in the middle of the outbox: nothing is sent twice, nothing is
lost. Real processes, a real database, a real SMTP server counting every Message-ID."""

from __future__ import annotations

from tests.delivery.processes import (
    environment,
    messages,
    outbox_database,
    prepare,
    sink,
    stop,
    unsettled,
    wait_for,
    worker,
)

MESSAGES = 2000
BATCH = 100
# Halfway through a batch: the dead worker leaves claimed messages sent, in flight and not
# yet sent.
KILL_AT = 750


def test_a_worker_killed_mid_send_leaves_every_message_sent_once_or_uncertain(tmp_path):
    with outbox_database(tmp_path) as database, sink() as (inbox, port):
        env = environment(
            tmp_path, database, port, OUTBOX_LEASE_SECONDS="2", OUTBOX_BATCH_SIZE=str(BATCH)
        )
        prepare(env, MESSAGES, queue=True)
        doomed = worker(env, tmp_path / "worker-1.log")
        inbox.victim, inbox.kill_at = doomed, KILL_AT
        try:
            wait_for(lambda: doomed.poll() is not None, 60, f"message {KILL_AT} to arrive")
        finally:
            doomed.kill()
        survivor = worker(env, tmp_path / "worker-2.log")
        try:
            # The dead worker's claim waits out its lease: its message in flight becomes
            # uncertain, the others go to this worker.
            wait_for(lambda: unsettled(database) == 0, 60, "the outbox to settle", step=0.2)
        finally:
            stop(survivor)
        rows = messages(database)

    received = set(inbox.received)
    uncertain = [row for row in rows.values() if row.state == "uncertain"]
    sent = [row for row in rows.values() if row.state == "sent"]
    arrived_uncertain = [row for row in uncertain if row.message_id in received]
    print(
        f"killed on message {KILL_AT}: {len(sent)} sent, {len(uncertain)} uncertain, "
        f"{len(arrived_uncertain)} of which had arrived"
    )
    assert len(rows) == MESSAGES
    assert inbox.duplicates() == {}
    assert {row.state for row in rows.values()} <= {"sent", "uncertain"}
    assert received <= {row.message_id for row in rows.values()}
    # Sent means received; what the sink lacks was interrupted, and says so.
    assert all(row.message_id in received for row in sent)
    assert len(received | {row.message_id for row in uncertain}) == MESSAGES
    # The message the worker died waiting for an answer about is not taken as unsent, and
    # it alone is uncertain: the rest of the dead worker's claim went to the survivor.
    assert uncertain == arrived_uncertain
    assert len(uncertain) == 1
    assert inbox.count == len(received) == len(sent) + 1
    assert [row.journal_sent for row in sent] == [1] * len(sent)
    assert not any(row.journal_sent for row in uncertain)
    assert len({row.claimed_by for row in sent}) == 2, "the second worker sent nothing"

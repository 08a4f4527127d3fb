"""Two ``relance worker`` processes on one outbox share the work and never send the same
message. Real processes, a real database, a real SMTP server counting every Message-ID."""

from __future__ import annotations

from tests.delivery.processes import (
    environment,
    helper,
    messages,
    outbox_database,
    prepare,
    sink,
    stop,
    unsettled,
    wait_for,
    worker,
)

MESSAGES = 500


def test_two_workers_on_one_outbox_share_it_and_send_each_message_exactly_once(tmp_path):
    with outbox_database(tmp_path) as database, sink() as (inbox, port):
        # Small batches, so that neither worker can take everything in one claim.
        env = environment(tmp_path, database, port, OUTBOX_BATCH_SIZE="20")
        prepare(env, MESSAGES, queue=False)
        logs = [tmp_path / f"worker-{n}.log" for n in (1, 2)]
        workers = [worker(env, log) for log in logs]
        try:
            # Both are polling the empty outbox before the run is queued under them.
            wait_for(lambda: all("started" in log.read_text() for log in logs), 60, "both workers")
            helper(env, "queue")
            wait_for(lambda: unsettled(database) == 0, 60, "the outbox to settle", step=0.2)
        finally:
            for process in workers:
                stop(process)
        rows = messages(database)

    assert [process.returncode for process in workers] == [0, 0]
    assert inbox.duplicates() == {}
    assert inbox.count == len(rows) == MESSAGES
    assert set(inbox.received) == {row.message_id for row in rows.values()}
    assert {row.state for row in rows.values()} == {"sent"}
    assert [row.journal_sent for row in rows.values()] == [1] * MESSAGES
    shares = sorted(
        sum(row.claimed_by == name for row in rows.values())
        for name in {row.claimed_by for row in rows.values()}
    )
    print(f"shares of the two workers: {shares}")
    assert len(shares) == 2, "one worker did all the work"

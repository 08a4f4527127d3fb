"""Executing a run's approved actions, and the decisions a person takes on proposed ones.

Executing puts each approved action in the outbox (``relance.delivery``), rendered once; the
outbox sends e-mails and SMS exactly once, letters wait to be posted and calls become tasks.
Without a broker the messages are sent right away, in this process.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Count, QuerySet
from django.utils import timezone

from relance.runs.models import Action, ActionState, Run


@dataclass
class Outcome:
    done: int = 0
    failed: int = 0
    waiting: int = 0
    errors: list[str] = field(default_factory=list)


def approve(actions: QuerySet[Action], user: User | None = None) -> int:
    return actions.filter(state=ActionState.PROPOSED).update(
        state=ActionState.APPROVED, decided_by=_user(user), decided_at=timezone.now()
    )


def remove(actions: QuerySet[Action], reason: str, user: User | None = None) -> int:
    return actions.filter(state__in=[ActionState.PROPOSED, ActionState.APPROVED]).update(
        state=ActionState.REMOVED,
        decided_by=_user(user),
        decided_at=timezone.now(),
        removed_reason=reason,
    )


def execute(run: Run, user: User | None = None) -> Outcome:
    """Queue every approved action of ``run`` and send what can leave now."""
    from relance.delivery.services import queue_and_dispatch

    queued = queue_and_dispatch(run, user)
    outcome = progress(run)
    outcome.errors = queued.errors + [
        f"{code}: {error}"
        for code, error in run.actions.filter(
            state=ActionState.FAILED, executed_at__isnull=False
        ).values_list("customer__code", "error")
        if f"{code}: {error}" not in queued.errors
    ]
    return outcome


def progress(run: Run) -> Outcome:
    """Where the run's actions stand: done, failed, and still waiting in the outbox (letters to
    post, calls to make, messages deferred or to retry)."""
    counts = dict(
        run.actions.values_list("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    return Outcome(
        done=counts.get(ActionState.DONE, 0),
        failed=counts.get(ActionState.FAILED, 0),
        waiting=counts.get(ActionState.QUEUED, 0),
    )


def _user(user: User | None) -> User | None:
    return user if user is not None and user.is_authenticated else None

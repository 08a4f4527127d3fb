"""The dunning run as one use case: create it, then execute what needs no review.

The CLI, the admin and (later) the web screens and the worker all call ``run_dunning``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from relance.ledger.models import Company
from relance.runs.creating import RunRefused, RunRequest, create_run
from relance.runs.executing import Outcome, execute
from relance.runs.models import ActionState, Run

__all__ = ["RunRefused", "RunRequest", "RunResult", "run_dunning"]


@dataclass(frozen=True)
class RunResult:
    run: Run
    outcome: Outcome
    awaiting_review: int

    def summary(self) -> str:
        """One line saying what the run did, in the active language."""
        return _(
            "Run #%(id)s of %(date)s: %(proposals)d proposal(s), %(skipped)d already "
            "actioned that day; %(done)d sent, %(failed)d failed, %(review)d awaiting review, "
            "%(waiting)d in the outbox (letters to post, calls to make, messages deferred or "
            "to retry)."
        ) % {
            "id": self.run.pk,
            "date": self.run.as_of.isoformat(),
            "proposals": self.run.proposals,
            "skipped": self.run.skipped,
            "done": self.outcome.done,
            "failed": self.outcome.failed,
            "review": self.awaiting_review,
            "waiting": self.outcome.waiting,
        }


def run_dunning(company: Company, request: RunRequest, user: User | None = None) -> RunResult:
    run = create_run(company, request, user)
    outcome = execute(run, user)
    awaiting = run.actions.filter(state=ActionState.PROPOSED).count()
    return RunResult(run, outcome, awaiting)

"""Creating a run: plan the day, turn each proposal into one action per channel, and leave
out what was already actioned that day.

Two runs of the same company never interleave: the run is created in one transaction that
first locks the company row (PostgreSQL) or takes SQLite's write lock (IMMEDIATE
transactions), so a second run waits for the first and then finds its actions already made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.dunning.groups import recompute_groups
from relance.dunning.planning import build_plan
from relance.engine.planner import Proposal
from relance.holds.services import close_due_promises
from relance.ledger.models import Company, Customer
from relance.runs.models import Action, ActionState, Run


class RunRefused(Exception):
    """The run would contradict what was already done (e.g. dated before the latest run)."""


@dataclass(frozen=True)
class RunRequest:
    as_of: date
    scenario: str | None = None
    level: int | None = None
    review: bool = False
    force: bool = False
    # The daily run of the schedule: at most one a day per company (a database constraint).
    scheduled: bool = False


def latest_executed(company: Company) -> date | None:
    """The date of the latest run that sent anything."""
    found: date | None = Action.objects.filter(company=company, state=ActionState.DONE).aggregate(
        latest=Max("as_of")
    )["latest"]
    return found


def create_run(company: Company, request: RunRequest, user: User | None = None) -> Run:
    """Plan ``request.as_of`` and record the run with its actions (executing nothing)."""
    with transaction.atomic():
        # Serialises runs of one company; a no-op on SQLite, whose IMMEDIATE transaction
        # already holds the database's write lock.
        Company.objects.select_for_update().filter(pk=company.pk).first()
        latest = latest_executed(company)
        if latest is not None and request.as_of < latest and not request.force:
            raise RunRefused(
                _(
                    "A run dated %(date)s was already executed; a run dated %(as_of)s "
                    "would go back in time. Use --force to run it anyway."
                )
                % {"date": latest.isoformat(), "as_of": request.as_of.isoformat()}
            )
        close_due_promises(company, request.as_of)
        recompute_groups(company, request.as_of)
        plan = build_plan(company, request.as_of, scenario=request.scenario, stored_groups=True)
        proposals = [
            proposal
            for proposal in plan.proposals
            if request.level is None or proposal.level == request.level
        ]
        run = Run.objects.create(
            company=company,
            as_of=request.as_of,
            scenario_code=request.scenario or "",
            level=request.level,
            review=request.review,
            forced=request.force,
            scheduled=request.scheduled,
            started_by=user if user is not None and user.is_authenticated else None,
            proposals=len(proposals),
        )
        actions = new_actions(company, run, proposals, request.review)
        run.skipped = len(proposals) - len({(a.customer_id, a.currency) for a in actions})
        run.save(update_fields=["skipped"])
        _supersede(company, run, actions)
        Action.objects.bulk_create(actions, batch_size=500)
    return run


def new_actions(
    company: Company, run: Run, proposals: list[Proposal], review: bool
) -> list[Action]:
    ids = _customer_ids(company, [proposal.customer for proposal in proposals])
    done_today = set(
        Action.objects.filter(company=company, as_of=run.as_of).values_list(
            "customer_id", "currency", "level", "channel"
        )
    )
    actions = []
    for proposal in proposals:
        customer_id = ids[proposal.customer]
        for channel in proposal.channels:
            if (customer_id, proposal.currency, proposal.level, channel) in done_today:
                continue
            needs_review = review or proposal.review
            actions.append(
                Action(
                    run=run,
                    company=company,
                    customer_id=customer_id,
                    as_of=run.as_of,
                    currency=proposal.currency,
                    scenario_code=proposal.scenario,
                    level=proposal.level,
                    channel=channel,
                    review=needs_review,
                    total_due=proposal.total_due,
                    invoices=[
                        {
                            "number": item.number,
                            "due_date": item.due_date.isoformat(),
                            "days_overdue": item.days_overdue,
                            "level": item.level,
                            "open_amount": str(item.open_amount),
                            "due": item.due,
                        }
                        for item in proposal.items
                    ],
                    state=ActionState.PROPOSED if needs_review else ActionState.APPROVED,
                    unreachable=list(proposal.unreachable),
                )
            )
    return actions


def _customer_ids(company: Company, codes: list[str]) -> dict[str, int]:
    """The ids of the proposed customers only: a company may have far more customers."""
    ids: dict[str, int] = {}
    for start in range(0, len(codes), 5000):
        ids.update(
            Customer.objects.filter(company=company, code__in=codes[start : start + 5000])
            .order_by()
            .values_list("code", "id")
        )
    return ids


def _supersede(company: Company, run: Run, actions: list[Action]) -> None:
    """A proposal still waiting for review from an earlier day is replaced by today's."""
    fresh = {(action.customer_id, action.currency) for action in actions}
    if not fresh:
        return
    stale = [
        pk
        for pk, customer_id, currency in Action.objects.filter(
            company=company, state=ActionState.PROPOSED, as_of__lt=run.as_of
        ).values_list("pk", "customer_id", "currency")
        if (customer_id, currency) in fresh
    ]
    for start in range(0, len(stale), 5000):
        Action.objects.filter(pk__in=stale[start : start + 5000]).update(
            state=ActionState.REMOVED,
            decided_at=timezone.now(),
            removed_reason=_("Replaced by run #%(run)s") % {"run": run.pk},
        )

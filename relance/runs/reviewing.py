"""A manual run between its creation and its launch: what it holds, customers added or removed,
and the customers a channel cannot reach (e.g. no e-mail address) listed apart with their
fallback. Launching is ``relance send --run`` (``relance.delivery.services.queue_run``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from relance.dunning.planning import build_plan
from relance.ledger.models import Customer
from relance.runs.creating import new_actions
from relance.runs.models import Action, ActionState, Run


class ReviewRefused(Exception):
    pass


@dataclass(frozen=True)
class Unreachable:
    customer: str
    name: str
    level: int
    missing: tuple[str, ...]
    fallback: tuple[str, ...]  # the channels it gets instead (may be empty)


def unreachable(run: Run) -> list[Unreachable]:
    """Customers of ``run`` lacking an address for some of their level's channels."""
    found: dict[tuple[int, str], list[Action]] = {}
    for action in (
        run.actions.exclude(unreachable=[])
        .select_related("customer")
        .order_by("customer__code", "currency", "channel")
    ):
        found.setdefault((action.customer_id, action.currency), []).append(action)
    return [
        Unreachable(
            customer=actions[0].customer.code,
            name=actions[0].customer.name,
            level=actions[0].level,
            missing=tuple(actions[0].unreachable),
            fallback=tuple(a.channel for a in actions if a.channel not in a.unreachable),
        )
        for actions in found.values()
    ]


# Once one of these exists the run was launched: its list can no longer change.
LAUNCHED = (ActionState.QUEUED, ActionState.DONE, ActionState.FAILED)


def launched(run: Run) -> bool:
    """Whether the run was launched. Removing a customer during the review does not launch it;
    an action removed after it was queued (its message cancelled) keeps its claim time."""
    return run.actions.filter(Q(state__in=LAUNCHED) | Q(claimed_at__isnull=False)).exists()


def add_customers(
    run: Run,
    codes: Iterable[str],
    user: User | None = None,
    among: QuerySet[Customer] | None = None,
) -> list[Action]:
    """Add customers the run's filters left out (another level, another scenario), with
    what the plan proposes for them at the run's date. A customer with nothing due is refused
    with the plan's reason. ``among`` narrows the customers that may be added (a collector's
    own, in the back-office); any other code is unknown."""
    if launched(run):
        raise ReviewRefused(_("This run was launched; start a new run instead."))
    wanted = list(dict.fromkeys(codes))
    customers = Customer.objects.all() if among is None else among
    known = set(
        customers.filter(company=run.company, code__in=wanted).values_list("code", flat=True)
    )
    if missing := [code for code in wanted if code not in known]:
        raise ReviewRefused(_("Unknown customer(s): %(codes)s") % {"codes": ", ".join(missing)})
    plan = build_plan(run.company, run.as_of, stored_groups=True)
    proposals = [p for p in plan.proposals if p.customer in known]
    reasons = {e.customer: e.reason for e in plan.excluded if e.invoice is None}
    if absent := [code for code in wanted if code not in {p.customer for p in proposals}]:
        raise ReviewRefused(
            _("Nothing to remind at this date: %(details)s")
            % {
                "details": ", ".join(
                    f"{code} ({reasons.get(code, _('nothing due'))})" for code in absent
                )
            }
        )
    with transaction.atomic():
        actions = new_actions(run.company, run, proposals, review=True)
        Action.objects.bulk_create(actions)
        run.proposals += len({(a.customer_id, a.currency) for a in actions})
        run.save(update_fields=["proposals"])
    return actions

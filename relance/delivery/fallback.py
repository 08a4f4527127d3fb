"""When a channel cannot reach the customer (no address, bounced, refused for good), the
level's fallback channel takes over, e.g. a letter for an e-mail, and the collector is told."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from relance.delivery.labels import channel_noun
from relance.dunning.models import ScenarioLevel
from relance.runs.models import Action, ActionState
from relance.tasks.models import TaskKind
from relance.tasks.services import open_task


def fall_back(actions: Sequence[Action], user: User | None = None) -> list[int]:
    """Create the fallback action of each of ``actions`` (approved, queued by the next pass
    of ``queue_fallbacks``) and a task for the collector. Returns the new actions' ids."""
    if not actions:
        return []
    channel_of = {
        (code, level): channel
        for code, level, channel in ScenarioLevel.objects.filter(
            scenario__company_id=actions[0].company_id,
            scenario__code__in={a.scenario_code for a in actions},
        )
        .exclude(fallback_channel="")
        .values_list("scenario__code", "level", "fallback_channel")
    }
    created = []
    with transaction.atomic():
        for action in actions:
            channel = channel_of.get((action.scenario_code, action.level), "")
            detail = action.error
            if channel and channel != action.channel:
                fallback, made = Action.objects.get_or_create(
                    company_id=action.company_id,
                    customer_id=action.customer_id,
                    currency=action.currency,
                    level=action.level,
                    channel=channel,
                    as_of=action.as_of,
                    defaults={
                        "run_id": action.run_id,
                        "scenario_code": action.scenario_code,
                        "total_due": action.total_due,
                        "invoices": action.invoices,
                        "state": ActionState.APPROVED,
                        "fallback_of": action,
                        "decided_by": user if user and user.is_authenticated else None,
                    },
                )
                if made:
                    created.append(fallback.pk)
                    detail = _("%(error)s; a %(channel)s goes instead.") % {
                        "error": action.error,
                        "channel": channel_noun(channel),
                    }
            open_task(
                action.customer,
                TaskKind.FAILED,
                _("The level %(level)s %(channel)s to %(customer)s could not be sent")
                % {
                    "level": action.level,
                    "channel": channel_noun(action.channel),
                    "customer": action.customer.name,
                },
                body=detail,
                action_id=action.pk,
            )
    return created


def queue_fallbacks() -> int:
    """Queue the fallback actions still approved (a pass that died before queueing them
    leaves them here, not lost)."""
    from relance.delivery.queueing import queue_run
    from relance.runs.models import Run

    pending = Action.objects.filter(state=ActionState.APPROVED, fallback_of__isnull=False)
    queued = 0
    for run in Run.objects.filter(pk__in=pending.values("run_id")):
        ids = list(pending.filter(run=run).values_list("pk", flat=True))
        result = queue_run(run, ids=ids)
        queued += len(result.messages) + result.letters + result.calls
    return queued

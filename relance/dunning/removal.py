"""Deleting a scenario or a customer group, for the back-office's configuration screens.

A scenario is referred to by its code from customers, from groups and from the reminders of
runs not sent yet; deleting it under them would change whom they remind and how. Each such
use is a reason given to the supervisor, and nothing is deleted while one remains. The
journal keeps the code of what was sent, so finished runs do not stand in the way."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from relance.dunning.groups import recompute_groups
from relance.dunning.models import Group, Scenario
from relance.ledger.models import Customer
from relance.runs.models import Action, ActionState

PENDING = (ActionState.PROPOSED, ActionState.APPROVED, ActionState.QUEUED)


class ScenarioInUse(Exception):
    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__("; ".join(reasons))


def scenario_obstacles(scenario: Scenario) -> list[str]:
    """Why the scenario cannot be deleted now, in the reader's language; empty when it can."""
    reasons = []
    if scenario.is_default:
        reasons.append(
            _("It is the company's default scenario: make another scenario the default first.")
        )
    groups = sorted(scenario.groups.values_list("code", flat=True))
    if groups:
        reasons.append(
            ngettext(
                "The group %(groups)s follows it.",
                "The groups %(groups)s follow it.",
                len(groups),
            )
            % {"groups": ", ".join(groups)}
        )
    customers = Customer.objects.filter(
        company=scenario.company, scenario_code=scenario.code
    ).count()
    if customers:
        reasons.append(
            ngettext(
                "%(count)d customer follows it by its code.",
                "%(count)d customers follow it by its code.",
                customers,
            )
            % {"count": customers}
        )
    pending = Action.objects.filter(
        company=scenario.company, scenario_code=scenario.code, state__in=PENDING
    ).count()
    if pending:
        reasons.append(
            ngettext(
                "%(count)d reminder of a run not sent yet follows it.",
                "%(count)d reminders of runs not sent yet follow it.",
                pending,
            )
            % {"count": pending}
        )
    return reasons


def delete_scenario(scenario: Scenario) -> None:
    """Delete the scenario with its levels and exclusion windows, or raise ``ScenarioInUse``."""
    with transaction.atomic():
        # Locked so that a new group cannot take it up between the check and the delete (runs
        # and customers name it by its code: a run planned meanwhile is the supervisor's race).
        locked = Scenario.objects.select_for_update().get(pk=scenario.pk)
        reasons = scenario_obstacles(locked)
        if reasons:
            raise ScenarioInUse(reasons)
        locked.delete()


def delete_group(group: Group, as_of: date) -> dict[str, int]:
    """Delete the group, then recompute the others: its members join the next group whose
    rules they match (or none). Returns the new member counts, as ``recompute_groups``."""
    company = group.company
    with transaction.atomic():
        group.delete()
        return recompute_groups(company, as_of)

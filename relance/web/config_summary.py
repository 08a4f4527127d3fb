"""One-line summaries of a group's rules and a scenario's levels for the configuration lists."""

from __future__ import annotations

from django.utils.translation import gettext as _

from relance.dunning.models import Group
from relance.ledger.models.customer import CustomerKind


def rules_of(group: Group) -> list[str]:
    """What a customer must be to join the group, one rule a line; empty: every customer."""
    rules = []
    if group.kinds:
        labels = dict(CustomerKind.choices)
        rules.append(
            _("kind: %(values)s")
            % {"values": ", ".join(str(labels.get(k, k)) for k in group.kinds)}
        )
    for field, label in (
        ("segments", _("segment")),
        ("countries", _("country")),
        ("languages", _("language")),
    ):
        values = getattr(group, field)
        if values:
            rules.append(f"{label}: {', '.join(values)}")
    rules.extend(
        _range(label, low, high, unit)
        for label, low, high, unit in (
            (_("total due"), group.min_total_due, group.max_total_due, ""),
            (
                _("oldest overdue invoice"),
                group.min_oldest_overdue_days,
                group.max_oldest_overdue_days,
                _("days"),
            ),
        )
        if low is not None or high is not None
    )
    if group.min_late_payments is not None:
        rules.append(
            _("at least %(count)s late payment(s) in 12 months")
            % {"count": group.min_late_payments}
        )
    return rules


def _range(label: str, low: object, high: object, unit: str) -> str:
    suffix = f" {unit}" if unit else ""
    if low is not None and high is not None:
        return _("%(label)s from %(low)s to %(high)s") % {
            "label": label,
            "low": low,
            "high": f"{high}{suffix}",
        }
    if low is not None:
        return _("%(label)s from %(low)s") % {"label": label, "low": f"{low}{suffix}"}
    return _("%(label)s up to %(high)s") % {"label": label, "high": f"{high}{suffix}"}

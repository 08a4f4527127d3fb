"""Which level an open invoice sits at on a given day, and whether it is due for a reminder.

``due_date`` mode: the level is the one whose window holds the invoice's days overdue; levels
can be skipped. ``sequential`` mode: no level is skipped; level 1 comes once the days overdue
reach its ``from_days``, and each next level once the days since the previous reminder reach
that next level's ``from_days``; the preventive level 0 keeps its window in both modes. A
customer's extra delay shifts every window (in sequential mode, the window of level 0 and the
threshold of level 1, which count days overdue).
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from relance.engine.items import OpenItem
from relance.engine.scenario import Level, Mode, Scenario


class Assessment(NamedTuple):
    # A NamedTuple, not a dataclass: the daily pass builds one per open invoice.
    level: Level
    days: int
    due: bool


def in_exclusion_window(scenario: Scenario, days: int, delay: int = 0) -> bool:
    for window in scenario.exclusions:
        if window.from_days + delay <= days <= window.to_days + delay:
            return True
    return False


def assess(
    scenario: Scenario, item: OpenItem, as_of: date, delay: int = 0, days: int | None = None
) -> Assessment | None:
    """The item's level today and whether a reminder is due; None outside every window.

    >>> from decimal import Decimal
    >>> b2b = Scenario("b2b", (Level(1, 14, level=1), Level(15, 29, level=2),
    ...                        Level(30, 9999, level=3)))
    >>> item = OpenItem("F1", "C1", date(2026, 1, 1), Decimal(100), Decimal(100))
    >>> assess(b2b, item, date(2026, 2, 10))
    Assessment(level=Level(from_days=30, to_days=9999, level=3, channels=('email',), \
review=False, formal_notice=False, late_interest=False, recovery_indemnity=False), days=40, \
due=True)
    """
    if days is None:
        days = (as_of - item.due_date).days
    if scenario.mode == Mode.SEQUENTIAL:
        return _sequential(scenario, item, as_of, days, delay)
    for level in scenario.levels:
        if level.from_days + delay <= days <= level.to_days + delay:
            break
    else:
        return None
    reached = item.reached_level
    due = reached is None or level.level > reached or _repeats(scenario, item, level, as_of)
    return Assessment(level, days, due)


def _repeats(scenario: Scenario, item: OpenItem, level: Level, as_of: date) -> bool:
    """The last level comes again every ``repeat_every_days`` after its previous reminder."""
    return (
        scenario.repeat_every_days is not None
        and level == scenario.last
        and item.reached_level == level.level
        and item.reminded_on is not None
        and (as_of - item.reminded_on).days >= scenario.repeat_every_days
    )


def _sequential(
    scenario: Scenario, item: OpenItem, as_of: date, days: int, delay: int
) -> Assessment | None:
    first = scenario.level(1)
    assert first is not None, "validated scenarios in sequential mode have a level 1"
    preventive = scenario.level(0)
    reached = item.reached_level
    if reached is None or reached == 0:
        if days >= first.from_days + delay:
            return Assessment(first, days, True)
        if preventive is not None and preventive.contains(days, delay):
            return Assessment(preventive, days, reached is None)
        return None
    current = scenario.level(reached) or max(
        (level for level in scenario.levels if level.level <= reached), key=lambda lv: lv.level
    )
    following = scenario.after(reached)
    since = (as_of - item.reminded_on).days if item.reminded_on else None
    if following is not None and since is not None and since >= following.from_days:
        return Assessment(following, days, True)
    return Assessment(current, days, following is None and _repeats(scenario, item, current, as_of))

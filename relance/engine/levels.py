"""Which level an open invoice sits at on a given day, and whether it is due for a reminder.

``due_date`` mode: the level is the one whose window holds the invoice's days overdue; levels
can be skipped. ``sequential`` mode: no level is skipped; level 1 comes once the days overdue
reach its ``from_days``, and each next level once the days since the previous reminder reach
that next level's ``from_days``; the preventive level 0 keeps its window in both modes. A
customer's extra delay shifts every window (in sequential mode, the window of level 0 and the
threshold of level 1, which count days overdue).

The decision comes in two steps so that the daily pass can share the first among invoices:
``level_on`` depends only on the days overdue (a million invoices have a few hundred distinct
due dates), ``reassess`` adds what the invoice's last reminder changes.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from relance.engine.items import OpenItem
from relance.engine.scenario import Level, Mode, Scenario


class Assessment(NamedTuple):
    level: Level
    days: int
    due: bool


def in_exclusion_window(scenario: Scenario, days: int, delay: int = 0) -> bool:
    for window in scenario.exclusions:
        if window.from_days + delay <= days <= window.to_days + delay:
            return True
    return False


def level_on(scenario: Scenario, days: int, delay: int = 0) -> Level | None:
    """The level of an invoice ``days`` overdue that was never reminded, None outside every
    window. A never-reminded invoice is due at that level.

    >>> b2c = Scenario("b2c", (Level(3, 9999, level=1), Level(10, 9999, level=2)),
    ...                mode=Mode.SEQUENTIAL)
    >>> level_on(b2c, 40).level, level_on(b2c, 2)
    (1, None)
    """
    if scenario.mode == Mode.SEQUENTIAL:
        first = scenario.level(1)
        assert first is not None, "validated scenarios in sequential mode have a level 1"
        if days >= first.from_days + delay:
            return first
        preventive = scenario.level(0)
        if preventive is not None and preventive.contains(days, delay):
            return preventive
        return None
    for level in scenario.levels:
        if level.from_days + delay <= days <= level.to_days + delay:
            return level
    return None


def reassess(
    scenario: Scenario, level: Level | None, reached: int, since: int | None
) -> tuple[Level, bool] | None:
    """(level, due) of an invoice last reminded at level ``reached``, ``since`` days ago (None
    when the date is unknown), given ``level``, the one ``level_on`` gives for its days.

    >>> b2b = Scenario("b2b", (Level(1, 14, level=1), Level(15, 9999, level=2)))
    >>> reassess(b2b, b2b.levels[1], 1, 10)[1], reassess(b2b, b2b.levels[1], 2, 10)[1]
    (True, False)
    """
    if scenario.mode == Mode.SEQUENTIAL and reached > 0:
        return _escalate(scenario, reached, since)
    if level is None:
        return None
    return level, level.level > reached or _repeats(scenario, level, reached, since)


def assess(scenario: Scenario, item: OpenItem, as_of: date, delay: int = 0) -> Assessment | None:
    """The item's level today and whether a reminder is due; None outside every window.

    >>> from decimal import Decimal
    >>> b2b = Scenario("b2b", (Level(1, 14, level=1), Level(15, 29, level=2),
    ...                        Level(30, 9999, level=3)))
    >>> item = OpenItem("F1", "C1", date(2026, 1, 1), Decimal(100), Decimal(100))
    >>> assess(b2b, item, date(2026, 2, 10))
    Assessment(level=Level(from_days=30, to_days=9999, level=3, channels=('email',), \
review=False, formal_notice=False, late_interest=False, recovery_indemnity=False, \
fallback=''), days=40, due=True)
    """
    days = (as_of - item.due_date).days
    level = level_on(scenario, days, delay)
    if item.reached_level is None:
        return None if level is None else Assessment(level, days, True)
    since = None if item.reminded_on is None else (as_of - item.reminded_on).days
    found = reassess(scenario, level, item.reached_level, since)
    return None if found is None else Assessment(found[0], days, found[1])


def _repeats(scenario: Scenario, level: Level, reached: int, since: int | None) -> bool:
    """The last level comes again every ``repeat_every_days`` after its previous reminder."""
    return (
        scenario.repeat_every_days is not None
        and level == scenario.last
        and reached == level.level
        and since is not None
        and since >= scenario.repeat_every_days
    )


def _escalate(scenario: Scenario, reached: int, since: int | None) -> tuple[Level, bool]:
    """Sequential mode past level 0: the next level once its days since the last reminder
    are reached, else the current one (repeated, if it is the last and the scenario says so)."""
    current = scenario.level(reached) or max(
        (level for level in scenario.levels if level.level <= reached), key=lambda lv: lv.level
    )
    following = scenario.after(reached)
    if following is not None and since is not None and since >= following.from_days:
        return following, True
    return current, following is None and _repeats(scenario, current, reached, since)

"""Scenarios: ordered dunning levels, their windows of days, and the rules that keep them sane.

A level's window ``[from_days, to_days]`` counts days past the due date (negative before it).
Level windows must not overlap one another. Exclusion ("NA") windows may overlap them: they
carve days out (DESIGN.md's own example puts NA [366, 99999] inside level 3 [31, 9999]).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

CHANNELS = ("email", "sms", "letter", "call")
MAX_LEVELS = 9  # levels 1 to 9, plus the optional preventive level 0


class Mode(StrEnum):
    DUE_DATE = "due_date"
    SEQUENTIAL = "sequential"


@dataclass(frozen=True)
class Window:
    """An exclusion ("NA") window: invoices whose days fall in it are never reminded."""

    from_days: int
    to_days: int

    def contains(self, days: int, delay: int = 0) -> bool:
        """
        >>> Window(366, 99999).contains(400), Window(366, 99999).contains(400, delay=40)
        (True, False)
        """
        return self.from_days + delay <= days <= self.to_days + delay


@dataclass(frozen=True)
class Level(Window):
    level: int = 1
    channels: tuple[str, ...] = ("email",)
    review: bool = False
    formal_notice: bool = False
    late_interest: bool = False
    recovery_indemnity: bool = False
    # The channel used instead of those the customer cannot be reached on (e.g. a letter
    # for a customer without an e-mail address).
    fallback: str = ""


@dataclass(frozen=True)
class Scenario:
    code: str
    levels: tuple[Level, ...]
    mode: Mode = Mode.DUE_DATE
    name: str = ""
    min_total: Decimal = Decimal("0")
    exclude_partially_paid: bool = False
    exclusions: tuple[Window, ...] = ()
    repeat_every_days: int | None = None

    def level(self, number: int) -> Level | None:
        return next((level for level in self.levels if level.level == number), None)

    def after(self, number: int) -> Level | None:
        """The first level above ``number`` (levels are kept in increasing order)."""
        return next((level for level in self.levels if level.level > number), None)

    @property
    def last(self) -> Level:
        return self.levels[-1]


class InvalidScenario(ValueError):
    def __init__(self, code: str, errors: list[str]):
        self.code = code
        self.errors = errors
        super().__init__(f"scenario {code}: " + "; ".join(errors))


def validate(scenario: Scenario) -> list[str]:
    """Every reason the scenario cannot be used, in plain words; empty when it is sound.

    >>> validate(Scenario("b2b", (Level(1, 10, level=1), Level(5, 30, level=2))))
    ['windows of level 1 [1, 10] and level 2 [5, 30] overlap']

    An exclusion window may lie inside a level's window: it carves those days out. This is
    DESIGN.md's own example (level 3 [31, 9999] with NA [366, 99999]), so it must stay valid:

    >>> validate(Scenario("std", (Level(31, 9999, level=3),), exclusions=(Window(366, 99999),)))
    []
    """
    errors: list[str] = []
    levels = scenario.levels
    numbers = [level.level for level in levels]
    if not levels:
        return ["a scenario needs at least one level"]
    if any(number < 0 or number > MAX_LEVELS for number in numbers):
        errors.append(f"levels are numbered 0 (preventive) to {MAX_LEVELS}")
    if len([number for number in numbers if number > 0]) > MAX_LEVELS:
        errors.append(f"a scenario has at most {MAX_LEVELS} levels besides level 0")
    if numbers != sorted(set(numbers)):
        errors.append("levels must be listed in increasing order, each once")
    for level in levels:
        errors.extend(_level_errors(level))
    for window in scenario.exclusions:
        if window.from_days > window.to_days:
            errors.append(
                f"exclusion window [{window.from_days}, {window.to_days}] ends before it starts"
            )
    if scenario.mode == Mode.SEQUENTIAL and scenario.level(1) is None:
        errors.append("a sequential scenario needs a level 1")
    if scenario.mode == Mode.DUE_DATE:
        errors.extend(_overlaps(scenario))
    else:
        starts = [level.from_days for level in levels if level.level <= 1]
        if starts != sorted(starts):
            errors.append("level 0 must start before level 1")
    if scenario.min_total < 0:
        errors.append("the minimum total cannot be negative")
    if scenario.repeat_every_days is not None and scenario.repeat_every_days < 1:
        errors.append("the last level can repeat every 1 day or more")
    return errors


def _level_errors(level: Level) -> list[str]:
    errors = []
    if level.from_days > level.to_days:
        errors.append(
            f"level {level.level}: from_days {level.from_days} is after to_days {level.to_days}"
        )
    if level.level == 0 and level.from_days >= 0:
        errors.append("level 0 is the preventive reminder: its from_days must be negative")
    if not level.channels:
        errors.append(f"level {level.level}: at least one channel is needed")
    unknown = [channel for channel in level.channels if channel not in CHANNELS]
    if unknown:
        errors.append(
            f"level {level.level}: unknown channel(s) {', '.join(unknown)} "
            f"(use {', '.join(CHANNELS)})"
        )
    return errors


def _overlaps(scenario: Scenario) -> list[str]:
    errors = []
    previous = None
    for level in scenario.levels:
        if previous is not None and level.from_days <= previous.to_days:
            errors.append(
                f"windows of level {previous.level} [{previous.from_days}, "
                f"{previous.to_days}] and level {level.level} [{level.from_days}, "
                f"{level.to_days}] overlap"
            )
        previous = level
    return errors


def checked(scenario: Scenario) -> Scenario:
    """The scenario itself, or ``InvalidScenario`` listing what is wrong."""
    errors = validate(scenario)
    if errors:
        raise InvalidScenario(scenario.code, errors)
    return scenario

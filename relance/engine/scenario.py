"""Scenarios: ordered dunning levels, their windows of days, and the rules that keep them sane.

A level's window ``[from_days, to_days]`` counts days past the due date (negative before it).
Level windows must not overlap one another. Exclusion ("NA") windows may overlap them: they
carve days out (DESIGN.md's own example puts NA [366, 99999] inside level 3 [31, 9999]).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

CHANNELS = ("email", "sms", "letter", "call")
MAX_LEVELS = 9  # levels 1 to 9, plus the optional preventive level 0
KNOWN = ", ".join(CHANNELS)


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


def _(text: str) -> str:
    """Marks a message for the translation catalogue (``makemessages`` collects ``_``). The
    engine speaks English; the Django layer translates ``Problem.text`` for the reader."""
    return text


@dataclass(frozen=True)
class Problem:
    """One reason a scenario cannot be used, and what it is about, so that a form can show it
    next to the field: ``level`` and ``window`` are positions in ``levels`` and ``exclusions``
    (None: the scenario as a whole), ``field`` the attribute at fault ("" when none is).
    ``text`` is the untranslated message with ``%(name)s`` placeholders for ``values``."""

    text: str
    field: str = ""
    level: int | None = None
    window: int | None = None
    values: Mapping[str, object] | None = None

    @property
    def message(self) -> str:
        return self.text % (self.values or {})


def validate(scenario: Scenario) -> list[str]:
    """Every reason the scenario cannot be used, in plain words; empty when it is sound.

    >>> validate(Scenario("b2b", (Level(1, 10, level=1), Level(5, 30, level=2))))
    ['windows of level 1 [1, 10] and level 2 [5, 30] overlap']

    An exclusion window may lie inside a level's window: it carves those days out. This is
    DESIGN.md's own example (level 3 [31, 9999] with NA [366, 99999]), so it must stay valid:

    >>> validate(Scenario("std", (Level(31, 9999, level=3),), exclusions=(Window(366, 99999),)))
    []
    """
    return [problem.message for problem in problems(scenario)]


def problems(scenario: Scenario) -> list[Problem]:
    """``validate``'s reasons with what each is about (the rules live here only).

    >>> problems(Scenario("b2b", (Level(1, 10, level=1), Level(5, 30, level=2))))[0].level
    1
    """
    levels = scenario.levels
    numbers = [level.level for level in levels]
    if not levels:
        return [Problem(_("a scenario needs at least one level"))]
    errors: list[Problem] = []
    wrong = next((i for i, n in enumerate(numbers) if n < 0 or n > MAX_LEVELS), None)
    if wrong is not None:
        errors.append(
            Problem(
                _("levels are numbered 0 (preventive) to %(max)s"),
                "level",
                wrong,
                values={"max": MAX_LEVELS},
            )
        )
    if len([number for number in numbers if number > 0]) > MAX_LEVELS:
        errors.append(
            Problem(
                _("a scenario has at most %(max)s levels besides level 0"),
                values={"max": MAX_LEVELS},
            )
        )
    if numbers != sorted(set(numbers)):
        wrong = next(i for i in range(1, len(numbers)) if numbers[i] <= numbers[i - 1])
        errors.append(
            Problem(_("levels must be listed in increasing order, each once"), "level", wrong)
        )
    for index, level in enumerate(levels):
        errors.extend(_level_errors(level, index))
    for index, window in enumerate(scenario.exclusions):
        if window.from_days > window.to_days:
            errors.append(
                Problem(
                    _("exclusion window [%(from)s, %(to)s] ends before it starts"),
                    "to_days",
                    window=index,
                    values={"from": window.from_days, "to": window.to_days},
                )
            )
    if scenario.mode == Mode.SEQUENTIAL and scenario.level(1) is None:
        errors.append(Problem(_("a sequential scenario needs a level 1"), "mode"))
    if scenario.mode == Mode.DUE_DATE:
        errors.extend(_overlaps(scenario))
    else:
        starts = [level.from_days for level in levels if level.level <= 1]
        if starts != sorted(starts):
            first = next(i for i, level in enumerate(levels) if level.level <= 1)
            errors.append(Problem(_("level 0 must start before level 1"), "from_days", first))
    if scenario.min_total < 0:
        errors.append(Problem(_("the minimum total cannot be negative"), "min_total"))
    if scenario.repeat_every_days is not None and scenario.repeat_every_days < 1:
        errors.append(
            Problem(_("the last level can repeat every 1 day or more"), "repeat_every_days")
        )
    return errors


def _level_errors(level: Level, index: int) -> list[Problem]:
    errors = []
    if level.from_days > level.to_days:
        errors.append(
            Problem(
                _("level %(level)s: from_days %(from)s is after to_days %(to)s"),
                "to_days",
                index,
                values={"level": level.level, "from": level.from_days, "to": level.to_days},
            )
        )
    if level.level == 0 and level.from_days >= 0:
        errors.append(
            Problem(
                _("level 0 is the preventive reminder: its from_days must be negative"),
                "from_days",
                index,
            )
        )
    if not level.channels:
        errors.append(
            Problem(
                _("level %(level)s: at least one channel is needed"),
                "channels",
                index,
                values={"level": level.level},
            )
        )
    unknown = [channel for channel in level.channels if channel not in CHANNELS]
    if unknown:
        errors.append(
            Problem(
                _("level %(level)s: unknown channel(s) %(channels)s (use %(known)s)"),
                "channels",
                index,
                values={"level": level.level, "channels": ", ".join(unknown), "known": KNOWN},
            )
        )
    if level.fallback and level.fallback not in CHANNELS:
        errors.append(
            Problem(
                _("level %(level)s: unknown fallback channel %(channel)s (use %(known)s)"),
                "fallback",
                index,
                values={"level": level.level, "channel": level.fallback, "known": KNOWN},
            )
        )
    elif level.fallback in level.channels:
        # A fallback replaces the level's channels the customer cannot be reached on: one of
        # those channels would never stand in for itself.
        errors.append(
            Problem(
                _(
                    "level %(level)s: the fallback channel %(channel)s is already one of the "
                    "level's channels"
                ),
                "fallback",
                index,
                values={"level": level.level, "channel": level.fallback},
            )
        )
    return errors


def _overlaps(scenario: Scenario) -> list[Problem]:
    errors = []
    previous = None
    for index, level in enumerate(scenario.levels):
        if previous is not None and level.from_days <= previous.to_days:
            errors.append(
                Problem(
                    _(
                        "windows of level %(previous)s [%(previous_from)s, %(previous_to)s] "
                        "and level %(level)s [%(from)s, %(to)s] overlap"
                    ),
                    "from_days",
                    index,
                    values={
                        "previous": previous.level,
                        "previous_from": previous.from_days,
                        "previous_to": previous.to_days,
                        "level": level.level,
                        "from": level.from_days,
                        "to": level.to_days,
                    },
                )
            )
        previous = level
    return errors


def checked(scenario: Scenario) -> Scenario:
    """The scenario itself, or ``InvalidScenario`` listing what is wrong."""
    errors = validate(scenario)
    if errors:
        raise InvalidScenario(scenario.code, errors)
    return scenario

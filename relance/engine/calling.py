"""When a collector may call a customer: calling windows, allowed days, and a cap on how
often the same customer is called.

French practice, the default: weekdays that are not public holidays, 10:00-13:00 and
14:00-20:00, at most 4 calls to a customer in any 30 days. Times are wall-clock times in the
time zone of the ``now`` given, so a window keeps its hours across daylight-saving changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import holidays

Window = tuple[time, time]

DEFAULT_WINDOWS: tuple[Window, ...] = ((time(10), time(13)), (time(14), time(20)))
# No set of rules leaves a whole year without a single calling day; the bound only turns a
# bug into an error instead of an endless loop.
_SEARCH_DAYS = 800
_WINDOW = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
_MAX = re.compile(r"^(\d+)\s*/\s*(\d+)$")


class CallingRulesError(ValueError):
    """The text of a ``CALLING_WINDOWS`` setting cannot be understood."""


@dataclass(frozen=True)
class CallingRules:
    windows: tuple[Window, ...] = DEFAULT_WINDOWS
    weekdays_only: bool = True
    # A country code for the ``holidays`` package, optionally with a subdivision after a
    # dash ("FR-57": Moselle keeps Good Friday and St Stephen's Day); empty for none.
    holidays_country: str = "FR"
    max_calls: int = 4
    per_days: int = 30

    def __post_init__(self) -> None:
        if not self.windows:
            raise CallingRulesError("at least one calling window is needed")
        previous_end: time | None = None
        for start, end in self.windows:
            if start >= end:
                raise CallingRulesError(
                    f"the window {start:%H:%M}-{end:%H:%M} ends before it starts"
                )
            if previous_end is not None and start < previous_end:
                raise CallingRulesError("calling windows must be in order and must not overlap")
            previous_end = end
        if self.max_calls < 1 or self.per_days < 1:
            raise CallingRulesError("the call limit needs at least 1 call over at least 1 day")
        if self.holidays_country:
            _holidays(self.holidays_country, 2000)  # fails now on an unknown country

    @classmethod
    def parse(cls, text: str) -> CallingRules:
        """Read ``"10:00-13:00,14:00-20:00;weekdays;holidays=FR;max=4/30"``. The windows come
        first; the other parts, in any order, are ``weekdays`` or ``everyday``,
        ``holidays=CC`` (or ``holidays=none``) and ``max=CALLS/DAYS``. A part left out keeps
        its default.

        >>> CallingRules.parse("9:00-12:30;everyday;holidays=none;max=3/7")
        CallingRules(windows=((datetime.time(9, 0), datetime.time(12, 30)),), \
weekdays_only=False, holidays_country='', max_calls=3, per_days=7)
        """
        parts = [part.strip() for part in text.split(";")]
        if not parts[0]:
            raise CallingRulesError(f"no calling window in {text!r}")
        windows = tuple(_window(item.strip()) for item in parts[0].split(","))
        values: dict[str, object] = {"windows": windows}
        for part in filter(None, parts[1:]):
            key, _, value = (s.strip() for s in part.partition("="))
            key = key.lower()
            if key in {"weekdays", "everyday"} and not value:
                values["weekdays_only"] = key == "weekdays"
            elif key == "holidays" and value:
                values["holidays_country"] = "" if value.lower() == "none" else value.upper()
            elif key == "max" and (match := _MAX.match(value)):
                values["max_calls"], values["per_days"] = int(match[1]), int(match[2])
            else:
                raise CallingRulesError(
                    f"{part!r} is not understood: expected weekdays, everyday, "
                    "holidays=CC, holidays=none or max=CALLS/DAYS"
                )
        return cls(**values)  # type: ignore[arg-type]

    @property
    def period(self) -> timedelta:
        return timedelta(days=self.per_days)

    def allows(self, day: date) -> bool:
        if self.weekdays_only and day.weekday() >= 5:
            return False
        return not (self.holidays_country and day in _holidays(self.holidays_country, day.year))


def _window(text: str) -> Window:
    match = _WINDOW.match(text)
    if match is None:
        raise CallingRulesError(f"{text!r} is not a window such as 10:00-13:00")
    hours = [int(group) for group in match.groups()]
    try:
        start = time(hours[0], hours[1])
        # 24:00 closes a window at midnight.
        end = time.max if (hours[2], hours[3]) == (24, 0) else time(hours[2], hours[3])
    except ValueError as exc:
        raise CallingRulesError(f"{text!r}: {exc}") from exc
    return start, end


@lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> frozenset[date]:
    code, _, subdivision = country.partition("-")
    try:
        found = holidays.country_holidays(code, subdiv=subdivision or None, years=year)
    except NotImplementedError as exc:
        raise CallingRulesError(f"no public holidays known for {country!r}") from exc
    return frozenset(found)


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("calling times must be timezone-aware")


def open_moment(now: datetime, rules: CallingRules) -> datetime:
    """The first moment at or after ``now`` inside a window, on an allowed day."""
    _require_aware(now)
    day = now.date()
    for _ in range(_SEARCH_DAYS):
        if rules.allows(day):
            for start, end in rules.windows:
                opens = datetime.combine(day, start, tzinfo=now.tzinfo)
                closes = datetime.combine(day, end, tzinfo=now.tzinfo)
                if now < closes:
                    return max(now, opens)
        day += timedelta(days=1)
    # Defensive: every rule set allows some weekday, well within the search.
    raise CallingRulesError("no calling day found: check the calling rules")  # pragma: no cover


def following_window(now: datetime, rules: CallingRules) -> datetime:
    """The opening of the first window, on an allowed day, that starts after ``now``: where
    a call that was not answered is tried again, rather than in the same window."""
    _require_aware(now)
    day = now.date()
    for _ in range(_SEARCH_DAYS):
        if rules.allows(day):
            for start, _end in rules.windows:
                opens = datetime.combine(day, start, tzinfo=now.tzinfo)
                if opens > now:
                    return opens
        day += timedelta(days=1)
    # Defensive: every rule set allows some weekday, well within the search.
    raise CallingRulesError("no calling day found: check the calling rules")  # pragma: no cover


def calls_before(moment: datetime, period: timedelta, calls: Sequence[datetime]) -> list[datetime]:
    """The calls in the ``period`` up to and including ``moment``, oldest first. A call
    exactly one period old has left it. Counted in absolute time: aware datetimes sharing a
    time zone would otherwise compare by wall clock across a daylight-saving change."""
    end = moment.astimezone(UTC)
    start = end - period
    return sorted(c for c in (call.astimezone(UTC) for call in calls) if start < c <= end)


def next_call_slot(
    now: datetime, rules: CallingRules, recent_calls: Sequence[datetime]
) -> datetime:
    """The first moment at or after ``now`` inside a window, on an allowed day, with fewer
    than ``rules.max_calls`` of ``recent_calls`` in the ``rules.per_days`` days before it.

    A call that would be one too many waits until enough of the earlier ones have left the
    period, then for the next window from there."""
    for call in recent_calls:
        _require_aware(call)
    candidate = open_moment(now, rules)
    while True:
        counted = calls_before(candidate, rules.period, recent_calls)
        if len(counted) < rules.max_calls:
            return candidate
        # The oldest calls leave one by one; this many must go to make room for one more.
        leaving = counted[len(counted) - rules.max_calls]
        candidate = open_moment((leaving + rules.period).astimezone(now.tzinfo), rules)

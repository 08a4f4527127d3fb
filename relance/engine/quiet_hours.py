"""When an SMS may leave: not at night, not on Sundays, not on public holidays.

French practice, written for commercial SMS and followed for reminders too, is no SMS between
20:00 and 08:00, on Sundays or on public holidays. A message due in quiet hours is deferred to
the first allowed moment, never dropped.

Everything is computed in the wall-clock time of ``now``'s own time zone: 08:00 means 08:00 on
the customer's clock, the day after a daylight-saving change included. Wall-clock times that
do not exist (the hour skipped in spring) resolve to the first instant after them; times that
exist twice (the hour repeated in autumn) to the first one that is not in the past.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache

import holidays

MIDNIGHT = time(0, 0)

# A year of Sundays and holidays is at most a few hundred closed days; each step of the
# search below moves to a later boundary, so this bound is never reached by valid rules.
_MAX_STEPS = 4 * 400

_WINDOW = re.compile(r"^(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$")


@dataclass(frozen=True)
class QuietHours:
    """No SMS from ``start`` to ``end`` (overnight when ``start`` is after ``end``), on Sundays
    when ``sundays``, on the public holidays of ``holidays_country`` when set.

    ``start == end`` means no daily quiet window. ``holidays_country`` is an ISO 3166 code
    understood by the ``holidays`` package, optionally with a subdivision after a dash
    (``"FR-57"``: Moselle, which also rests on Good Friday and 26 December).
    """

    start: time = time(20, 0)
    end: time = time(8, 0)
    sundays: bool = True
    holidays_country: str | None = "FR"

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if value.tzinfo is not None:
                raise ValueError(f"quiet hours {name} must be a wall-clock time, without zone")
        if self.holidays_country is not None:
            _holidays(self.holidays_country, 2000)  # raises ValueError for an unknown code

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """Read ``"20:00-08:00,sundays,holidays=FR"``; ``"none"`` means no quiet hours.

        Items are separated by commas, in any order; what is not listed is off. So
        ``"22:00-07:00"`` keeps Sundays and holidays open, and ``"sundays"`` alone only
        closes Sundays.
        """
        items = [item.strip() for item in text.split(",") if item.strip()]
        if not items:
            raise ValueError("quiet hours are empty; write 'none' to allow SMS at any time")
        if [item.lower() for item in items] == ["none"]:
            return cls(MIDNIGHT, MIDNIGHT, sundays=False, holidays_country=None)
        start = end = MIDNIGHT
        sundays, country, seen = False, None, set()
        for item in items:
            lowered = item.lower()
            window = _WINDOW.match(item)
            if window:
                kind = "window"
                start, end = (_clock(part) for part in window.groups())
            elif lowered == "sundays":
                kind, sundays = "sundays", True
            elif lowered.startswith("holidays="):
                kind = "holidays"
                code = item.split("=", 1)[1].strip()
                country = None if code.lower() == "none" else code.upper()
            else:
                raise ValueError(
                    f"quiet hours: {item!r} is not understood; expected a window such as "
                    "'20:00-08:00', 'sundays', 'holidays=FR' or 'none'"
                )
            if kind in seen:
                raise ValueError(f"quiet hours: {kind} is given twice")
            seen.add(kind)
        return cls(start, end, sundays=sundays, holidays_country=country)

    def format(self) -> str:
        """The text ``parse`` reads back into these rules."""
        items = []
        if self.start != self.end:
            items.append(f"{self.start:%H:%M}-{self.end:%H:%M}")
        if self.sundays:
            items.append("sundays")
        if self.holidays_country:
            items.append(f"holidays={self.holidays_country}")
        return ",".join(items) or "none"

    def closed_day(self, day: date) -> bool:
        """Whether no SMS may leave at any time of ``day`` (a Sunday or a public holiday)."""
        if self.sundays and day.weekday() == 6:
            return True
        return bool(self.holidays_country) and day in _holidays(
            self.holidays_country or "", day.year
        )

    def quiet_at(self, clock: time) -> bool:
        """Whether the wall-clock time ``clock`` falls in the daily quiet window."""
        if self.start < self.end:
            return self.start <= clock < self.end
        if self.start > self.end:
            return clock >= self.start or clock < self.end
        return False

    def allows(self, moment: datetime) -> bool:
        """Whether an SMS may leave at ``moment`` (timezone-aware), on its own clock."""
        local = moment.astimezone(moment.tzinfo)
        return not self.closed_day(local.date()) and not self.quiet_at(_naive_clock(local))


def next_allowed(now: datetime, rules: QuietHours) -> datetime:
    """``now`` when an SMS may leave now, else the first moment after it when one may.

    Saturday 21:00 gives Monday 08:00; 14 July 10:00 gives 15 July 08:00 (or 16 July when the
    15th is a Sunday). The result is in ``now``'s time zone.
    """
    zone = now.tzinfo
    if zone is None or now.utcoffset() is None:
        raise ValueError("next_allowed needs a timezone-aware datetime")
    moment = now
    for _ in range(_MAX_STEPS):
        local = moment.astimezone(zone)
        day, clock = local.date(), _naive_clock(local)
        if rules.closed_day(day):
            moment = _first_instant(day + timedelta(days=1), MIDNIGHT, zone, moment)
        elif not rules.quiet_at(clock):
            return now if moment is now else local
        elif rules.start > rules.end and clock >= rules.start:
            # The evening part of an overnight window: the night ends tomorrow.
            moment = _first_instant(day + timedelta(days=1), MIDNIGHT, zone, moment)
        else:
            moment = _first_instant(day, rules.end, zone, moment)
    # Defensive: quiet hours always leave part of a weekday open (start == end means none).
    raise ValueError(  # pragma: no cover
        f"quiet hours {rules.format()!r} leave no moment to send an SMS"
    )


def _naive_clock(local: datetime) -> time:
    return local.time().replace(tzinfo=None, fold=0)


def _clock(text: str) -> time:
    hours, minutes = (int(part) for part in text.split(":"))
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise ValueError(f"quiet hours: {text!r} is not a time of day (00:00 to 23:59)")
    return time(hours, minutes)


def _first_instant(day: date, clock: time, zone: tzinfo, after: datetime) -> datetime:
    """The first instant later than ``after`` whose wall-clock time in ``zone`` is ``day``
    at ``clock`` or later.

    Callers only ask for a wall-clock time later than ``after``'s own, except when ``after``
    is the second pass through a repeated autumn hour: then the first pass is skipped.
    """
    wall = datetime.combine(day, clock)
    candidates = sorted(wall.replace(tzinfo=zone, fold=fold).astimezone(UTC) for fold in (0, 1))
    floor = after.astimezone(UTC)
    existing = [c for c in candidates if _wall(c, zone) == wall]
    for candidate in existing:
        if candidate > floor:
            return candidate.astimezone(zone)
    if existing:  # pragma: no cover (callers never ask for a wall time before ``after``'s)
        # Only reached if the wall time was not after ``after``'s: move past it.
        return (floor + timedelta(microseconds=1)).astimezone(zone)
    # A skipped wall time (spring forward): the clock jumps over it between the two
    # candidates, so search that span for the first instant showing a later time.
    low, high = candidates
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if _wall(middle, zone) >= wall:
            high = middle
        else:
            low = middle
    high = high.replace(microsecond=0) if _wall(high.replace(microsecond=0), zone) >= wall else high
    return max(high, floor + timedelta(microseconds=1)).astimezone(zone)


def _wall(instant: datetime, zone: tzinfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None, fold=0)


@lru_cache(maxsize=64)
def _holidays(code: str, year: int) -> holidays.HolidayBase:
    country, _, subdivision = code.partition("-")
    try:
        return holidays.country_holidays(country, subdiv=subdivision or None, years=year)
    except NotImplementedError as exc:
        raise ValueError(
            f"quiet hours: no public holidays known for {code!r}; use an ISO country code "
            "such as FR, BE or DE, optionally with a subdivision (FR-57)"
        ) from exc

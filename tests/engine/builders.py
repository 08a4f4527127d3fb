"""Test data builders for the dunning engine: a French B2B scenario, invoices counted in days
from a fixed date, customers, and hypothesis strategies for generated cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from random import Random

from hypothesis import strategies as st

from relance.engine.items import OpenItem, Party, Promise
from relance.engine.scenario import CHANNELS, Level, Mode, Scenario, Window, validate

AS_OF = date(2026, 3, 2)


def day(offset: int) -> date:
    """``AS_OF`` moved by ``offset`` days."""
    return AS_OF + timedelta(days=offset)


def level(number: int, from_days: int, to_days: int, *channels: str, **options: object) -> Level:
    return Level(from_days, to_days, level=number, channels=channels or ("email",), **options)


def b2b(mode: Mode = Mode.DUE_DATE, **options) -> Scenario:
    """The usual French B2B policy: a courtesy e-mail five days before the due date, N1 at
    1–14 days, N2 at 15–29 (e-mail and SMS), N3 from 30 days with the formal notice, and
    nothing more past one year (NA window)."""
    levels = (
        level(0, -5, -1),
        level(1, 1, 14),
        level(2, 15, 29, "email", "sms"),
        level(
            3,
            30,
            9999,
            "email",
            "letter",
            review=True,
            formal_notice=True,
            late_interest=True,
            recovery_indemnity=True,
        ),
    )
    fields: dict = {"levels": levels, "mode": mode, "exclusions": (Window(366, 99999),)}
    fields.update(options)
    return Scenario("b2b", **fields)


def sequential(**options) -> Scenario:
    """Sequential mode: N1 from 1 day overdue, then N2 15 days after N1, N3 15 days after N2."""
    return b2b(Mode.SEQUENTIAL, **options)


def invoice(
    number: str = "F1",
    late: int = 0,
    amount: str = "100.00",
    open_amount: str | None = None,
    *,
    customer: str = "C1",
    currency: str = "EUR",
    disputed: bool = False,
    reached: int | None = None,
    reminded: int | None = None,
) -> OpenItem:
    """An invoice ``late`` days overdue on ``AS_OF``, last reminded ``reminded`` days ago."""
    return OpenItem(
        number=number,
        customer=customer,
        due_date=day(-late),
        amount=Decimal(amount),
        open_amount=Decimal(amount if open_amount is None else open_amount),
        currency=currency,
        disputed=disputed,
        reached_level=reached,
        reminded_on=None if reminded is None else day(-reminded),
    )


def credit_note(number: str = "AV1", amount: str = "-100.00", **options) -> OpenItem:
    return invoice(number, 0, amount, **options)


def party(code: str = "C1", scenario: Scenario | None = None, **options) -> Party:
    return Party(code, b2b() if scenario is None else scenario, **options)


def promise(until: int, *invoices: str, customer: str = "C1") -> Promise:
    """A promise holding until ``AS_OF + until`` days."""
    return Promise(customer, day(until), frozenset(invoices))


# --- hypothesis strategies -------------------------------------------------------------------
# Strategies are built once, here: building them inside each draw costs more than the draw.
# Windows, channels and each item's fields come from one drawn seed apiece (drawing every field
# would make the property tests several times slower); shrinking still drops whole items.

CUSTOMERS = ("C1", "C2", "C3")
ACCOUNTS = [(code, currency) for code in CUSTOMERS for currency in ("EUR", "USD")]
CHANNEL_SETS = [("email",), ("email", "sms"), ("email", "letter"), ("letter",), ("call",), CHANNELS]
HOLDS = ("none",) * 6 + ("disabled", "blocked", "objection", "unreachable", "credit", "delay")

_seed = st.integers(0, 2**32 - 1)
_seeds = st.lists(_seed, max_size=10)
_modes = st.sampled_from(Mode)
_level_counts = st.integers(1, 9)
_na_starts = st.integers(0, 400)
_min_totals = st.sampled_from([Decimal(0), Decimal("10.00"), Decimal("500.00")])
_repeats = st.none() | st.integers(1, 40)
_holds = st.sampled_from(HOLDS)
_hold_values = st.integers(0, 3000)
_promise_counts = st.integers(0, 2)
_promise_days = st.integers(-5, 5)
_customers = st.sampled_from(CUSTOMERS)


@dataclass(frozen=True)
class Case:
    """One generated day: a scenario, its customers, their items and promises."""

    scenario: Scenario
    parties: list[Party]
    items: list[OpenItem]
    promises: list[Promise]


@st.composite
def scenarios(draw, mode: Mode | None = None) -> Scenario:
    """Sound scenarios: one to nine levels, perhaps a preventive level 0, windows rising with
    the level, perhaps an exclusion window carved out of the last one, perhaps a repeat."""
    mode = draw(_modes) if mode is None else mode
    rng = Random(draw(_seed))
    levels = []
    if draw(st.booleans()):
        start = rng.randint(-15, -1)
        levels.append(level(0, start, rng.randint(start, -1)))
    cursor = rng.randint(0, 10)
    for number in range(1, draw(_level_counts) + 1):
        width = rng.choice([0, 4, 9, 14, 29, rng.randint(0, 60)])
        levels.append(level(number, cursor, cursor + width, *rng.choice(CHANNEL_SETS)))
        cursor += width + 1
    last = levels[-1]
    levels[-1] = level(last.level, last.from_days, 9999, *last.channels)
    na = draw(_na_starts)
    scenario = Scenario(
        "gen",
        tuple(levels),
        mode=mode,
        min_total=draw(_min_totals),
        exclude_partially_paid=draw(st.booleans()),
        exclusions=(Window(cursor + na, 99999),) if na < 300 else (),
        repeat_every_days=draw(_repeats),
    )
    assert validate(scenario) == [], validate(scenario)
    return scenario


@st.composite
def cases(draw, mode: Mode | None = None) -> Case:
    scenario = draw(scenarios(mode))
    numbers = [level.level for level in scenario.levels]
    items = [_item(index, Random(seed), numbers) for index, seed in enumerate(draw(_seeds))]
    parties = [_party(code, scenario, draw(_holds), draw(_hold_values)) for code in CUSTOMERS]
    promises = []
    for _ in range(draw(_promise_counts)):
        customer, until = draw(_customers), day(draw(_promise_days))
        named = draw(st.none() | st.sampled_from(items)) if items else None
        if named is None:
            promises.append(Promise(customer, until))
        else:
            promises.append(Promise(named.customer, until, frozenset({named.number})))
    return Case(scenario, parties, items, promises)


def _item(index: int, rng: Random, numbers: list[int]) -> OpenItem:
    """An open invoice (sometimes partly paid, settled or a credit note), perhaps reminded."""
    amount = rng.randint(1, 2000)
    kind = rng.choice(["open", "open", "open", "partial", "settled", "credit"])
    open_amount = {
        "open": amount,
        "partial": rng.randint(1, amount),
        "settled": 0,
        "credit": -amount,
    }[kind]
    customer, currency = rng.choice(ACCOUNTS)
    reached = rng.choice([None, None, *numbers])
    return OpenItem(
        number=f"F{index:02d}",
        customer=customer,
        due_date=day(-rng.choice([rng.randint(-20, 60), rng.randint(-20, 500)])),
        amount=Decimal(amount if kind != "credit" else -amount),
        open_amount=Decimal(open_amount),
        currency=currency,
        disputed=rng.random() < 0.15,
        reached_level=reached,
        reminded_on=None if reached is None else day(-rng.randint(0, 60)),
    )


def _party(code: str, scenario: Scenario, hold: str, value: int) -> Party:
    """A customer, most often with nothing special, else with one hold of one kind."""
    channels = frozenset(CHANNELS[: value % 5])
    return Party(
        code,
        scenario,
        dunning_enabled=hold != "disabled",
        blocked_until=day(value % 21 - 10) if hold == "blocked" else None,
        extra_delay=value % 40 if hold == "delay" else 0,
        objections=channels if hold == "objection" else frozenset(),
        reachable=channels if hold == "unreachable" else frozenset(CHANNELS),
        unapplied_credit={"EUR": Decimal(value)} if hold == "credit" else {},
    )

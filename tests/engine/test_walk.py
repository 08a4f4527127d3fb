"""Walking the calendar: plan every day for four months, send what is proposed, let payments
arrive, and check the exact reminders a customer receives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from relance.engine.items import OpenItem
from relance.engine.planner import plan
from relance.engine.scenario import Scenario
from tests.engine.builders import b2b, party, sequential

START, END = date(2026, 1, 1), date(2026, 4, 30)
Ledger = dict[str, OpenItem]


def open_invoice(number: str, due: date, amount: str) -> OpenItem:
    return OpenItem(number, "C1", due, Decimal(amount), Decimal(amount))


def pay(number: str, amount: str) -> Callable[[Ledger], None]:
    """A payment: what remains stays open; an invoice paid in full leaves the ledger."""

    def apply(ledger: Ledger) -> None:
        item = ledger[number]
        remaining = item.open_amount - Decimal(amount)
        if remaining:
            ledger[number] = replace(item, open_amount=remaining)
        else:
            del ledger[number]

    return apply


@dataclass(frozen=True)
class Sent:
    on: date
    level: int
    total: Decimal
    due: tuple[str, ...]


def walk(scenario: Scenario) -> list[Sent]:
    """F1 (1,000.00 due 31 January) and F2 (500.00 due 20 February); 300.00 paid on F2 on
    10 March, F1 paid in full on 20 March."""
    ledger: Ledger = {
        "F1": open_invoice("F1", date(2026, 1, 31), "1000.00"),
        "F2": open_invoice("F2", date(2026, 2, 20), "500.00"),
    }
    payments = {date(2026, 3, 10): pay("F2", "300.00"), date(2026, 3, 20): pay("F1", "1000.00")}
    customer = party("C1", scenario)
    sent: list[Sent] = []
    today = START
    while today <= END:
        if today in payments:
            payments[today](ledger)
        for proposal in plan(today, [customer], ledger.values()).proposals:
            due = tuple(item.number for item in proposal.items if item.due)
            sent.append(Sent(today, proposal.level, proposal.total_due, due))
            for item in proposal.items:
                if item.due:
                    ledger[item.number] = replace(
                        ledger[item.number], reached_level=item.level, reminded_on=today
                    )
        today += timedelta(days=1)
    return sent


def test_a_b2b_customer_receives_each_level_once_then_the_formal_notice_every_thirty_days():
    sent = walk(b2b(repeat_every_days=30))
    assert [(s.on, s.level) for s in sent] == [
        (date(2026, 1, 26), 0),  # F1 falls due in five days
        (date(2026, 2, 1), 1),  # F1 one day late
        (date(2026, 2, 15), 2),  # F1 fifteen days late; F2's courtesy reminder goes with it
        (date(2026, 2, 21), 2),  # F2 one day late: N1 for F2, but the tone stays at N2
        (date(2026, 3, 2), 3),  # F1 thirty days late: formal notice
        (date(2026, 3, 7), 3),  # F2 fifteen days late
        (date(2026, 3, 22), 3),  # F2 thirty days late (F1 was paid on 20 March)
        (date(2026, 4, 21), 3),  # F2's formal notice, thirty days on
    ]


def test_each_reminder_is_due_for_the_right_invoices_and_totals_what_is_still_open():
    sent = walk(b2b(repeat_every_days=30))
    assert [(s.on.isoformat(), s.due, s.total) for s in sent] == [
        ("2026-01-26", ("F1",), Decimal("1000.00")),
        ("2026-02-01", ("F1",), Decimal("1000.00")),
        ("2026-02-15", ("F1", "F2"), Decimal("1500.00")),
        ("2026-02-21", ("F2",), Decimal("1500.00")),
        ("2026-03-02", ("F1",), Decimal("1500.00")),
        ("2026-03-07", ("F2",), Decimal("1500.00")),
        ("2026-03-22", ("F2",), Decimal("200.00")),
        ("2026-04-21", ("F2",), Decimal("200.00")),
    ]


def test_in_sequential_mode_each_level_waits_for_the_previous_reminder():
    sent = walk(sequential(repeat_every_days=30))
    assert [(s.on, s.level, s.due) for s in sent] == [
        (date(2026, 1, 26), 0, ("F1",)),
        (date(2026, 2, 1), 1, ("F1",)),
        (date(2026, 2, 15), 1, ("F2",)),  # F2's courtesy reminder, F1 still at N1
        (date(2026, 2, 16), 2, ("F1",)),  # fifteen days after F1's N1
        (date(2026, 2, 21), 2, ("F2",)),
        (date(2026, 3, 8), 2, ("F2",)),  # fifteen days after F2's N1
        (date(2026, 3, 18), 3, ("F1",)),  # thirty days after F1's N2
        (date(2026, 4, 7), 3, ("F2",)),  # thirty days after F2's N2 (F1 paid on 20 March)
    ]

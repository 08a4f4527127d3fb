import json

import pytest
from django.core.management import CommandError, call_command

from relance.holds.models import Promise
from relance.tasks.models import Task, TaskState
from tests.tasks.conftest import paris

pytestmark = pytest.mark.django_db


def tasks_json(capsys, *args: str) -> list[dict]:
    capsys.readouterr()
    call_command("tasks", "--format", "json", *args)
    return json.loads(capsys.readouterr().out)["tasks"]


def test_relance_tasks_lists_todays_calls_as_json(call_tasks, capsys):
    tasks = tasks_json(capsys)
    assert [(t["customer"], t["kind"], t["due_at"], t["level"]) for t in tasks] == [
        ("C1", "call", "2026-11-24T10:00:00+01:00", 2),
        ("C2", "call", "2026-11-24T10:00:00+01:00", 2),
    ]
    assert tasks[0]["phones"][0] == {"number": "+33140000001", "name": ""}
    assert tasks[0]["assignee"] == "claire"
    assert tasks[0]["overdue"] is False


def test_relance_tasks_mine_follows_relance_user(call_tasks, capsys, monkeypatch):
    monkeypatch.setenv("RELANCE_USER", "claire")
    assert [t["customer"] for t in tasks_json(capsys, "--mine")] == ["C1"]
    assert [t["customer"] for t in tasks_json(capsys, "--user", "claire")] == ["C1"]


def test_relance_tasks_mine_says_clearly_when_the_user_is_unknown(call_tasks, monkeypatch):
    monkeypatch.setenv("RELANCE_USER", "nobody")
    with pytest.raises(CommandError, match="No user nobody in relance: pass --user"):
        call_command("tasks", "--mine")


def test_relance_tasks_all_includes_later_tasks(call_tasks, capsys, clock):
    clock.set(paris(2026, 11, 23, 9, 0))
    assert tasks_json(capsys) == []
    assert len(tasks_json(capsys, "--all")) == 2


def test_relance_tasks_prints_a_table(call_tasks, capsys):
    call_command("tasks")
    out = capsys.readouterr().out
    assert "To-do list" in out
    assert "Durand SARL" in out
    assert "+33600000002 Jean Roux (Billing)" in out


def test_relance_tasks_says_when_there_is_nothing_to_do(ledger, capsys):
    call_command("tasks")
    assert "Nothing to do." in capsys.readouterr().out


def test_relance_call_records_a_promise(c1_call, capsys, clock):
    clock.set(paris(2026, 11, 24, 11, 0))
    call_command(
        "call",
        str(c1_call.pk),
        "--outcome",
        "promise",
        "--amount",
        "1300,00",
        "--until",
        "2026-12-04",
        "--user",
        "claire",
        "--note",
        "Transfer on Friday",
    )
    out = capsys.readouterr().out
    assert f"Task {c1_call.pk} closed: Promise to pay." in out
    assert "Promise to pay 1300.00 EUR by 2026-12-04 recorded." in out
    promise = Promise.objects.get()
    assert promise.recorded_by.username == "claire"
    assert promise.note == "Transfer on Friday"


def test_relance_call_no_answer_says_when_the_next_call_is(c1_call, capsys, clock, monkeypatch):
    monkeypatch.setenv("RELANCE_USER", "claire")
    clock.set(paris(2026, 11, 24, 11, 0))
    call_command("call", str(c1_call.pk), "--outcome", "no_answer", "--at", "2026-11-24 10:40")
    follow_up = Task.objects.get(state=TaskState.OPEN, customer__code="C1")
    assert f"Next call: task {follow_up.pk}, due 2026-11-24 14:00." in capsys.readouterr().out


def test_relance_call_disputes_named_invoices(c1_call, capsys, clock):
    clock.set(paris(2026, 11, 24, 11, 0))
    call_command(
        "call",
        str(c1_call.pk),
        "--outcome",
        "dispute",
        "--reason",
        "Damaged",
        "--invoice",
        "F1",
        "--user",
        "claire",
    )
    assert "Disputed: F1." in capsys.readouterr().out


def test_relance_call_names_the_options_that_are_wrong(c1_call, clock):
    clock.set(paris(2026, 11, 24, 11, 0))
    with pytest.raises(CommandError, match=r"--amount: Give the amount promised\.; --until: "):
        call_command("call", str(c1_call.pk), "--outcome", "promise", "--user", "claire")
    with pytest.raises(CommandError, match=r"--call-back: Give the day and time to call back\."):
        call_command("call", str(c1_call.pk), "--outcome", "call_back", "--user", "claire")


def test_relance_call_rejects_an_unknown_task(ledger, collector):
    with pytest.raises(CommandError, match="No task 999 in company acme"):
        call_command("call", "999", "--outcome", "reached", "--user", "claire")

"""The screens do what the command line does: review and launch a run, record a call, export
the journal."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from relance.accounts.roles import COLLECTOR
from relance.ledger.models import Customer
from relance.runs.models import ActionState, JournalEntry
from relance.runs.services import RunRequest, run_dunning
from relance.tasks.models import Task, TaskKind, TaskState
from tests.runs.conftest import AS_OF, invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(world):
    second = Customer.objects.create(
        company=world.a, code="A2", name="Client Delta", email="a2@example.com"
    )
    invoice(second, "FD1", 12, "80.00")
    return run_dunning(world.a, RunRequest(AS_OF, review=True)).run


@pytest.fixture
def collector(client, world):
    client.force_login(world.users[COLLECTOR])
    return client


def decide(client, run, decision, **data):
    return client.post(
        reverse("web:run-decide", kwargs={"pk": run.pk}), {"decision": decision, **data}
    )


def test_a_collector_removes_a_customer_with_a_reason_then_launches_the_run(
    collector, run, mailoutbox
):
    delta = run.actions.get(customer__code="A2")
    assert decide(collector, run, "remove", action=[delta.pk]).status_code == 302
    delta.refresh_from_db()
    assert delta.state == ActionState.PROPOSED  # no reason, nothing removed
    decide(collector, run, "remove", action=[delta.pk], reason="paid this morning")
    decide(collector, run, "approve_all")
    decide(collector, run, "launch")
    assert [message.to for message in mailoutbox] == [["a1@example.com"]]
    delta.refresh_from_db()
    assert (delta.state, delta.removed_reason) == (ActionState.REMOVED, "paid this morning")
    page = collector.get(reverse("web:run", kwargs={"pk": run.pk})).content.decode()
    assert 'id="run-progress"' in page
    timeline = collector.get(reverse("web:customer", kwargs={"code": "A1"})).content.decode()
    entry = JournalEntry.objects.get(customer__code="A1", channel="email")
    assert reverse("delivery:journal-document", args=[entry.pk]) in timeline


def test_a_collector_records_a_promise_on_a_call_from_the_to_do_list(collector, run, world):
    decide(collector, run, "approve_all")
    decide(collector, run, "launch")
    task = Task.objects.get(kind=TaskKind.CALL)
    assert task.title in collector.get(reverse("web:todo") + "?all=1").content.decode()
    url = reverse("web:task", kwargs={"pk": task.pk})
    refused = collector.post(url, {"outcome": "promise"})
    assert refused.status_code == 200  # the form again, with the missing fields named
    assert "promised" in refused.content.decode().lower()
    done = collector.post(
        url,
        {"outcome": "promise", "promised_amount": "1200.00", "promised_until": "2026-12-15"},
    )
    assert done.status_code == 302
    task.refresh_from_db()
    assert (task.state, task.outcome) == (TaskState.DONE, "promise")
    assert world.a_customer.promises.get().amount == 1200


def test_the_journal_exports_what_is_filtered_as_csv_and_xlsx(collector, run):
    decide(collector, run, "approve_all")
    decide(collector, run, "launch")
    response = collector.get(reverse("web:journal") + "?export=csv&channel=email")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 3  # the header and the two e-mails
    assert {row[1] for row in rows[1:]} == {"A1", "A2"}
    response = collector.get(reverse("web:journal") + "?export=xlsx&q=Delta")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["A2"]


def test_customers_filter_by_the_group_their_last_recompute_stored(client, world):
    from relance.dunning.groups import recompute_groups
    from relance.dunning.models import Group, Scenario
    from tests.runs.conftest import customer

    customer(world.a, "A3", name="Client Gamma", segment="PME")
    for company in (world.a, world.b):
        Group.objects.create(
            company=company,
            code="pme",
            name="Small firms",
            scenario=Scenario.objects.get(company=company, code="std"),
            segments=["PME"],
        )
    recompute_groups(world.a, AS_OF)
    group = Group.objects.get(company=world.a)
    client.force_login(world.users[COLLECTOR])
    url = reverse("web:customers")
    page = client.get(url).content.decode()
    assert f'<option value="{group.pk}">Small firms</option>' in page
    assert page.count("Small firms") == 1  # company B's group is not offered
    table = client.get(url, {"group": group.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert "Client Gamma" in table
    assert "Client Alpha" not in table
    assert "<form" not in table  # the HTMX table alone
    other = Group.objects.get(company=world.b)
    elsewhere = client.get(url, {"group": other.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert "Client Alpha" not in elsewhere
    assert "Client Gamma" not in elsewhere

"""The new manual run from the back-office: choose, review (add, remove), see who a channel
cannot reach, launch; as ``relance run --review`` then ``relance review`` do."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from relance.accounts.roles import COLLECTOR, SUPERVISOR, VIEWER
from relance.dunning.models import Scenario
from relance.ledger.models import Customer
from relance.runs.models import Action, ActionState, Run
from relance.runs.services import RunRequest, run_dunning
from tests.runs.conftest import AS_OF, customer, invoice
from tests.web.conftest import member

pytestmark = pytest.mark.django_db

NEW = reverse("web:run-new")


@pytest.fixture
def collector(client, world):
    client.force_login(world.users[COLLECTOR])
    return client


@pytest.fixture
def more(world):
    """A1 is at level 2 (45 days late); A2 at level 1; A3 at level 2 without an e-mail."""
    invoice(customer(world.a, "A2", name="Client Delta"), "FD1", 12, "80.00")
    invoice(
        customer(world.a, "A3", name="Client Sans Mail", email="", phone="+33612000000"),
        "FS1",
        40,
        "500.00",
    )
    return world


def start(client, **data):
    fields = {"scenario": "", "level": "", "as_of": AS_OF.isoformat(), **data}
    return client.post(NEW, fields, HTTP_ACCEPT_LANGUAGE="en")


def test_the_runs_list_offers_a_new_run_to_those_who_may_start_one(client, world):
    for role, shown in ((SUPERVISOR, True), (COLLECTOR, True), (VIEWER, False)):
        client.force_login(world.users[role])
        assert (NEW in client.get(reverse("web:runs")).content.decode()) is shown


def test_the_form_offers_the_company_s_scenarios_and_today(collector, world):
    load_other = Scenario.objects.get(company=world.b, code="std")
    load_other.name = "Beta only"
    load_other.save()
    page = collector.get(NEW, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="std"' in page
    assert "Beta only" not in page
    assert f'value="{timezone.localdate().isoformat()}"' in page


def test_a_collector_starts_a_run_in_review_nothing_is_sent(collector, more, mailoutbox):
    response = start(collector)
    run = Run.objects.get(company=more.a)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:run", kwargs={"pk": run.pk})
    assert (run.review, run.as_of, run.started_by) == (True, AS_OF, more.users[COLLECTOR])
    assert set(run.actions.values_list("state", flat=True)) == {ActionState.PROPOSED}
    assert mailoutbox == []
    page = collector.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Step 2: review the list" in page
    assert 'data-customer="A2"' in page


def test_the_scenario_and_level_filter_the_list(collector, more):
    start(collector, scenario="std", level="2")
    run = Run.objects.get(company=more.a)
    assert (run.scenario_code, run.level) == ("std", 2)
    assert set(run.actions.values_list("customer__code", flat=True)) == {"A1", "A3"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"scenario": "nope"}, "Unknown scenario: nope."),
        ({"level": "7"}, "No chosen scenario has a level 7."),
        ({"as_of": "tomorrow"}, "Enter a valid date."),
    ],
)
def test_a_wrong_choice_is_shown_in_the_form(collector, world, data, message):
    response = start(collector, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Run.objects.exists()


def test_a_date_before_the_latest_executed_run_needs_forcing(collector, world):
    run = run_dunning(world.a, RunRequest(AS_OF)).run
    assert run.actions.filter(state=ActionState.DONE).exists()
    earlier = AS_OF.replace(day=1).isoformat()
    refused = start(collector, as_of=earlier)
    assert refused.status_code == 200
    assert "would go back in time" in refused.content.decode()
    assert Run.objects.count() == 1
    assert start(collector, as_of=earlier, force="on").status_code == 302
    assert Run.objects.get(as_of=AS_OF.replace(day=1)).forced


def test_a_company_without_scenario_is_told_so(collector, world):
    Scenario.objects.filter(company=world.a).delete()
    response = start(collector)
    assert response.status_code == 200
    assert "has no dunning scenario" in response.content.decode()


def test_a_viewer_may_not_start_a_run(client, world):
    client.force_login(world.users[VIEWER])
    assert client.get(NEW).status_code == 403
    assert start(client).status_code == 403
    assert not Run.objects.exists()


def test_a_run_started_from_company_b_holds_only_company_b(client, world):
    client.force_login(world.users["outsider"])
    assert start(client).status_code == 302
    run = Run.objects.get()
    assert run.company == world.b
    assert set(run.actions.values_list("customer__code", flat=True)) == {"B1"}


@pytest.fixture
def level_one(collector, more):
    start(collector, level="1")
    return Run.objects.get(company=more.a)


def add(client, run, codes):
    return client.post(
        reverse("web:run-add", kwargs={"pk": run.pk}), {"codes": codes}, HTTP_ACCEPT_LANGUAGE="en"
    )


def test_customers_are_added_by_code_with_the_plan_s_level(collector, level_one):
    assert set(level_one.actions.values_list("customer__code", flat=True)) == {"A2"}
    assert add(collector, level_one, "A1, A3").status_code == 302
    added = {(a.customer.code, a.level, a.channel) for a in level_one.actions.all()}
    assert {("A1", 2, "email"), ("A1", 2, "call"), ("A3", 2, "call")} <= added


@pytest.mark.parametrize(
    ("codes", "message"),
    [("ZZ", "Unknown customer(s): ZZ"), ("B1", "Unknown customer(s): B1"), ("", "Give at least")],
)
def test_a_customer_that_cannot_be_added_is_explained_in_the_form(
    collector, level_one, codes, message
):
    response = add(collector, level_one, codes)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'id="codes-error"' in page
    assert level_one.actions.count() == 1


def test_adding_is_scoped_to_the_company_and_refused_to_viewers(client, world, level_one):
    client.force_login(world.users["outsider"])
    assert add(client, level_one, "A1").status_code == 404
    client.force_login(world.users[VIEWER])
    assert add(client, level_one, "A1").status_code == 403
    assert level_one.actions.count() == 1


def test_a_collector_adds_only_the_customers_they_see(collector, world, level_one):
    someone_else = member("other", COLLECTOR, world.a)
    Customer.objects.filter(company=world.a, code="A3").update(collector=someone_else)
    Customer.objects.filter(company=world.a, code="A1").update(collector=world.users[COLLECTOR])
    response = add(collector, level_one, "A3")
    assert "Unknown customer(s): A3" in response.content.decode()
    assert add(collector, level_one, "A1").status_code == 302
    assert set(level_one.actions.values_list("customer__code", flat=True)) == {"A1", "A2"}


def test_a_supervisor_adds_any_customer_of_the_company(client, world, level_one):
    Customer.objects.filter(company=world.a, code="A3").update(collector=world.users[COLLECTOR])
    client.force_login(world.users[SUPERVISOR])
    assert add(client, level_one, "A3").status_code == 302
    assert "A3" in set(level_one.actions.values_list("customer__code", flat=True))


def test_the_customers_a_channel_cannot_reach_are_listed_apart_with_their_fallback(collector, more):
    start(collector)
    run = Run.objects.get(company=more.a)
    page = collector.get(reverse("web:run", kwargs={"pk": run.pk}), HTTP_ACCEPT_LANGUAGE="en")
    table = page.content.decode().split('id="unreachable"')[1].split("</table>")[0]
    row = table.split('data-customer="A3"')[1].split("</tr>")[0]
    assert "<td>email</td>" in row
    assert "<td>call</td>" in row
    assert 'data-customer="A1"' not in table


def test_removing_with_a_reason_approving_and_launching_sends_the_rest(collector, more, mailoutbox):
    start(collector)
    run = Run.objects.get(company=more.a)
    decide = reverse("web:run-decide", kwargs={"pk": run.pk})
    delta = run.actions.get(customer__code="A2")
    collector.post(decide, {"decision": "remove", "action": [delta.pk], "reason": "paid"})
    assert add(collector, run, "A2").status_code == 302  # already in: nothing added
    assert run.actions.filter(customer__code="A2").count() == 1
    collector.post(decide, {"decision": "launch"})
    assert mailoutbox == []  # nothing approved yet
    collector.post(decide, {"decision": "approve_all"})
    collector.post(decide, {"decision": "launch"})
    assert [message.to for message in mailoutbox] == [["a1@example.com"]]
    assert Action.objects.get(pk=delta.pk).removed_reason == "paid"
    page = collector.get(reverse("web:run", kwargs={"pk": run.pk}), HTTP_ACCEPT_LANGUAGE="en")
    assert 'id="add-customers"' not in page.content.decode()  # launched: the list is final
    assert "launched" in add(collector, run, "A2").content.decode()

import pytest
from django.urls import reverse

from relance.runs.models import Action, ActionState, JournalEntry
from relance.runs.services import RunRequest, run_dunning
from tests.runs.conftest import AS_OF, customer, invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser("marie", "m@example.com", "x")
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def run(company):
    invoice(customer(company, "C1"), "F1", 5)
    invoice(customer(company, "C3"), "F3", 45)
    return run_dunning(company, RunRequest(AS_OF)).run


def test_a_reviewer_approves_and_sends_a_proposed_action_from_the_admin(staff, run, mailoutbox):
    proposed = Action.objects.get(state=ActionState.PROPOSED)
    response = staff.post(
        reverse("admin:runs_action_changelist"),
        {"action": "approve_and_send", "_selected_action": [proposed.pk]},
        follow=True,
        headers={"accept-language": "en"},
    )
    assert "1 action approved." in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.state == ActionState.DONE
    assert proposed.decided_by == staff.user
    assert mailoutbox[-1].to == ["c3@example.com"]
    assert JournalEntry.objects.get(customer__code="C3").user == staff.user


def test_a_reviewer_removes_a_proposed_action_from_the_admin(staff, run, mailoutbox):
    sent = len(mailoutbox)
    proposed = Action.objects.get(state=ActionState.PROPOSED)
    staff.post(
        reverse("admin:runs_action_changelist"),
        {"action": "remove", "_selected_action": [proposed.pk]},
    )
    proposed.refresh_from_db()
    assert proposed.state == ActionState.REMOVED
    assert len(mailoutbox) == sent


def test_the_customer_card_shows_its_marker_and_dunning_history(staff, run):
    c1 = run.actions.get(customer__code="C1").customer
    page = staff.get(
        reverse("admin:ledger_customer_change", args=[c1.pk]), headers={"accept-language": "en"}
    ).content.decode()
    assert "Dunning history" in page
    assert "F1" in page
    assert "dunning marker" in page.lower()


def test_run_action_and_journal_pages_open(staff, run):
    for name in ("runs_run_changelist", "runs_action_changelist", "runs_journalentry_changelist"):
        assert staff.get(reverse(f"admin:{name}")).status_code == 200
    assert staff.get(reverse("admin:runs_run_change", args=[run.pk])).status_code == 200
    entry = JournalEntry.objects.first()
    assert staff.get(reverse("admin:runs_journalentry_change", args=[entry.pk])).status_code == 200

from decimal import Decimal

import pytest
from django.urls import reverse

from relance.holds.models import Promise
from relance.ledger.models import Customer
from relance.runs.models import JournalEntry, JournalStatus
from relance.tasks.models import Task, TaskKind, TaskState
from relance.tasks.services import open_task
from tests.tasks.conftest import paris

pytestmark = pytest.mark.django_db
ENGLISH = {"accept-language": "en"}


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser("marie", "m@example.com", "x")
    client.force_login(user)
    client.user = user
    return client


def page(staff, url: str, **params: str) -> str:
    response = staff.get(url, params, headers=ENGLISH)
    assert response.status_code == 200
    return response.content.decode()


def change_url(task: Task) -> str:
    return reverse("admin:tasks_task_change", args=[task.pk])


def test_the_todo_list_filters_by_kind_state_assignee_and_overdue(staff, call_tasks, clock):
    changelist = reverse("admin:tasks_task_changelist")
    html = page(staff, changelist)
    assert "Call Durand SARL" in html
    assert "By overdue" in html
    assert "Call Durand SARL" not in page(staff, changelist, overdue="yes")
    clock.set(paris(2026, 11, 24, 11, 0))
    assert "Call Durand SARL" in page(staff, changelist, overdue="yes")
    assert "Call Durand SARL" not in page(staff, changelist, kind__exact="post_letter")
    assert "Martin" in page(staff, changelist, q="Martin")
    assert "Durand" not in page(staff, changelist, q="Martin")


def test_a_call_page_shows_the_script_the_numbers_and_the_outcome_form(staff, c1_call):
    html = page(staff, change_url(c1_call))
    assert "Goal: obtain a firm commitment" in html
    assert 'href="tel:+33600000002"' in html
    assert "Outcome of the call" in html
    assert 'name="dispute_reason"' in html


def test_a_promise_without_its_amount_shows_the_error_on_the_field(staff, c1_call, clock):
    clock.set(paris(2026, 11, 24, 11, 0))
    response = staff.post(
        change_url(c1_call),
        {"outcome": "promise", "promised_until": "2026-12-04"},
        headers=ENGLISH,
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors == {"promised_amount": ["Give the amount promised."]}
    assert Task.objects.get(pk=c1_call.pk).state == TaskState.OPEN


def test_a_promise_recorded_from_the_admin_closes_the_call_and_holds_the_invoices(
    staff, c1_call, clock
):
    clock.set(paris(2026, 11, 24, 11, 0))
    f1 = c1_call.customer.invoices.get(number="F1")
    response = staff.post(
        change_url(c1_call),
        {
            "outcome": "promise",
            "promised_amount": "1234.56",
            "promised_until": "2026-12-04",
            "invoices": [f1.pk],
            "outcome_note": "Cheque in the post",
        },
        headers=ENGLISH,
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    task = Task.objects.get(pk=c1_call.pk)
    assert (task.state, task.outcome, task.done_by) == (TaskState.DONE, "promise", staff.user)
    promise = Promise.objects.get()
    assert (promise.amount, promise.recorded_by) == (Decimal("1234.56"), staff.user)
    assert list(promise.invoices.all()) == [f1]
    assert JournalEntry.objects.get(channel="call").status == JournalStatus.CALLED
    # Closed, the task is shown read-only.
    html = page(staff, change_url(task))
    assert "Cheque in the post" in html
    assert 'name="outcome"' not in html


def test_a_call_back_from_the_admin_opens_the_next_call(staff, c1_call, clock):
    clock.set(paris(2026, 11, 24, 11, 0))
    response = staff.post(
        change_url(c1_call),
        {"outcome": "call_back", "call_back_on_0": "2026-11-26", "call_back_on_1": "16:30"},
        headers=ENGLISH,
    )
    assert response.status_code == 302
    follow_up = Task.objects.get(state=TaskState.OPEN, customer__code="C1")
    assert follow_up.due_at == paris(2026, 11, 26, 16, 30)


def test_a_letter_to_post_is_closed_with_a_note(staff, ledger):
    task = open_task(Customer.objects.get(code="C1"), TaskKind.POST_LETTER, "Post the letter")
    html = page(staff, change_url(task))
    assert "Outcome of the call" not in html
    response = staff.post(change_url(task), {"outcome_note": "Posted"}, headers=ENGLISH)
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.state, task.outcome_note, task.done_by) == (TaskState.DONE, "Posted", staff.user)


def test_open_tasks_can_be_taken_over(staff, call_tasks):
    staff.post(
        reverse("admin:tasks_task_changelist"),
        {"action": "assign_to_me", "_selected_action": [t.pk for t in call_tasks]},
    )
    assert set(Task.objects.values_list("assignee__username", flat=True)) == {"marie"}

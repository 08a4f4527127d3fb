import pytest

from relance.ledger.models import Customer
from relance.tasks.models import TaskKind
from relance.tasks.outcomes import record_call_outcome
from relance.tasks.selectors import todo
from relance.tasks.services import open_task
from tests.tasks.conftest import paris

pytestmark = pytest.mark.django_db


@pytest.fixture
def worklist(ledger, collector, clock):
    c1, c2 = Customer.objects.get(code="C1"), Customer.objects.get(code="C2")
    open_task(c1, TaskKind.POST_LETTER, "today", due_at=paris(2026, 11, 24, 17, 0))
    open_task(c2, TaskKind.FAILED, "overdue", due_at=paris(2026, 11, 20, 9, 0))
    open_task(c1, TaskKind.BOUNCED, "tomorrow", due_at=paris(2026, 11, 25, 0, 0))
    done = open_task(c1, TaskKind.CALL, "done", due_at=paris(2026, 11, 19, 9, 0))
    record_call_outcome(done, "reached", user=collector)
    return ledger


def test_the_todo_list_shows_what_is_due_by_tonight_overdue_first(worklist):
    assert [task.title for task in todo(worklist)] == ["overdue", "today"]


def test_the_whole_list_includes_what_is_due_later(worklist):
    assert [task.title for task in todo(worklist, include_future=True)] == [
        "overdue",
        "today",
        "tomorrow",
    ]


def test_a_collector_sees_only_the_tasks_assigned_to_them(worklist, collector):
    # C1 is Claire's customer; C2 is nobody's.
    assert [task.title for task in todo(worklist, collector, include_future=True)] == [
        "today",
        "tomorrow",
    ]


def test_the_list_loads_customer_and_action_in_one_query(worklist, django_assert_num_queries):
    with django_assert_num_queries(1):
        for task in todo(worklist, include_future=True):
            assert task.customer.code
            assert task.action is None

"""Reading the to-do list."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from relance.ledger.models import Company
from relance.tasks.models import Task, TaskState


def end_of_today(now: datetime | None = None) -> datetime:
    """Midnight tonight, local time: what is due before it is today's work."""
    local = timezone.localtime(now)
    tomorrow = local.date() + timedelta(days=1)
    return datetime.combine(tomorrow, time.min, tzinfo=local.tzinfo)


def todo(
    company: Company,
    user: User | None = None,
    *,
    include_future: bool = False,
    now: datetime | None = None,
) -> QuerySet[Task]:
    """The open tasks of ``company`` (of ``user`` alone when given), oldest due date first,
    so what is overdue comes first; only what is due by tonight unless ``include_future``."""
    tasks = Task.objects.filter(company=company, state=TaskState.OPEN)
    if user is not None:
        tasks = tasks.filter(assignee=user)
    if not include_future:
        tasks = tasks.filter(due_at__lt=end_of_today(now))
    return tasks.select_related("customer", "action", "assignee").order_by("due_at", "pk")

"""The to-do list: calls with their outcome form, letters to post, messages to check.
Thin over ``relance.tasks`` and ``relance.delivery.decisions``, like ``relance call``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relance.delivery import decisions
from relance.tasks.forms import CallOutcomeForm
from relance.tasks.models import Task, TaskKind, TaskState
from relance.tasks.services import close_task
from relance.web.access import acting_view, company_view, visible_tasks


def _task(request: HttpRequest, pk: int) -> Task:
    return get_object_or_404(
        Task,
        pk=pk,
        company=request.company,  # type: ignore[attr-defined]
        state=TaskState.OPEN,
    )


@company_view
def todo_list(request: HttpRequest) -> HttpResponse:
    tasks = visible_tasks(
        request, include_future=bool(request.GET.get("all")), mine=bool(request.GET.get("mine"))
    )
    return render(request, "web/todo.html", {"tasks": tasks})


@acting_view
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    form = None
    if task.kind == TaskKind.CALL:
        form = CallOutcomeForm(request.POST or None, instance=task)
        form.user = request.user  # type: ignore[assignment]
        if request.method == "POST" and form.is_valid():
            form.save()
            messages.success(request, _("Call recorded."))
            return redirect("web:todo")
    return render(request, "web/task.html", {"task": task, "form": form})


@require_POST
@acting_view
def task_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Letters posted, interrupted messages confirmed or sent again, other tasks closed."""
    task = _task(request, pk)
    user: User = request.user  # type: ignore[assignment]
    decision = request.POST.get("decision", "close")
    try:
        if decision == "posted" and task.message is not None:
            decisions.mark_posted(task.message, user, request.POST.get("reference", ""))
        elif decision == "confirm" and task.message is not None:
            decisions.confirm_sent(task.message, user)
        elif decision == "resend" and task.message is not None:
            decisions.resend(task.message, user)
        else:
            close_task(task, user, request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("web:task", pk=task.pk)
    messages.success(request, _("Done."))
    return redirect("web:todo")

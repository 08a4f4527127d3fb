"""The to-do list in the admin. A call is closed by recording its outcome on the task's page;
any other task by closing it with a note. Both go through the services, so the journal, the
levels and the holds follow as they do from ``relance call``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from relance.tasks.forms import CallOutcomeForm, CloseTaskForm
from relance.tasks.models import Task, TaskKind, TaskState


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        overdue = Q(state=TaskState.OPEN, due_at__lt=timezone.now())
        if self.value() == "yes":
            return queryset.filter(overdue)
        if self.value() == "no":
            return queryset.exclude(overdue)
        return queryset


INFO = ["customer", "kind", "due_at", "assignee", "title", "numbers", "script", "action"]
CALL_OUTCOME = [
    "outcome",
    "called_at",
    "phone",
    "outcome_note",
    "promised_amount",
    "promised_until",
    "invoices",
    "dispute_reason",
    "call_back_on",
]
RECORD = ["state", "done_at", "done_by", "created_at"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["due", "kind", "customer", "title", "assignee", "state", "outcome"]
    list_filter = ["kind", "state", "assignee", OverdueFilter, "company"]
    search_fields = ["customer__code", "customer__name", "title"]
    list_select_related = ["customer", "assignee"]
    ordering = ["due_at", "id"]
    actions = ["assign_to_me"]
    readonly_fields = [*INFO, *RECORD, "message"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # runs and the outbox open tasks

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a task is closed, with its outcome, never deleted

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A closed task is history: shown, not edited.
        return (obj is None or obj.state == TaskState.OPEN) and super().has_change_permission(
            request, obj
        )

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is not None and obj.state == TaskState.OPEN:
            kwargs["form"] = CallOutcomeForm if obj.kind == TaskKind.CALL else CloseTaskForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        info = [f for f in INFO if f != "action" or (obj is not None and obj.action_id)]
        if obj is not None and obj.message_id:
            info.append("message")
        if obj is None or obj.state != TaskState.OPEN:
            done = ["outcome", "outcome_note", "promised_amount", "promised_until", "call_back_on"]
            return [(None, {"fields": info}), (_("Done"), {"fields": [*done, *RECORD]})]
        if obj.kind == TaskKind.CALL:
            return [(None, {"fields": info}), (_("Outcome of the call"), {"fields": CALL_OUTCOME})]
        return [(None, {"fields": info}), (_("Close"), {"fields": ["outcome_note"]})]

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        form.user = request.user
        return form.save()

    def save_model(self, request: HttpRequest, obj: Task, form: Any, change: bool) -> None:
        pass  # the form's save went through the services

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass

    @admin.display(description=_("due"), ordering="due_at")
    def due(self, task: Task) -> SafeString | str:
        due = timezone.localtime(task.due_at).strftime("%Y-%m-%d %H:%M")
        if task.state == TaskState.OPEN and task.due_at < timezone.now():
            return format_html('<strong style="color: #ba2121">{}</strong>', due)
        return due

    @admin.display(description=_("phone numbers"))
    def numbers(self, task: Task) -> SafeString | str:
        if not task.phones:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            '<a href="tel:{}">{}</a> {}',
            ((e["number"], e["number"], e.get("name", "")) for e in task.phones),
        )

    @admin.display(description=_("details"))
    def script(self, task: Task) -> SafeString:
        return format_html('<div style="white-space: pre-wrap">{}</div>', task.body)

    @admin.action(description=_("Assign the selected open tasks to me"), permissions=["change"])
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet[Task]) -> None:
        count = queryset.filter(state=TaskState.OPEN).update(assignee=request.user)
        self.message_user(
            request,
            ngettext("%(count)d task assigned to you.", "%(count)d tasks assigned to you.", count)
            % {"count": count},
            messages.SUCCESS,
        )

"""Admin for runs: review proposed actions, approve or remove them, execute; read the journal.

The back-office application (issue 6) gets dedicated screens; this is the set-up and audit
view, thin over the same services as ``relance run``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from relance.ledger.admin import CustomerAdmin
from relance.runs import executing
from relance.runs.models import Action, JournalEntry, Run


class ActionInline(admin.TabularInline):
    model = Action
    readonly_fields = [
        "customer",
        "currency",
        "level",
        "channel",
        "state",
        "total_due",
        "executed_at",
    ]
    fields = list(readonly_fields)
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = ["id", "as_of", "company", "proposals", "skipped", "review", "started_by"]
    list_filter = ["company", "as_of"]
    readonly_fields = [
        "progress",
        "letters_to_print",
        *(field.name for field in Run._meta.fields if field.name != "print_batch"),
    ]
    inlines = [ActionInline]
    actions = ["execute_approved"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # runs are started with `relance run` or the run screen

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        from relance.delivery.admin import MessageInline

        return [ActionInline, MessageInline]

    @admin.display(description=_("letters to print"))
    def letters_to_print(self, run: Run) -> str:
        if not run.print_batch:
            return "—"
        url = reverse("delivery:print-batch", args=[run.pk])
        return format_html('<a href="{}" target="_blank">{}</a>', url, _("open the PDF"))

    @admin.display(description=_("progress"))
    def progress(self, run: Run) -> str:
        from relance.delivery.models import MessageState
        from relance.delivery.selectors import counts_by_state

        outcome = executing.progress(run)
        counts = counts_by_state(run.company, run.pk)
        outbox = ", ".join(
            f"{MessageState(state).label}: {counts[state]}"
            for state, _label in MessageState.choices
            if counts.get(state)
        )
        return _(
            "%(done)d done, %(failed)d failed, %(waiting)d in the outbox. Outbox: %(outbox)s"
        ) % {
            "done": outcome.done,
            "failed": outcome.failed,
            "waiting": outcome.waiting,
            "outbox": outbox or "—",
        }

    @admin.action(description=_("Send the approved actions of the selected runs"))
    def execute_approved(self, request: HttpRequest, queryset: QuerySet[Run]) -> None:
        for run in queryset:
            outcome = executing.execute(run, request.user)  # type: ignore[arg-type]
            _report(self, request, run, outcome)


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = [
        "customer",
        "as_of",
        "currency",
        "level",
        "channel",
        "total_due",
        "state",
        "review",
        "run",
    ]
    list_filter = ["state", "channel", "level", "review", "as_of", "company"]
    search_fields = ["customer__code", "customer__name"]
    list_select_related = ["customer", "run"]
    readonly_fields = [field.name for field in Action._meta.fields]
    actions = ["approve_and_send", "remove"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Approve and send the selected actions"))
    def approve_and_send(self, request: HttpRequest, queryset: QuerySet[Action]) -> None:
        approved = executing.approve(queryset, request.user)  # type: ignore[arg-type]
        self.message_user(
            request,
            ngettext("%(count)d action approved.", "%(count)d actions approved.", approved)
            % {"count": approved},
        )
        for run in Run.objects.filter(pk__in=queryset.values("run")):
            _report(self, request, run, executing.execute(run, request.user))  # type: ignore[arg-type]

    @admin.action(description=_("Remove the selected actions from their run"))
    def remove(self, request: HttpRequest, queryset: QuerySet[Action]) -> None:
        removed = executing.remove(
            queryset,
            str(_("Removed in the admin")),
            request.user,  # type: ignore[arg-type]
        )
        self.message_user(
            request,
            ngettext("%(count)d action removed.", "%(count)d actions removed.", removed)
            % {"count": removed},
        )


def _report(
    model_admin: admin.ModelAdmin[Any], request: HttpRequest, run: Run, outcome: Any
) -> None:
    level = messages.WARNING if outcome.failed else messages.SUCCESS
    model_admin.message_user(
        request,
        _(
            "%(run)s: %(done)d sent, %(failed)d failed, %(waiting)d in the outbox (letters to "
            "post, calls to make, messages deferred or to retry)."
        )
        % {"run": run, "done": outcome.done, "failed": outcome.failed, "waiting": outcome.waiting},
        level,
    )


@admin.register(JournalEntry)
class JournalEntryAdmin(admin.ModelAdmin):
    list_display = ["date", "customer", "level", "channel", "status", "total_due", "user", "run"]
    list_filter = ["status", "channel", "level", "legal_basis", "date", "company"]
    search_fields = ["customer__code", "customer__name", "recipient", "message_id"]
    list_select_related = ["customer", "user", "run"]
    date_hierarchy = "date"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the journal is a record: read, never edited

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class JournalInline(admin.TabularInline):
    model = JournalEntry
    verbose_name_plural = _("dunning history")
    readonly_fields = [
        "date",
        "level",
        "channel",
        "status",
        "invoice_numbers",
        "total_due",
        "by",
        "recipient",
        "sent_document",
    ]
    fields = list(readonly_fields)
    extra = 0
    can_delete = False
    ordering = ["-date", "-id"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("invoices"))
    def invoice_numbers(self, entry: JournalEntry) -> str:
        return ", ".join(entry.invoices)

    @admin.display(description=_("user"))
    def by(self, entry: JournalEntry) -> str:
        return entry.user.get_username() if entry.user else str(_("system"))

    @admin.display(description=_("document"))
    def sent_document(self, entry: JournalEntry) -> str:
        if not entry.document:
            return "—"
        url = reverse("delivery:journal-document", args=[entry.pk])
        return format_html('<a href="{}" target="_blank">{}</a>', url, _("open"))


CustomerAdmin.inlines = [*CustomerAdmin.inlines, JournalInline]

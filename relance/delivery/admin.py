"""The outbox in the admin: every message per run and customer, what happened to it, the exact
content, and a person's decisions (confirm, send again, cancel, mark posted)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from relance.delivery import decisions
from relance.delivery.models import Message
from relance.ledger.admin import CustomerAdmin


class MessageInline(admin.TabularInline):
    """A run's or a customer's messages: what left, when, and what came of it."""

    model = Message
    readonly_fields = [
        "customer",
        "channel",
        "level",
        "state",
        "attempts",
        "sent_at",
        "event",
        "opened",
    ]
    fields = list(readonly_fields)
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["customer__code", "channel"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("content"))
    def opened(self, message: Message) -> str:
        url = reverse("delivery:message-content", args=[message.pk])
        return format_html('<a href="{}" target="_blank">{}</a>', url, _("open"))


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "customer",
        "channel",
        "level",
        "state",
        "attempts",
        "next_attempt_at",
        "event",
        "run",
    ]
    list_filter = ["state", "channel", "event", "level", "company"]
    search_fields = ["customer__code", "customer__name", "provider_id", "key"]
    list_select_related = ["customer", "run"]
    readonly_fields = [field.name for field in Message._meta.fields if field.name != "content"]
    readonly_fields.append("content_link")
    exclude = ["content"]
    actions = ["confirm_sent", "resend", "mark_posted", "cancel"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # what left, or did not, stays on record

    @admin.display(description=_("content"))
    def content_link(self, message: Message) -> str:
        if not message.content:
            return "—"
        url = reverse("delivery:message-content", args=[message.pk])
        return format_html('<a href="{}">{}</a>', url, message.content.name)

    def _decide(
        self,
        request: HttpRequest,
        queryset: QuerySet[Message],
        decide: Callable[[Message], None],
    ) -> None:
        done = 0
        for message in queryset:
            try:
                decide(message)
            except ValidationError as exc:
                self.message_user(request, f"{message}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                done += 1
        self.message_user(
            request,
            ngettext("%(count)d message updated.", "%(count)d messages updated.", done)
            % {"count": done},
        )

    @admin.action(description=_("Confirm as sent (the customer received it)"))
    def confirm_sent(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        self._decide(request, queryset, lambda m: decisions.confirm_sent(m, request.user))  # type: ignore[arg-type]

    @admin.action(description=_("Send again"))
    def resend(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        self._decide(request, queryset, lambda m: decisions.resend(m, request.user))  # type: ignore[arg-type]

    @admin.action(description=_("Mark the letters as posted"))
    def mark_posted(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        self._decide(request, queryset, lambda m: decisions.mark_posted(m, request.user))  # type: ignore[arg-type]

    @admin.action(description=_("Cancel (don't send)"))
    def cancel(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        reason = str(_("Cancelled in the admin"))
        self._decide(request, queryset, lambda m: decisions.cancel(m, reason, request.user))  # type: ignore[arg-type]


CustomerAdmin.inlines = [*CustomerAdmin.inlines, MessageInline]

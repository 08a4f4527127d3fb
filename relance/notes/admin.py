"""Notes and answers in the admin, read only: they are written through ``add_note`` (the
customer page, ``relance note``), which takes the company from the customer."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from relance.notes.models import Note


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["at", "customer", "kind", "channel", "author", "text"]
    list_filter = ["company", "kind", "channel"]
    search_fields = ["customer__code", "customer__name", "text"]
    list_select_related = ["customer", "author"]
    raw_id_fields = ["customer", "author"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class NoteInline(admin.TabularInline):
    model = Note
    fields = ["at", "kind", "channel", "author", "text"]
    readonly_fields = ["at", "kind", "channel", "author", "text"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

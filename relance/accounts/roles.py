"""The three roles, as Django groups with permissions, created after every migration.

- supervisor: everything in their companies (scenarios, groups, templates, settings, runs).
- collector: their customers and to-do list, reviewing and launching runs, holds and notes.
- viewer: reads everything in their companies, changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission, User
from django.utils.translation import gettext_lazy as _

SUPERVISOR, COLLECTOR, VIEWER = "supervisor", "collector", "viewer"
ROLE_NAMES = {SUPERVISOR: _("Supervisor"), COLLECTOR: _("Collector"), VIEWER: _("Viewer")}

APPS = ("ledger", "dunning", "holds", "runs", "content", "delivery", "tasks")
COLLECTOR_CHANGES = {
    "runs": ("change_action", "change_run"),
    "holds": ("add_promise", "change_promise", "add_dispute", "change_dispute"),
    "tasks": ("change_task", "add_task"),
    "delivery": ("change_message",),
    "ledger": ("change_customer",),
}


def _permissions(role: str) -> list[Permission]:
    readable = Permission.objects.filter(content_type__app_label__in=APPS)
    if role == SUPERVISOR:
        return list(readable)
    views = list(readable.filter(codename__startswith="view_"))
    if role == VIEWER:
        return views
    changes = [
        permission
        for permission in readable.exclude(codename__startswith="view_")
        if permission.codename in COLLECTOR_CHANGES.get(permission.content_type.app_label, ())
    ]
    return views + changes


def ensure_roles(**kwargs: Any) -> None:
    for role in ROLE_NAMES:
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set(_permissions(role))


def role_of(user: User) -> str | None:
    """The strongest role the user holds (a superuser is a supervisor)."""
    if user.is_superuser:
        return SUPERVISOR
    names = set(user.groups.values_list("name", flat=True))
    return next((role for role in (SUPERVISOR, COLLECTOR, VIEWER) if role in names), None)

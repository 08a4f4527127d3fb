"""What a user may see in the current company: every query of the back-office starts here."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from relance.accounts.roles import COLLECTOR, SUPERVISOR, role_of
from relance.ledger.models import Customer
from relance.tasks.models import Task
from relance.tasks.selectors import todo

View = Callable[..., HttpResponse]


def company_view(view: View) -> View:
    """Logged in, and with a company: a user who belongs to none sees nothing (404)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "company", None) is None:
            raise Http404("no company")
        return view(request, *args, **kwargs)

    return wrapped


def visible_customers(request: HttpRequest) -> QuerySet[Customer]:
    """The current company's customers; a collector sees theirs and those nobody holds."""
    customers = Customer.objects.filter(company=request.company)  # type: ignore[attr-defined]
    user: User = request.user  # type: ignore[assignment]
    if role_of(user) == COLLECTOR:
        customers = customers.filter(Q(collector=user) | Q(collector__isnull=True))
    return customers


def visible_tasks(
    request: HttpRequest, *, include_future: bool = False, mine: bool = False
) -> QuerySet[Task]:
    """The current company's open tasks; a collector's (or anyone's, with ``mine``) are
    theirs and those nobody holds, as with customers."""
    tasks = todo(request.company, include_future=include_future)  # type: ignore[attr-defined]
    user: User = request.user  # type: ignore[assignment]
    if mine or role_of(user) == COLLECTOR:
        tasks = tasks.filter(Q(assignee=user) | Q(assignee__isnull=True))
    return tasks.select_related("customer", "message")


def acting_view(view: View) -> View:
    """A view that changes something: company members but viewers (403)."""

    @company_view
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if role_of(request.user) not in (SUPERVISOR, COLLECTOR):  # type: ignore[arg-type,operator]
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def supervisor_view(view: View) -> View:
    """Configuration: supervisors only (403 for the other roles)."""

    @company_view
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if role_of(request.user) != SUPERVISOR:  # type: ignore[arg-type]
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped

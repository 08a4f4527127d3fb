"""The current company of a request: one the user belongs to, chosen in the session.

Every screen reads and writes through ``request.company``; an object of another company is
"not found" (404), whatever the URL or the form says.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from relance.ledger.models import Company

SESSION_KEY = "relance_company"


def companies_of(user: User | AnonymousUser) -> QuerySet[Company]:
    if not user.is_authenticated:
        return Company.objects.none()
    if user.is_superuser:
        return Company.objects.order_by("legal_name", "code")
    return Company.objects.filter(memberships__user=user).order_by("legal_name", "code")


def current_company(request: HttpRequest) -> Company | None:
    mine = companies_of(request.user)
    wanted = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    return (mine.filter(pk=wanted).first() if wanted else None) or mine.first()


def choose_company(request: HttpRequest, company_id: int) -> bool:
    if not companies_of(request.user).filter(pk=company_id).exists():
        return False
    request.session[SESSION_KEY] = company_id
    return True


class CurrentCompanyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.company = current_company(request)  # type: ignore[attr-defined]
        return self.get_response(request)

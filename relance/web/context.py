from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from relance.accounts.roles import ROLE_NAMES, role_of
from relance.accounts.scoping import companies_of


def back_office(request: HttpRequest) -> dict[str, Any]:
    """The company switcher and the user's role, on every screen."""
    if not request.user.is_authenticated:
        return {}
    role = role_of(request.user)
    return {
        "my_companies": companies_of(request.user),
        "company": getattr(request, "company", None),
        "role": role,
        "role_name": ROLE_NAMES.get(role, "") if role else "",
    }

"""The user's language follows them: chosen once with the FR/EN switch, it is stored on their
account and applies wherever they log in, before the browser's language or cookie.

Django's ``LocaleMiddleware`` reads the URL, the language cookie and the browser, but no
longer the session or the user; the choice is copied into the session at login so that each
request reads it without a query."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import check_for_language
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from relance.accounts.models import Preference

SESSION_KEY = "relance_language"


def save_language(user: User | AnonymousUser, language: str) -> None:
    """Store ``language`` as the user's choice (nothing for a visitor not logged in)."""
    if user.is_authenticated:
        Preference.objects.update_or_create(user=user, defaults={"language": language})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language`` (cookie, redirect to ``next``), and the choice kept on the
    account of a logged-in user."""
    language = request.POST.get("language", "")
    if language and check_for_language(language):
        save_language(request.user, language)
        request.session[SESSION_KEY] = language
    return django_set_language(request)


@receiver(user_logged_in)
def _remember_at_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None:
        return
    language = Preference.objects.filter(user=user).values_list("language", flat=True).first() or ""
    if language:
        request.session[SESSION_KEY] = language


class PreferredLanguageMiddleware:
    """After ``LocaleMiddleware``: the logged-in user's own language wins over the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if language and check_for_language(language):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)

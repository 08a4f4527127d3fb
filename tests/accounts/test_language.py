"""A user's language is theirs: chosen once, it follows them to any browser they log in from,
before that browser's own language."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from relance.accounts.models import Preference
from relance.accounts.roles import COLLECTOR
from relance.ledger.services.companies import ensure_company
from tests.web.conftest import PASSWORD, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return member("cole", COLLECTOR, ensure_company("a", "Alpha SAS")[0])


def browser(language: str) -> Client:
    """A fresh browser (no cookie) whose own language is ``language``."""
    return Client(HTTP_ACCEPT_LANGUAGE=language)


def log_in(client: Client) -> None:
    response = client.post(reverse("login"), {"username": "cole", "password": PASSWORD})
    assert response.status_code == 302


def home_language(client: Client) -> str:
    page = client.get(reverse("web:home")).content.decode()
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


def switch(client: Client, language: str) -> None:
    client.post(reverse("set_language"), {"language": language, "next": "/"})


def test_the_language_chosen_once_follows_the_user_to_another_browser(user):
    first = browser("fr")
    log_in(first)
    assert home_language(first) == "fr"
    switch(first, "en")
    assert Preference.objects.get(user=user).language == "en"

    other = browser("fr")
    assert 'lang="fr"' in other.get(reverse("login")).content.decode()
    log_in(other)
    assert home_language(other) == "en"


def test_switching_again_replaces_the_choice_at_once(user):
    client = browser("en")
    log_in(client)
    switch(client, "en")
    switch(client, "fr")
    assert home_language(client) == "fr"
    assert Preference.objects.get(user=user).language == "fr"


def test_without_a_choice_the_browser_decides(user):
    client = browser("en")
    log_in(client)
    assert home_language(client) == "en"
    assert not Preference.objects.filter(user=user).exists()


def test_a_visitor_switching_on_the_login_page_stores_nothing(user):
    client = browser("fr")
    switch(client, "en")
    assert 'lang="en"' in client.get(reverse("login")).content.decode()
    assert not Preference.objects.exists()


def test_an_unknown_language_is_ignored(user):
    client = browser("fr")
    log_in(client)
    switch(client, "xx")
    assert home_language(client) == "fr"
    assert not Preference.objects.exists()


def test_logging_out_leaves_the_next_user_to_their_own_language(user):
    client = browser("fr")
    log_in(client)
    switch(client, "en")
    client.post(reverse("logout"))
    member("vic", COLLECTOR, user.memberships.first().company)
    client.post(reverse("login"), {"username": "vic", "password": PASSWORD})
    # The cookie the first user's switch left says English; the session no longer does.
    assert home_language(client) == "en"
    Preference.objects.create(user=user.__class__.objects.get(username="vic"), language="fr")
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "vic", "password": PASSWORD})
    assert home_language(client) == "fr"

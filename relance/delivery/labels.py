"""Channel names to put inside a sentence ("the level 2 letter to ACME"), translated."""

from __future__ import annotations

from django.utils.translation import pgettext


def channel_noun(code: str) -> str:
    nouns = {
        "email": pgettext("channel, in a sentence", "e-mail"),
        "sms": pgettext("channel, in a sentence", "SMS"),
        "letter": pgettext("channel, in a sentence", "letter"),
        "call": pgettext("channel, in a sentence", "call"),
    }
    return nouns.get(code, code)

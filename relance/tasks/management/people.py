"""Who is at the keyboard, for the to-do list commands."""

from __future__ import annotations

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def login_name() -> str:
    """``RELANCE_USER``, else the operating system's login name."""
    name = os.environ.get("RELANCE_USER", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name: a container without a passwd entry
        return ""


def user_named(username: str | None) -> User:
    """The user ``username``, or the one at the keyboard; a CommandError saying how to name
    someone else when there is no such user."""
    name = username or login_name()
    found: User | None = get_user_model().objects.filter(username=name).first() if name else None
    if found is None:
        raise CommandError(
            _(
                "No user %(name)s in relance: pass --user USERNAME or set RELANCE_USER to "
                "your relance username."
            )
            % {"name": name or "?"}
        )
    return found

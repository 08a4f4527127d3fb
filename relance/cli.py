"""The ``relance`` command: Django's command runner with relance's settings.

Every subcommand (``init``, ``import``, ``demo``, ``serve``…) is a management command, a thin
adapter over the services, so it can also be called from tests with ``call_command``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def language_from_environment(environ: Mapping[str, str], supported: set[str]) -> str | None:
    """The first supported language named by the locale variables, in gettext's order.

    >>> language_from_environment({"LANG": "en_GB.UTF-8"}, {"fr", "en"})
    'en'
    >>> language_from_environment({"LANGUAGE": "de:fr", "LANG": "en_US.UTF-8"}, {"fr", "en"})
    'fr'
    >>> language_from_environment({"LANG": "C.UTF-8"}, {"fr", "en"}) is None
    True
    """
    for variable in LOCALE_VARIABLES:
        for candidate in environ.get(variable, "").split(":"):
            code = candidate.split(".")[0].split("@")[0].split("_")[0].lower()
            if code in supported:
                return code
            if code in {"c", "posix"}:
                return None
    return None


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relance.settings")
    import django
    from django.conf import settings
    from django.core.management import ManagementUtility
    from django.utils import translation

    django.setup()
    # Messages follow the terminal's locale, like any command-line tool; without one, the
    # default language of the installation (LANGUAGE_CODE).
    supported = {code for code, _ in settings.LANGUAGES}
    translation.activate(language_from_environment(os.environ, supported) or settings.LANGUAGE_CODE)
    ManagementUtility(["relance", *(sys.argv[1:] if argv is None else argv)]).execute()


if __name__ == "__main__":
    main()

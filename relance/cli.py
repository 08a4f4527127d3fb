"""The ``relance`` command: Django's command runner with relance's settings.

Every subcommand (``init``, ``import``, ``demo``, ``serve``…) is a management command, a thin
adapter over the services, so it can also be called from tests with ``call_command``.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relance.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["relance", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Serve the web interface with a production WSGI server (waitress)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve

        from relance.wsgi import application

        host, port = options["host"], options["port"]
        self.stdout.write(
            self.style.SUCCESS(
                _("relance is running at %(url)s (Ctrl+C to stop)")
                % {"url": f"http://{host}:{port}/"}
            )
        )
        serve(application, host=host, port=port, threads=options["threads"], ident="relance")

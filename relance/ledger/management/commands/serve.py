from typing import Any

from django.core.management.base import BaseCommand, CommandParser


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
            self.style.SUCCESS(f"relance is running at http://{host}:{port}/ (Ctrl+C to stop)")
        )
        serve(application, host=host, port=port, threads=options["threads"], ident="relance")

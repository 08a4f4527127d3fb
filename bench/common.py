"""Set-up shared by the benchmarks: a fresh database, generated data cached in bench/data/."""

from __future__ import annotations

import os
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

AS_OF = date(2026, 11, 24)


def setup_django(database_url: str, home: str | None = None) -> str:
    """Point relance at the given database (default: SQLite in RELANCE_HOME) and return its
    RELANCE_HOME. Without ``home``, a fresh folder and a fresh database (PostgreSQL is flushed);
    with it, what another benchmark process set up there."""
    fresh = home is None
    home = tempfile.mkdtemp(prefix="relance-bench-") if home is None else home
    os.environ["RELANCE_HOME"] = home
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relance.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if fresh:
        if connection.vendor == "postgresql":
            call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", interactive=False, verbosity=0)
    return home


def demo_files(customers: int, invoices: int) -> Path:
    """Generated customers.csv / invoices.csv / payments.csv, made once and cached."""
    from relance.demo.generator import DemoSpec
    from relance.demo.services import write_demo_files

    folder = Path(__file__).parent / "data" / f"c{customers}-i{invoices}"
    if not (folder / "invoices.csv").exists():
        started = time.perf_counter()
        write_demo_files(DemoSpec(customers, invoices, seed=7, as_of=AS_OF), folder)
        print(f"generated {folder} in {time.perf_counter() - started:.1f} s")
    return folder


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

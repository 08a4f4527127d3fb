"""Benchmark: plan a dunning run over 100,000 and 1,000,000 open invoices (100,000 customers).

Target (DESIGN.md section 7): 1,000,000 open invoices planned in 10 s or less, 1.5 GB RSS.
Usage: python bench/plan.py [--invoices N ...] [--customers N] [--repeat N] [--database-url URL]

Each size gets a fresh database, filled by a child process (so that the peak memory printed is
the plan's own), then planned ``--repeat`` times; the figures are the best run and the median.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import AS_OF, demo_files, peak_rss_mb, setup_django

TARGET_SECONDS_PER_MILLION = 10.0
TARGET_RSS_MB = 1536


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--invoices", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--import-into", metavar="HOME", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.import_into:
        fill(args.import_into, args.invoices[0], args.customers, args.database_url)
    elif len(args.invoices) > 1:
        # One process per size: Django's settings, hence the database, are fixed per process.
        for invoices in args.invoices:
            subprocess.run(
                [
                    *command(invoices, args.customers, args.database_url),
                    "--repeat",
                    str(args.repeat),
                ],
                check=True,
            )
    else:
        run(args.invoices[0], args.customers, args.database_url, args.repeat)


def command(invoices: int, customers: int, database_url: str) -> list[str]:
    return [
        sys.executable,
        __file__,
        "--invoices",
        str(invoices),
        "--customers",
        str(customers),
        "--database-url",
        database_url,
    ]


def fill(home: str, invoices: int, customers: int, database_url: str) -> None:
    """The child process: import the generated customers and invoices into ``home``."""
    setup_django(database_url, home)
    from relance.dunning.services import ensure_default_scenarios
    from relance.ledger.importing.service import import_file
    from relance.ledger.services.companies import ensure_company

    folder = demo_files(customers, invoices)
    company, _ = ensure_company("bench", "Bench SAS")
    ensure_default_scenarios(company)
    started = time.perf_counter()
    import_file(company, "customers", folder / "customers.csv", today=AS_OF)
    import_file(company, "invoices", folder / "invoices.csv", today=AS_OF)
    print(f"import:          {time.perf_counter() - started:.1f} s (in a separate process)")


def run(invoices: int, customers: int, database_url: str, repeat: int) -> None:
    home = setup_django(database_url)
    demo_files(customers, invoices)  # generated (once) before the child imports them
    subprocess.run([*command(invoices, customers, database_url), "--import-into", home], check=True)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from relance.dunning import planning
    from relance.ledger.models import Company

    company = Company.objects.get(code="bench")
    runs = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries, phases(planning) as spent:
            started = time.perf_counter()
            result = planning.build_plan(company, AS_OF)
            seconds = time.perf_counter() - started
        runs.append((seconds, spent["load_open_items"], spent["plan"]))
        counts = (len(queries), len(result.proposals), len(result.excluded))
        del result
    seconds, load, engine = min(runs)
    median = statistics.median(total for total, _, _ in runs)
    target = TARGET_SECONDS_PER_MILLION * invoices / 1_000_000
    rss = peak_rss_mb()
    print(f"database:        {connection.vendor}")
    print(f"open invoices:   {invoices:,} over {customers:,} customers")
    print(
        f"plan:            {seconds:.1f} s best of {len(runs)} (median {median:.1f} s), "
        "{:,} queries, {:,} proposals, {:,} exclusions".format(*counts)
    )
    print(
        f"  phases:        load {load:.1f} s, engine {engine:.1f} s, "
        f"customers, scenarios and the rest {seconds - load - engine:.1f} s"
    )
    print(f"peak RSS:        {rss:,.0f} MB (the planning process)")
    print(
        f"ratio to target: {target / seconds:.2f} for time (target {target:.1f} s), "
        f"{TARGET_RSS_MB / rss:.2f} for memory (target {TARGET_RSS_MB:,} MB); > 1 is better"
    )


@contextmanager
def phases(module: Any, names: tuple[str, ...] = ("load_open_items", "plan")) -> Iterator[dict]:
    """Time the functions ``module`` calls by these names (the service's phases), in place."""
    spent = dict.fromkeys(names, 0.0)
    originals = {name: getattr(module, name) for name in names}

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - started

        return call

    for name, function in originals.items():
        setattr(module, name, timed(name, function))
    try:
        yield spent
    finally:
        for name, function in originals.items():
            setattr(module, name, function)


if __name__ == "__main__":
    main()

"""Benchmark: plan a dunning run over 100,000 and 1,000,000 open invoices (100,000 customers).

Target (DESIGN.md section 7): 1,000,000 open invoices planned in 10 s or less, 1.5 GB RSS.
Usage: python bench/plan.py [--invoices N ...] [--customers N] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import AS_OF, demo_files, peak_rss_mb, setup_django

TARGET_SECONDS_PER_MILLION = 10.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--invoices", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    args = parser.parse_args()
    if len(args.invoices) > 1:
        # One process per size: Django's settings, hence the database, are fixed per process.
        for invoices in args.invoices:
            command = [
                sys.executable,
                __file__,
                "--invoices",
                str(invoices),
                "--customers",
                str(args.customers),
                "--database-url",
                args.database_url,
            ]
            subprocess.run(command, check=True)
        return
    run(args.invoices[0], args.customers, args.database_url)


def run(invoices: int, customers: int, database_url: str) -> None:
    setup_django(database_url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from relance.dunning.planning import build_plan
    from relance.dunning.services import ensure_default_scenarios
    from relance.ledger.importing.service import import_file
    from relance.ledger.services.companies import ensure_company

    folder = demo_files(customers, invoices)
    company, _ = ensure_company("bench", "Bench SAS")
    ensure_default_scenarios(company)
    import_file(company, "customers", folder / "customers.csv", today=AS_OF)
    import_file(company, "invoices", folder / "invoices.csv", today=AS_OF)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = build_plan(company, AS_OF)
        seconds = time.perf_counter() - started
    target = TARGET_SECONDS_PER_MILLION * invoices / 1_000_000
    print(f"database:        {connection.vendor}")
    print(f"open invoices:   {invoices:,} over {customers:,} customers")
    print(
        f"plan:            {seconds:.1f} s, {len(queries)} queries, "
        f"{len(result.proposals):,} proposals, {len(result.excluded):,} exclusions"
    )
    print(f"peak RSS:        {peak_rss_mb():,.0f} MB (process, import included)")
    print(f"ratio to target: {target / seconds:.2f} (target {target:.1f} s; > 1 is better)")


if __name__ == "__main__":
    main()

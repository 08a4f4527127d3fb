"""Benchmark: import a generated 1,000,000-row invoices CSV.

Target (DESIGN.md section 7): 1,000,000 rows in 30 s or less, i.e. 33,333 rows/s.
Usage: python bench/import.py [--rows N] [--customers N] [--database-url URL]
Generated files are cached in bench/data/; each run imports into a fresh database.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import AS_OF, demo_files, peak_rss_mb, setup_django

TARGET_ROWS_PER_SECOND = 1_000_000 / 30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", ""),
        help="default: a fresh SQLite file; e.g. postgres://postgres@127.0.0.1/relance_bench",
    )
    args = parser.parse_args()
    setup_django(args.database_url)
    from django.db import connection

    from relance.ledger.importing.service import import_file
    from relance.ledger.services.companies import ensure_company

    as_of = AS_OF
    data = demo_files(args.customers, args.rows)
    company, _ = ensure_company("bench", "Bench SAS")
    started = time.perf_counter()
    customers = import_file(company, "customers", data / "customers.csv", today=as_of)
    customer_seconds = time.perf_counter() - started

    started = time.perf_counter()
    report = import_file(company, "invoices", data / "invoices.csv", today=as_of)
    seconds = time.perf_counter() - started
    rate = report.rows / seconds

    started = time.perf_counter()
    again = import_file(company, "invoices", data / "invoices.csv", today=as_of)
    reimport_seconds = time.perf_counter() - started

    rss_mb = peak_rss_mb()
    print(f"database:           {connection.vendor}")
    print(f"customers:          {customers.rows:,} rows in {customer_seconds:.1f} s")
    print(f"invoices (new):     {report.rows:,} rows in {seconds:.1f} s = {rate:,.0f} rows/s")
    print(
        f"invoices (re-run):  {again.rows:,} rows in {reimport_seconds:.1f} s, "
        f"{again.unchanged:,} unchanged"
    )
    print(f"peak RSS:           {rss_mb:,.0f} MB")
    print(
        f"ratio to target:    {rate / TARGET_ROWS_PER_SECOND:.2f} "
        f"(target {TARGET_ROWS_PER_SECOND:,.0f} rows/s; > 1 is better)"
    )
    sys.exit(0)


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Run the whole suite on SQLite, then again on PostgreSQL when one is reachable.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/relance}"
export RELANCE_HOME="${RELANCE_HOME:-$PWD/var/test}"

# The engine is covered by its own tests (no database); measuring coverage over the whole
# suite slowed every other test by a third.
echo "== engine tests, branch coverage 100 % =="
"$BIN/pytest" --doctest-modules relance/engine tests/engine \
    --cov=relance/engine --cov-branch --cov-fail-under=100 --cov-report=term:skip-covered "$@"

echo "== tests on SQLite =="
env -u DATABASE_URL "$BIN/pytest" --doctest-modules relance tests \
    --ignore=relance/engine --ignore=tests/engine "$@"

if "$BIN/python" - "$TEST_DATABASE_URL" <<'PY'
import sys, psycopg, dj_database_url
cfg = dj_database_url.parse(sys.argv[1])
try:
    psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"],
                    password=cfg["PASSWORD"] or None, dbname="postgres", connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL unreachable: {exc}", file=sys.stderr)
    sys.exit(1)
PY
then
    echo "== tests on PostgreSQL ($TEST_DATABASE_URL) =="
    # The engine needs no database: its tests ran once above.
    DATABASE_URL="$TEST_DATABASE_URL" "$BIN/pytest" tests --ignore=tests/engine "$@"
else
    echo "== PostgreSQL SKIPPED: nothing reachable at $TEST_DATABASE_URL =="
    if [ "${CI:-}" = "true" ]; then
        echo "CI requires PostgreSQL; failing." >&2
        exit 1
    fi
fi

"""Two `relance run` processes started at the same moment for the same company: one waits for
the other, and no customer is actioned or e-mailed twice. Real processes, real databases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.databases import scratch_postgres

CUSTOMERS = 40
RELANCE = [sys.executable, "-m", "relance.cli"]
SCENARIO = """\
scenarios:
  - code: std
    default: true
    levels:
      - {level: 1, from_days: 1, to_days: 30, channels: [email]}
      - {level: 2, from_days: 31, to_days: 9999, channels: [email]}
"""


def relance(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*RELANCE, *args], env=env, capture_output=True, text=True, check=True, timeout=120
    )


def prepare(env: dict[str, str], folder: Path) -> None:
    (folder / "scenarios.yaml").write_text(SCENARIO)
    (folder / "customers.csv").write_text(
        "code,name,email\n"
        + "".join(f"C{i:03d},Client {i},c{i}@example.com\n" for i in range(CUSTOMERS))
    )
    (folder / "invoices.csv").write_text(
        "number,customer,issue_date,due_date,amount\n"
        + "".join(
            f"F{i:03d},C{i:03d},2026-09-01,2026-10-{1 + i % 28:02d},120.00\n"
            for i in range(CUSTOMERS)
        )
    )
    relance(env, "init", "--company", "acme")
    relance(env, "scenarios", "load", str(folder / "scenarios.yaml"))
    relance(env, "import", "customers", str(folder / "customers.csv"))
    relance(env, "import", "invoices", str(folder / "invoices.csv"))


def race(env: dict[str, str], folder: Path) -> None:
    prepare(env, folder)
    runs = [
        subprocess.Popen(
            [*RELANCE, "run", "--as-of", "2026-11-24"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    for run, (_out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err
    sent = sorted(int(out.split(" sent")[0].rsplit(" ", 1)[1]) for out, _ in outputs)
    assert sent == [0, CUSTOMERS]
    history = json.loads(relance(env, "history", "--format", "json").stdout)["entries"]
    assert len(history) == CUSTOMERS
    assert len({entry["customer"] for entry in history}) == CUSTOMERS
    assert len(list((folder / "outbox").glob("*.eml"))) == CUSTOMERS


def environment(folder: Path, database_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "RELANCE_HOME": str(folder),
        "DATABASE_URL": database_url,
        "EMAIL_URL": f"file://{folder / 'outbox'}",
        "LANG": "en_US.UTF-8",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def test_two_runs_started_together_on_sqlite_never_action_a_customer_twice(tmp_path):
    race(environment(tmp_path, f"sqlite:///{tmp_path / 'relance.sqlite3'}"), tmp_path)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    base = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/relance")
    with scratch_postgres(base, "relance_race") as url:
        yield url


def test_two_runs_started_together_on_postgresql_never_action_a_customer_twice(
    tmp_path, postgres_url
):
    race(environment(tmp_path, postgres_url), tmp_path)

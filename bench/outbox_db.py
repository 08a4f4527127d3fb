"""The sending benchmark's databases: one prepared template, one copy per configuration, read
and released with plain SQL (the benchmark's own process never starts Django)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg


def _connect(url: str) -> Any:
    if url.startswith("sqlite"):
        return sqlite3.connect(url.removeprefix("sqlite:///"), timeout=60)
    config = dj_database_url.parse(url)
    return psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname=config["NAME"],
        autocommit=True,
    )


def execute(url: str, sql: str) -> None:
    db = _connect(url)
    try:
        db.execute(sql)
        db.commit()
    finally:
        db.close()


def scalar(url: str, sql: str) -> int:
    db = _connect(url)
    try:
        return int(db.execute(sql).fetchone()[0])
    finally:
        db.close()


class Databases:
    """SQLite files in ``home`` by default; with a PostgreSQL URL, that database (dropped and
    created afresh) as the template and ``<name>_<label>`` databases as its copies."""

    def __init__(self, url: str, home: Path) -> None:
        self.home = home
        self.copies: list[str] = []
        self.postgres = url.startswith("postgres")
        if self.postgres:
            self.kind = "PostgreSQL"
            self.name = str(dj_database_url.parse(url)["NAME"])
            self.server = url.rsplit("/", 1)[0]
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self._admin(f'CREATE DATABASE "{self.name}"')
            self.template = url
        else:
            self.kind = "SQLite"
            self.template = f"sqlite:///{home / 'template.sqlite3'}"

    def _admin(self, sql: str) -> None:
        execute(f"{self.server}/postgres", sql)

    def seal(self) -> None:
        """Make the template whole in one file, ready to be copied."""
        if not self.postgres:
            execute(self.template, "PRAGMA wal_checkpoint(TRUNCATE)")

    def clone(self, label: str) -> str:
        if self.postgres:
            name = f"{self.name}_{label}"
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"')
            url = f"{self.server}/{name}"
        else:
            path = self.home / f"{label}.sqlite3"
            shutil.copyfile(self.home / "template.sqlite3", path)
            url = f"sqlite:///{path}"
        self.copies.append(url)
        return url

    def drop(self, url: str) -> None:
        if url in self.copies:
            self.copies.remove(url)
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)

    def drop_all(self) -> None:
        for url in list(self.copies):
            self.drop(url)
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

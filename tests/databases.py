"""Scratch PostgreSQL databases for tests that run relance in other processes."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import dj_database_url
import psycopg
import pytest


def connect_params(config: Mapping[str, Any], name: str) -> dict[str, Any]:
    """psycopg's connection arguments for database ``name`` of a parsed database URL."""
    return {
        "host": config["HOST"] or "127.0.0.1",
        "port": config["PORT"] or 5432,
        "user": config["USER"],
        "password": config["PASSWORD"] or None,
        "dbname": name,
    }


@contextmanager
def scratch_postgres(base_url: str, prefix: str) -> Iterator[str]:
    """The URL of a new, empty database on ``base_url``'s server, dropped afterwards.

    An unreachable server skips the test with the reason, except in CI, where PostgreSQL is
    part of the machine and its absence is a failure."""
    config = dj_database_url.parse(base_url)
    try:
        admin = psycopg.connect(
            **connect_params(config, "postgres"), autocommit=True, connect_timeout=3
        )
    except psycopg.OperationalError as exc:
        reason = f"PostgreSQL unreachable at {config['HOST']}:{config['PORT']}: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()

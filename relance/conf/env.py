"""Typed readers for environment variables.

Each reader fails loudly with the variable's name when its value cannot be used: a
misconfigured deployment must not start with a silently guessed setting.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def get_str(name: str, default: str) -> str:
    """Return the variable, or `default` when unset."""
    return os.environ.get(name, default)


def get_bool(name: str, default: bool) -> bool:
    """Read a boolean written as 1/0, true/false, yes/no or on/off.

    >>> os.environ["RELANCE_DOCTEST_FLAG"] = "yes"
    >>> get_bool("RELANCE_DOCTEST_FLAG", False)
    True
    """
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = _to_bool(raw)
    if value is None:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off"
        )
    return value


def _to_bool(raw: str) -> bool | None:
    """True or False for the accepted words, None for anything else."""
    word = raw.strip().lower()
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


def get_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list; blank items are dropped."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def get_path(name: str, default: Path) -> Path:
    """Read a filesystem path, made absolute against the current directory."""
    raw = os.environ.get(name)
    path = Path(raw) if raw else default
    return path.expanduser().resolve()


def get_database(name: str, default_sqlite: Path) -> dict[str, Any]:
    """Build Django's DATABASES entry from a URL such as ``postgres://user@host/db``.

    The embedded SQLite default runs in WAL mode so that the web server can read while a run
    or an import writes, and takes its write lock when a transaction starts (IMMEDIATE) so a
    second writer waits instead of failing half-way.
    """
    raw = os.environ.get(name) or f"sqlite:///{default_sqlite}"
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(raw, conn_max_age=0))
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a database URL: {exc}") from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=30000;"
                "PRAGMA cache_size=-262144;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    elif config["ENGINE"] not in {
        "django.db.backends.postgresql",
        "django.db.backends.postgresql_psycopg2",
    }:
        raise ImproperlyConfigured(
            f"{name}={raw!r}: only sqlite:// and postgres:// databases are supported"
        )
    return config


def get_email(name: str, default_outbox: Path) -> dict[str, Any]:
    """Turn EMAIL_URL into Django e-mail settings.

    Supported forms::

        file:///path/to/folder           one .eml file per message in that folder
        (unset)                          .eml files in $RELANCE_HOME/outbox/email
        console://                       print messages on standard output
        smtp://user:pass@host:587        SMTP, upgraded with STARTTLS unless ?starttls=no
        smtps://user:pass@host:465       SMTP over implicit TLS
    Query options for smtp/smtps: ``timeout`` (seconds, default 30).
    """
    raw = os.environ.get(name) or ""
    if not raw:
        return {
            "EMAIL_BACKEND": "relance.mail.backends.EmlFileBackend",
            "EMAIL_FILE_PATH": str(default_outbox),
        }
    url = urlsplit(raw)
    query = {key: values[-1] for key, values in parse_qs(url.query).items()}
    if url.scheme == "file":
        folder = Path(unquote(url.netloc + url.path)) if (url.netloc or url.path) else None
        return {
            "EMAIL_BACKEND": "relance.mail.backends.EmlFileBackend",
            "EMAIL_FILE_PATH": str(folder or default_outbox),
        }
    if url.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if url.scheme in {"smtp", "smtps"}:
        if not url.hostname:
            raise ImproperlyConfigured(f"{name}={raw!r}: an SMTP URL needs a host")
        implicit_tls = url.scheme == "smtps"
        starttls = not implicit_tls and _to_bool(query.get("starttls", "yes"))
        if starttls is None:
            raise ImproperlyConfigured(
                f"{name}: option starttls={query['starttls']!r} is not a boolean"
            )
        try:
            port = url.port or (465 if implicit_tls else 587)
            timeout = int(query.get("timeout", "30"))
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name}={raw!r}: {exc}") from exc
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": url.hostname,
            "EMAIL_PORT": port,
            "EMAIL_HOST_USER": unquote(url.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(url.password or ""),
            "EMAIL_USE_SSL": implicit_tls,
            "EMAIL_USE_TLS": starttls,
            "EMAIL_TIMEOUT": timeout,
        }
    raise ImproperlyConfigured(
        f"{name}={raw!r}: unsupported scheme {url.scheme!r}; use file://, console://, "
        "smtp:// or smtps://"
    )


def secret_key(home: Path) -> str:
    """Return SECRET_KEY, generating it once into ``home/secret_key`` when unset.

    The file is created with mode 0600 and never overwritten, so sessions and signed portal
    links survive restarts.
    """
    explicit = os.environ.get("SECRET_KEY")
    if explicit:
        return explicit
    path = home / "secret_key"
    if not path.exists():
        home.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first; read theirs
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
    key = path.read_text().strip()
    if not key:
        raise ImproperlyConfigured(f"{path} is empty; delete it to generate a new key")
    return key

"""Typed readers for environment variables.

Each reader fails loudly with the variable's name when its value cannot be used: a
misconfigured deployment must not start with a silently guessed setting.
"""

from __future__ import annotations

import os
import secrets
from datetime import time
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

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


def get_int(name: str, default: int, minimum: int | None = None) -> int:
    """
    >>> os.environ["RELANCE_DOCTEST_INT"] = "0"
    >>> get_int("RELANCE_DOCTEST_INT", 5, minimum=1)
    Traceback (most recent call last):
    ...
    django.core.exceptions.ImproperlyConfigured: RELANCE_DOCTEST_INT=0 must be at least 1
    """
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}")
    return value


def get_time_or_off(name: str, default: str) -> str:
    """A time of day such as ``07:00``, or ``off``.

    >>> os.environ["RELANCE_DOCTEST_TIME"] = "7h"
    >>> get_time_or_off("RELANCE_DOCTEST_TIME", "07:00")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    django.core.exceptions.ImproperlyConfigured: RELANCE_DOCTEST_TIME='7h' is not a time ...
    """
    raw = os.environ.get(name, default).strip()
    if raw.lower() in {"off", "no", "none", ""}:
        return "off"
    try:
        time.fromisoformat(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a time such as 07:00, or off") from None
    return raw


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
        anymail+brevo://API_KEY@         Brevo's API (django-anymail)
        anymail+mailjet://KEY:SECRET@    Mailjet's API
        anymail+postmark://TOKEN@        Postmark's API (a server token)
        anymail+sendgrid://KEY@          SendGrid's API
        anymail+amazonses://             Amazon SES; credentials and region from the usual
                                         AWS variables (AWS_ACCESS_KEY_ID…), or ?region=

    Query options:

        rate=N             (every form) at most N messages per minute per worker process
        timeout=S          (smtp, smtps) seconds, default 30
        starttls=no        (smtp) plain connection, for a local relay
        webhook_secret=U:P (anymail) the user:password the provider's webhook calls carry
        region=R           (anymail+amazonses) the AWS region, e.g. eu-west-3

    Escape special characters of credentials with percent-encoding (``@`` is ``%40``).
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
        config: dict[str, Any] = {
            "EMAIL_BACKEND": "relance.mail.backends.EmlFileBackend",
            "EMAIL_FILE_PATH": str(folder or default_outbox),
        }
        options: set[str] = set()
    elif url.scheme == "console":
        config = {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
        options = set()
    elif url.scheme in {"smtp", "smtps"}:
        config = _smtp(name, raw, url, query)
        options = {"timeout"} if url.scheme == "smtps" else {"timeout", "starttls"}
    elif url.scheme in ANYMAIL_BACKENDS:
        config = _anymail(name, url, query)
        options = {"webhook_secret"} | ({"region"} if url.scheme == "anymail+amazonses" else set())
    else:
        raise ImproperlyConfigured(
            f"{name}={raw!r}: unsupported scheme {url.scheme!r}; use file://, console://, "
            "smtp://, smtps:// or one of " + ", ".join(f"{s}://" for s in ANYMAIL_BACKENDS)
        )
    unknown = sorted(set(query) - options - {"rate"})
    if unknown:
        raise ImproperlyConfigured(
            f"{name}: unknown option {unknown[0]!r} for {url.scheme}://; "
            f"options: {', '.join(sorted(options | {'rate'}))}"
        )
    if "rate" in query:
        rate = query["rate"]
        if not rate.isdigit() or int(rate) <= 0:
            raise ImproperlyConfigured(
                f"{name}: option rate={rate!r} is not a positive number of messages per minute"
            )
        config["EMAIL_RATE_PER_MINUTE"] = int(rate)
    return config


# EMAIL_URL scheme -> anymail backend, the ANYMAIL settings the URL's user and password fill.
ANYMAIL_BACKENDS: dict[str, tuple[str, dict[str, str]]] = {
    "anymail+brevo": ("anymail.backends.brevo.EmailBackend", {"user": "BREVO_API_KEY"}),
    "anymail+mailjet": (
        "anymail.backends.mailjet.EmailBackend",
        {"user": "MAILJET_API_KEY", "password": "MAILJET_SECRET_KEY"},
    ),
    "anymail+postmark": (
        "anymail.backends.postmark.EmailBackend",
        {"user": "POSTMARK_SERVER_TOKEN"},
    ),
    "anymail+sendgrid": ("anymail.backends.sendgrid.EmailBackend", {"user": "SENDGRID_API_KEY"}),
    "anymail+amazonses": ("anymail.backends.amazon_ses.EmailBackend", {}),
}


def _smtp(name: str, raw: str, url: SplitResult, query: dict[str, str]) -> dict[str, Any]:
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


def _anymail(name: str, url: SplitResult, query: dict[str, str]) -> dict[str, Any]:
    backend, credentials = ANYMAIL_BACKENDS[url.scheme]
    given = {"user": unquote(url.username or ""), "password": unquote(url.password or "")}
    anymail: dict[str, Any] = {}
    for part, setting in credentials.items():
        if not given[part]:
            # The URL is not repeated: it holds credentials.
            raise ImproperlyConfigured(
                f"{name}: {url.scheme}:// needs {' and '.join(credentials.values())} "
                f"before the @ ({url.scheme}://{':'.join(credentials.values())}@)"
            )
        anymail[setting] = given[part]
    if query.get("region"):
        anymail["AMAZON_SES_CLIENT_PARAMS"] = {"region_name": query["region"]}
    if query.get("webhook_secret"):
        if ":" not in query["webhook_secret"]:
            raise ImproperlyConfigured(f"{name}: option webhook_secret must be user:password")
        anymail["WEBHOOK_SECRET"] = query["webhook_secret"]
    return {"EMAIL_BACKEND": backend, "ANYMAIL": anymail}


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

"""Settings read from the environment: typed, and loud when a value cannot be used."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from relance.conf import env


def assert_wal_options(config: dict) -> None:
    """WAL so readers never wait for a writer; IMMEDIATE and a busy timeout so that a
    second writer waits for the lock instead of failing half-way."""
    options = config["OPTIONS"]
    assert set(options) == {"init_command", "transaction_mode"}
    assert options["transaction_mode"] == "IMMEDIATE"
    pragmas = [p for p in options["init_command"].split(";") if p]
    assert pragmas[:3] == [
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=NORMAL",
        "PRAGMA busy_timeout=30000",
    ]


def test_a_string_variable_falls_back_to_its_default_only_when_unset(monkeypatch):
    monkeypatch.delenv("RELANCE_TEST_VAR", raising=False)
    assert env.get_str("RELANCE_TEST_VAR", "Europe/Paris") == "Europe/Paris"
    monkeypatch.setenv("RELANCE_TEST_VAR", "UTC")
    assert env.get_str("RELANCE_TEST_VAR", "Europe/Paris") == "UTC"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        (" Yes ", True),
        ("ON", True),
        ("0", False),
        ("false", False),
        ("no", False),
        ("Off", False),
        ("", False),
    ],
)
def test_a_boolean_is_written_1_0_true_false_yes_no_or_on_off(monkeypatch, raw, expected):
    monkeypatch.setenv("DEBUG", raw)
    assert env.get_bool("DEBUG", not expected) is expected


def test_an_unset_boolean_takes_its_default(monkeypatch):
    monkeypatch.delenv("DEBUG", raising=False)
    assert env.get_bool("DEBUG", True) is True
    assert env.get_bool("DEBUG", False) is False


def test_a_boolean_that_is_not_one_fails_loudly_naming_the_variable(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured) as caught:
        env.get_bool("DEBUG", False)
    assert str(caught.value) == (
        "DEBUG='maybe' is not a boolean; use one of 1/0, true/false, yes/no, on/off"
    )


def test_a_list_is_comma_separated_with_blank_items_dropped(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", " relance.example , ,localhost,")
    assert env.get_list("ALLOWED_HOSTS", ["x"]) == ["relance.example", "localhost"]
    monkeypatch.setenv("ALLOWED_HOSTS", "")
    assert env.get_list("ALLOWED_HOSTS", ["x"]) == []


def test_an_unset_list_returns_a_copy_of_its_default(monkeypatch):
    monkeypatch.delenv("ALLOWED_HOSTS", raising=False)
    default = ["127.0.0.1"]
    hosts = env.get_list("ALLOWED_HOSTS", default)
    hosts.append("evil.example")
    assert default == ["127.0.0.1"]


def test_a_path_is_made_absolute_against_the_current_folder(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RELANCE_HOME", "data/relance")
    assert env.get_path("RELANCE_HOME", Path("/unused")) == tmp_path.resolve() / "data/relance"


def test_a_path_expands_the_home_folder_and_blank_means_the_default(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("RELANCE_HOME", "~/relance")
    assert env.get_path("RELANCE_HOME", Path("/unused")) == tmp_path.resolve() / "relance"
    monkeypatch.setenv("RELANCE_HOME", "")
    assert env.get_path("RELANCE_HOME", tmp_path / "var") == tmp_path.resolve() / "var"


def test_the_default_database_is_sqlite_in_wal_mode_in_the_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    default = tmp_path / "home" / "relance.sqlite3"
    config = env.get_database("DATABASE_URL", default)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(default)
    assert_wal_options(config)
    assert default.parent.is_dir()


def test_a_sqlite_url_gets_the_wal_options_too(monkeypatch, tmp_path):
    database = tmp_path / "elsewhere" / "ledger.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    config = env.get_database("DATABASE_URL", tmp_path / "unused.sqlite3")
    assert config["NAME"] == str(database)
    assert_wal_options(config)
    assert config["CONN_MAX_AGE"] == 0
    assert database.parent.is_dir()


def test_a_postgres_url_is_split_into_django_settings_without_sqlite_options(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://relance:s%40cret@db.example:5433/ledger")
    config = env.get_database("DATABASE_URL", Path("/unused.sqlite3"))
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"]) == ("relance", "s@cret")
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example", 5433, "ledger")
    assert "OPTIONS" not in config


def test_an_unsupported_database_fails_loudly_naming_the_variable(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://relance@db.example/ledger")
    with pytest.raises(ImproperlyConfigured) as caught:
        env.get_database("DATABASE_URL", Path("/unused.sqlite3"))
    assert str(caught.value) == (
        "DATABASE_URL='mysql://relance@db.example/ledger': "
        "only sqlite:// and postgres:// databases are supported"
    )


def test_a_database_url_that_is_not_a_url_fails_loudly_naming_the_variable(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "ledger.sqlite3")
    with pytest.raises(ImproperlyConfigured) as caught:
        env.get_database("DATABASE_URL", Path("/unused.sqlite3"))
    assert str(caught.value).startswith("DATABASE_URL='ledger.sqlite3' is not a database URL: ")


@pytest.mark.parametrize("raw", [None, ""])
def test_without_email_url_messages_are_written_as_eml_files_in_the_outbox(
    monkeypatch, tmp_path, raw
):
    if raw is None:
        monkeypatch.delenv("EMAIL_URL", raising=False)
    else:
        monkeypatch.setenv("EMAIL_URL", raw)
    assert env.get_email("EMAIL_URL", tmp_path / "outbox") == {
        "EMAIL_BACKEND": "relance.mail.backends.EmlFileBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "outbox"),
    }


def test_a_file_email_url_names_the_outbox_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("EMAIL_URL", f"file://{tmp_path}/mail%20out")
    assert env.get_email("EMAIL_URL", Path("/unused")) == {
        "EMAIL_BACKEND": "relance.mail.backends.EmlFileBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail out"),
    }


def test_a_file_email_url_without_a_path_uses_the_default_outbox(monkeypatch, tmp_path):
    monkeypatch.setenv("EMAIL_URL", "file://")
    assert env.get_email("EMAIL_URL", tmp_path)["EMAIL_FILE_PATH"] == str(tmp_path)


def test_a_console_email_url_prints_messages(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "console://")
    assert env.get_email("EMAIL_URL", Path("/unused")) == {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"
    }


def test_an_smtp_url_uses_starttls_on_port_587_by_default(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtp://relance%40acme.example:p%40ss%3Aword@mail.example")
    assert env.get_email("EMAIL_URL", Path("/unused")) == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "relance@acme.example",
        "EMAIL_HOST_PASSWORD": "p@ss:word",
        "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": True,
        "EMAIL_TIMEOUT": 30,
    }


def test_an_smtp_url_can_turn_starttls_off_and_set_port_and_timeout(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtp://localhost:1025?starttls=no&timeout=5")
    settings = env.get_email("EMAIL_URL", Path("/unused"))
    assert settings["EMAIL_PORT"] == 1025
    assert (settings["EMAIL_USE_TLS"], settings["EMAIL_USE_SSL"]) == (False, False)
    assert settings["EMAIL_TIMEOUT"] == 5
    assert (settings["EMAIL_HOST_USER"], settings["EMAIL_HOST_PASSWORD"]) == ("", "")


def test_an_smtps_url_uses_implicit_tls_on_port_465(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtps://user:pw@mail.example")
    settings = env.get_email("EMAIL_URL", Path("/unused"))
    assert settings["EMAIL_PORT"] == 465
    assert (settings["EMAIL_USE_SSL"], settings["EMAIL_USE_TLS"]) == (True, False)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("smtp://", "EMAIL_URL='smtp://': an SMTP URL needs a host"),
        (
            "smtp://mail.example?starttls=maybe",
            "EMAIL_URL: option starttls='maybe' is not a boolean",
        ),
        (
            "smtp://mail.example?timeout=soon",
            "EMAIL_URL='smtp://mail.example?timeout=soon': "
            "invalid literal for int() with base 10: 'soon'",
        ),
        (
            "smtp://mail.example:99999",
            "EMAIL_URL='smtp://mail.example:99999': Port out of range 0-65535",
        ),
        (
            "sendmail://localhost",
            "EMAIL_URL='sendmail://localhost': unsupported scheme 'sendmail'; "
            "use file://, console://, smtp://, smtps:// or one of anymail+brevo://, "
            "anymail+mailjet://, anymail+postmark://, anymail+sendgrid://, anymail+amazonses://",
        ),
        (
            "smtp://mail.example?tls=yes",
            "EMAIL_URL: unknown option 'tls' for smtp://; options: rate, starttls, timeout",
        ),
        (
            "smtps://mail.example?starttls=no",
            "EMAIL_URL: unknown option 'starttls' for smtps://; options: rate, timeout",
        ),
        (
            "file:///srv/outbox?rate=ten",
            "EMAIL_URL: option rate='ten' is not a positive number of messages per minute",
        ),
        (
            "console://?rate=0",
            "EMAIL_URL: option rate='0' is not a positive number of messages per minute",
        ),
        (
            "anymail+mailjet://only-the-key@",
            "EMAIL_URL: anymail+mailjet:// needs MAILJET_API_KEY and MAILJET_SECRET_KEY "
            "before the @ (anymail+mailjet://MAILJET_API_KEY:MAILJET_SECRET_KEY@)",
        ),
        (
            "anymail+postmark://",
            "EMAIL_URL: anymail+postmark:// needs POSTMARK_SERVER_TOKEN before the @ "
            "(anymail+postmark://POSTMARK_SERVER_TOKEN@)",
        ),
        (
            "anymail+brevo://xkeysib-1@?webhook_secret=nocolon",
            "EMAIL_URL: option webhook_secret must be user:password",
        ),
        (
            "anymail+brevo://xkeysib-1@?region=eu-west-3",
            "EMAIL_URL: unknown option 'region' for anymail+brevo://; "
            "options: rate, webhook_secret",
        ),
    ],
)
def test_a_bad_email_url_fails_loudly_naming_the_variable(monkeypatch, raw, message):
    monkeypatch.setenv("EMAIL_URL", raw)
    with pytest.raises(ImproperlyConfigured) as caught:
        env.get_email("EMAIL_URL", Path("/unused"))
    assert str(caught.value) == message


def test_a_rate_paces_any_kind_of_email_url(monkeypatch, tmp_path):
    monkeypatch.setenv("EMAIL_URL", "smtp://mail.example?rate=120&timeout=10")
    settings = env.get_email("EMAIL_URL", Path("/unused"))
    assert (settings["EMAIL_RATE_PER_MINUTE"], settings["EMAIL_TIMEOUT"]) == (120, 10)
    monkeypatch.setenv("EMAIL_URL", f"file://{tmp_path}?rate=30")
    assert env.get_email("EMAIL_URL", Path("/unused")) == {
        "EMAIL_BACKEND": "relance.mail.backends.EmlFileBackend",
        "EMAIL_FILE_PATH": str(tmp_path),
        "EMAIL_RATE_PER_MINUTE": 30,
    }


@pytest.mark.parametrize(
    ("raw", "backend", "anymail"),
    [
        (
            "anymail+brevo://xkeysib-0a1b%2F2c@",
            "anymail.backends.brevo.EmailBackend",
            {"BREVO_API_KEY": "xkeysib-0a1b/2c"},
        ),
        (
            "anymail+mailjet://4c5d:9e8f@",
            "anymail.backends.mailjet.EmailBackend",
            {"MAILJET_API_KEY": "4c5d", "MAILJET_SECRET_KEY": "9e8f"},
        ),
        (
            "anymail+postmark://00000000-aaaa-bbbb-cccc-111111111111@",
            "anymail.backends.postmark.EmailBackend",
            {"POSTMARK_SERVER_TOKEN": "00000000-aaaa-bbbb-cccc-111111111111"},
        ),
        (
            "anymail+sendgrid://SG.abc.def@",
            "anymail.backends.sendgrid.EmailBackend",
            {"SENDGRID_API_KEY": "SG.abc.def"},
        ),
        ("anymail+amazonses://", "anymail.backends.amazon_ses.EmailBackend", {}),
        (
            "anymail+amazonses://?region=eu-west-3",
            "anymail.backends.amazon_ses.EmailBackend",
            {"AMAZON_SES_CLIENT_PARAMS": {"region_name": "eu-west-3"}},
        ),
    ],
)
def test_an_anymail_url_names_the_providers_backend_and_its_credentials(
    monkeypatch, raw, backend, anymail
):
    monkeypatch.setenv("EMAIL_URL", raw)
    assert env.get_email("EMAIL_URL", Path("/unused")) == {
        "EMAIL_BACKEND": backend,
        "ANYMAIL": anymail,
    }


def test_an_anymail_url_carries_the_webhook_secret_and_a_rate(monkeypatch):
    monkeypatch.setenv(
        "EMAIL_URL", "anymail+postmark://tok@?webhook_secret=relance:s3cr%40t&rate=600"
    )
    assert env.get_email("EMAIL_URL", Path("/unused")) == {
        "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend",
        "ANYMAIL": {"POSTMARK_SERVER_TOKEN": "tok", "WEBHOOK_SECRET": "relance:s3cr@t"},
        "EMAIL_RATE_PER_MINUTE": 600,
    }


def test_an_anymail_url_with_missing_credentials_never_repeats_the_url(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "anymail+mailjet://:secret-value@")
    with pytest.raises(ImproperlyConfigured) as caught:
        env.get_email("EMAIL_URL", Path("/unused"))
    assert "secret-value" not in str(caught.value)


def test_an_explicit_secret_key_is_used_as_is_and_nothing_is_written(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert env.secret_key(tmp_path / "home") == "from-the-environment"
    assert not (tmp_path / "home").exists()


def test_a_secret_key_is_generated_once_readable_by_the_owner_only_and_reused(
    monkeypatch, tmp_path
):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    home = tmp_path / "not" / "yet" / "there"
    key = env.secret_key(home)
    path = home / "secret_key"
    assert len(key) >= 50
    assert path.read_text() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert env.secret_key(home) == key
    assert path.read_text() == key


def test_an_existing_secret_key_file_is_read_not_overwritten(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    (tmp_path / "secret_key").write_text("kept-across-restarts\n")
    assert env.secret_key(tmp_path) == "kept-across-restarts"


def test_an_empty_secret_key_file_fails_loudly_naming_the_file(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    (tmp_path / "secret_key").write_text("  \n")
    with pytest.raises(ImproperlyConfigured) as caught:
        env.secret_key(tmp_path)
    assert str(caught.value) == (
        f"{tmp_path / 'secret_key'} is empty; delete it to generate a new key"
    )

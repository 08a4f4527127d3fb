"""The single settings module, configured by environment variables (see README)."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from relance.conf import env

BASE_DIR = Path(__file__).resolve().parent

RELANCE_HOME = env.get_path("RELANCE_HOME", Path.cwd() / "var")
RELANCE_HOME.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env.secret_key(RELANCE_HOME)
DEBUG = env.get_bool("DEBUG", False)
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "relance.ledger",
    "relance.dunning",
    "relance.holds",
    "simple_history",
    "anymail",
    "relance.runs",
    "relance.content",
    "relance.delivery",
    "relance.tasks",
    "relance.notes",
    "relance.accounts",
    "relance.web",
    "relance.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After LocaleMiddleware: the language a user chose wins over their browser's.
    "relance.accounts.language.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "relance.accounts.scoping.CurrentCompanyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns repeated failed logins into a lock-out page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: 5 failures for a username from an address lock it out for an hour.
AXES_FAILURE_LIMIT = env.get_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]

ROOT_URLCONF = "relance.urls"
WSGI_APPLICATION = "relance.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "relance.web.context.back_office",
            ],
        },
    },
]

DATABASES = {"default": env.get_database("DATABASE_URL", RELANCE_HOME / "relance.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.get_str("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = RELANCE_HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Serving from the finders lets `relance serve` work without a collectstatic step.
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "media/"
MEDIA_ROOT = RELANCE_HOME / "media"

globals().update(env.get_email("EMAIL_URL", RELANCE_HOME / "outbox" / "email"))
DEFAULT_FROM_EMAIL = env.get_str("DEFAULT_FROM_EMAIL", "relance@localhost")

# The outbox (see docs/delivery.md).
OUTBOX_BATCH_SIZE = env.get_int("OUTBOX_BATCH_SIZE", 100, minimum=1)
OUTBOX_LEASE_SECONDS = env.get_int("OUTBOX_LEASE_SECONDS", 300, minimum=0)
OUTBOX_MAX_ATTEMPTS = env.get_int("OUTBOX_MAX_ATTEMPTS", 8, minimum=1)
OUTBOX_RETRY_SECONDS = env.get_int("OUTBOX_RETRY_SECONDS", 60, minimum=1)
DAILY_RUN_AT = env.get_time_or_off("DAILY_RUN_AT", "07:00")
# Without a broker, everything runs in-process (`relance worker` or right after a run).
CELERY_BROKER_URL = env.get_str("CELERY_BROKER_URL", "")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(RELANCE_HOME / "celerybeat-schedule")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.get_str("LOG_LEVEL", "WARNING")},
}

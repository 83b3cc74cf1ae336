"""Django settings for CareDesk.

Everything that differs between a laptop demo and a production system comes
from the environment (see caredesk.env); the defaults give the laptop demo:
SQLite under var/, DEBUG on only when CAREDESK_DEBUG says so.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from caredesk.env import ConfigError, env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(env_str("CAREDESK_HOME", str(PACKAGE_DIR.parent.parent)))
VAR_DIR = Path(env_str("CAREDESK_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("CAREDESK_DEBUG", False)
_secret = env_str("CAREDESK_SECRET_KEY", "")
if not _secret:
    if env_bool("CAREDESK_PRODUCTION", False):
        raise ConfigError("CAREDESK_SECRET_KEY must be set when CAREDESK_PRODUCTION is true")
    # Laptop demo and tests only: a fixed key is harmless because nothing real is stored.
    _secret = "caredesk-insecure-demo-key-do-not-use-in-production-5b1f0c"
SECRET_KEY = _secret
ALLOWED_HOSTS = env_list("CAREDESK_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CAREDESK_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # its static files: the Swagger UI of /api/v1/docs, served locally
    "axes",
    "django_tasks",
    "django_tasks_db",
    "caredesk.core",
    "caredesk.accounts",
    "caredesk.org",
    "caredesk.workforce",
    "caredesk.recruiting",
    "caredesk.training",
    "caredesk.performance",
    "caredesk.census",
    "caredesk.assignment",
    "caredesk.medications",
    "caredesk.therapy",
    "caredesk.escalation",
    "caredesk.scheduling",
    "caredesk.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication: the signed-in user's language wins over the browser's.
    "caredesk.accounts.middleware.UserLanguageMiddleware",
    "caredesk.accounts.middleware.IdleLogoutMiddleware",
    "caredesk.core.middleware.RequestContextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "caredesk.web.middleware.ServiceErrorMiddleware",
    # Axes must be last: it inspects the response of failed log-ins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "caredesk.urls"
WSGI_APPLICATION = "caredesk.wsgi.application"
ASGI_APPLICATION = "caredesk.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "caredesk.web.context_processors.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
_default_sqlite = VAR_DIR / "caredesk.sqlite3"
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{_default_sqlite}")
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CAREDESK_DB_CONN_MAX_AGE", 0))
except ValueError as exc:  # pragma: no cover - message is the point
    raise ConfigError(f"DATABASE_URL is not a database URL Django understands: {exc}") from exc
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker and the web server read while the other writes;
    # IMMEDIATE transactions take the write lock up front so two writers queue
    # instead of failing half-way with "database is locked".
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication and sessions -----------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_URL_PATH = "/accounts/login/"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Automatic log-off after idle time (HIPAA §164.312(a)(2)(iii)); minutes.
CAREDESK_IDLE_TIMEOUT_MINUTES = env_int("CAREDESK_IDLE_TIMEOUT_MINUTES", 15, minimum=1)
SESSION_COOKIE_AGE = 12 * 3600  # hard cap; idle log-off is stricter
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("CAREDESK_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Lock-out after repeated failed log-ins (django-axes).
AXES_FAILURE_LIMIT = env_int("CAREDESK_LOCKOUT_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("CAREDESK_LOCKOUT_MINUTES", 30, minimum=1) / 60  # hours
# Lock the account, not the address: ward workstations share one address behind
# the hospital's NAT, and locking it would lock out a whole unit (axes.W006).
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# API tokens: default lifetime in days.
CAREDESK_API_TOKEN_DAYS = env_int("CAREDESK_API_TOKEN_DAYS", 90, minimum=1)

# --- Security headers ----------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Internationalisation ------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# --- Static files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise serves the static files from the installed packages directly, so
# the laptop demo needs no collectstatic step; production may still run it.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STATICFILES_DIRS = [
    # Bootstrap ships inside the xstatic-bootstrap package: no CDN, works offline.
    ("bootstrap", str(Path(__import__("xstatic.pkg.bootstrap", fromlist=["BASE_DIR"]).BASE_DIR))),
]

# --- Background work (django-tasks, database backend) ---------------------------
TASKS = {
    "default": {
        "BACKEND": env_str("CAREDESK_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "alerts", "solver"],
    }
}
CAREDESK_WORKER_HEARTBEAT_SECONDS = env_int("CAREDESK_WORKER_HEARTBEAT_SECONDS", 15, minimum=1)

# --- Mail ------------------------------------------------------------------------
EMAIL_BACKEND = env_str("CAREDESK_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("CAREDESK_FROM_EMAIL", "caredesk@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("CAREDESK_LOG_LEVEL", "WARNING")},
    "loggers": {"django_tasks_db": {"level": "INFO"}},
}

# --- Audit trail -------------------------------------------------------------------
# Key of the HMAC that seals each audit event. Set it in production and keep it
# outside the database, so that someone with only database access cannot forge
# a consistent chain. Defaults to a key derived from SECRET_KEY.
CAREDESK_AUDIT_KEY = env_str("CAREDESK_AUDIT_KEY", "")
CAREDESK_TRUST_X_FORWARDED_FOR = env_bool("CAREDESK_TRUST_X_FORWARDED_FOR", False)

# --- Uploaded files (credential documents...) -------------------------------------
# Never served directly: views check permission, then stream the file.
MEDIA_ROOT = Path(env_str("CAREDESK_MEDIA_DIR", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

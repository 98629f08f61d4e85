"""Settings for the clinic site.

One module for every environment: each difference is an environment variable (see
`.env.example`). Local runs need nothing set; production must set at least
DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL.
"""

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (see .env.example)."
        )
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"  # noqa: S105  # nosec B105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "bookings",
    "care",
    "articles",
]

MIDDLEWARE = [
    "clinic.middleware.SiteLanguageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads a cookie, a parameter or the path from the database.
    "clinic.middleware.RejectUnstorableInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Django's and django-csp's, cheaper for the responses that need nothing of them.
    "clinic.middleware.LazyMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "clinic.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

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
                "clinic.context_processors.clinic",
                # `{% csrf_token %}`: Django's token, drawn in one read (clinic/csrf.py).
                "clinic.csrf.context_processor",
            ],
            "libraries": {"fragments": "clinic.fragments"},
        },
    },
]

# Database: SQLite file in the project unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        # A kept connection the database dropped (a restart, a blip) is replaced before the
        # request uses it, instead of failing that request.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's, with a health check that asks the server only when it has said something
    # (clinic/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "clinic.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Serialise writing transactions: a booking's check-then-insert runs alone (DESIGN.md).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
    # A file, not memory, so tests that book from several threads use real locking.
    # One file per test process, so no run ever meets another's leftover journal.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get(
            "SQLITE_TEST_NAME",
            str(Path(tempfile.gettempdir()) / f"clinic-test-{os.getpid()}.sqlite3"),
        )
    }
# PostgreSQL plans the busiest reads once per connection (clinic/prepared.py); 0 behind a
# pooler that shares sessions between clients (PgBouncer in transaction mode).
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set (shared by every app server), memory otherwise. A Redis
# that is down or full never fails a request (clinic/cache_backends.py): pages are served
# uncached, and rate limits count per process until it is back.
REDIS_URL = os.environ.get("REDIS_URL", "")
# Rate-limit counts get a cache of their own, so a flood of cached pages never evicts them:
# its own Redis (or database) with `maxmemory-policy noeviction` (README, Production).
RATELIMIT_REDIS_URL = os.environ.get("RATELIMIT_REDIS_URL", "") or REDIS_URL
REDIS_OPTIONS = {
    # A slow or unreachable Redis costs a request at most this, once per outage check.
    "socket_connect_timeout": float(os.environ.get("REDIS_TIMEOUT", "0.25")),
    "socket_timeout": float(os.environ.get("REDIS_TIMEOUT", "0.25")),
}


def _redis_cache(url: str, prefix: str, *, fail_soft: bool) -> dict:
    return {
        "BACKEND": "clinic.cache_backends.ResilientRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": prefix,
        "OPTIONS": REDIS_OPTIONS,
        "FAIL_SOFT": fail_soft,
    }


CACHES = {
    "default": (
        _redis_cache(REDIS_URL, "clinic", fail_soft=True)
        if REDIS_URL
        # Room for every therapist's and room's cached days (bookings/free_times.py).
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    ),
    "ratelimit": (
        # Errors reach clinic/ratelimit.py, which then counts in the process instead.
        _redis_cache(RATELIMIT_REDIS_URL, "clinic-ratelimit", fail_soft=False)
        if RATELIMIT_REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ratelimit",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    ),
}

# Public content pages (clinic/cache.py): shared cache time, and browsers' copy.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
BROWSER_CACHE_SECONDS = 60
# At most this many cached copies of one path (different query parameters) per content
# version, so a flood of made-up searches cannot fill the cache.
PAGE_CACHE_COPIES_PER_PATH = int(os.environ.get("PAGE_CACHE_COPIES_PER_PATH", "20"))
# Free times (booking pages, the availability API) from the shared cache; "0" makes every
# request compute them, which is what `make bench` measures as "cold".
FREE_TIMES_CACHE = os.environ.get("CLINIC_FREE_TIMES_CACHE", "1") != "0"
# How long a therapist's or a room's day stays cached (bookings/free_times.py). Versions keep
# it current through a shared cache (Redis); a cache of the process's own memory cannot hear
# other processes, so there it is kept briefly.
FREE_TIMES_DAY_SECONDS = int(os.environ.get("FREE_TIMES_DAY_SECONDS", "900" if REDIS_URL else "60"))

# Background jobs (Django's tasks framework, the django-tasks backport): the database backend
# by default, so no broker is needed; workers run `manage.py run_worker` (README). A larger
# deployment may name another backend, e.g. TASKS_BACKEND=django_tasks_rq.RQBackend.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
TASKS = {"default": {"BACKEND": TASKS_BACKEND}}
if TASKS_BACKEND == "django_tasks_rq.RQBackend":  # pip install django-tasks-rq (README)
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS["default"]["QUEUES"] = ["default"]
    RQ_QUEUES = {"default": {"URL": os.environ.get("TASKS_REDIS_URL", REDIS_URL)}}
# Periodic jobs: name -> (task, every N seconds). `run_worker` enqueues each once per period,
# whichever worker gets there first (bookings/jobs.py).
PERIODIC_JOBS = {
    "heartbeat": ("bookings.tasks.heartbeat", 60),
    "outbox": ("bookings.tasks.sweep_outbox", 60),
    "reminders": ("bookings.tasks.send_due_reminders", 300),
    "waitlist": ("bookings.tasks.sweep_waitlist", 60),
    "review-alerts": ("care.tasks.send_review_alerts", 600),
    "articles-live": ("articles.tasks.refresh_published_pages", 30),
    "prune-task-results": ("bookings.tasks.prune_task_results", 3600),
    "aftercare": ("care.tasks.send_aftercare", 900),
    "review-requests": ("bookings.tasks.send_review_requests", 3600),
}
# How often a worker's clock looks for due periodic jobs.
JOBS_TICK_SECONDS = float(os.environ.get("JOBS_TICK_SECONDS", "5"))
# Email retries: seconds to wait after each failed try (the last failure marks it failed).
OUTBOX_RETRY_DELAYS = [
    int(seconds)
    for seconds in os.environ.get("OUTBOX_RETRY_DELAYS", "60,240,600,1200,1800").split(",")
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
USE_I18N = True
USE_TZ = True
# Schedules are computed and shown in the clinic's zone; the database stores UTC.
TIME_ZONE = os.environ.get("CLINIC_TIME_ZONE", "America/Denver")

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGIN_URL = "admin:login"

# Rate limits per client address: (requests, seconds). See clinic/ratelimit.py.
RATE_LIMITS = {
    "booking": (int(os.environ.get("RATE_LIMIT_BOOKING", "10")), 60),
    "lookup": (int(os.environ.get("RATE_LIMIT_LOOKUP", "60")), 60),
    "login": (int(os.environ.get("RATE_LIMIT_LOGIN", "5")), 60),
    "sign_in": (int(os.environ.get("RATE_LIMIT_SIGN_IN", "5")), 60),
}
# How many reverse proxies in front of the app add to X-Forwarded-For (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
ADMIN_URL = os.environ.get("DJANGO_ADMIN_URL", "admin/").strip("/") + "/"

# Email: console by default; SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    # Only workers talk to SMTP; a server that never answers costs a worker this per try.
    EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
else:
    EMAIL_BACKEND = os.environ.get(
        "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
    )
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Rimrock Massage & Bodywork <hello@rimrockmassage.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Absolute links in emails and calendar feeds.
# Absolute links (emails, feeds, sitemap, og:url, calendar feeds). Without SITE_URL they
# follow the local server's port (`PORT=8100 make run`).
SITE_URL = (
    os.environ.get("SITE_URL") or f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}"
).rstrip("/")

# The clinic shown on every page, email and calendar file.
CLINIC = {
    "name": os.environ.get("CLINIC_NAME", "Rimrock Massage & Bodywork"),
    "street": "2815 Montana Avenue, Suite 200",
    "city": "Billings",
    "region": "MT",
    "postal_code": "59101",
    "country": "US",
    "phone": "(406) 555-0142",
    "phone_e164": "+14065550142",
    "email": "hello@rimrockmassage.example",
    # For the visit page's map links (the map itself is our own drawing, no tiles).
    "latitude": 45.78395,
    "longitude": -108.50467,
    "opening_hours": [
        (_("Monday – Friday"), "8:00 am – 7:00 pm", "Mo-Fr 08:00-19:00"),
        (_("Saturday"), "9:00 am – 1:00 pm", "Sa 09:00-13:00"),
        (_("Sunday"), _("Closed"), ""),
    ],
}

# Security: safe defaults; production hardening whenever DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
# A list: Django writes it as it is, where a string is split and joined on every response.
SECURE_REFERRER_POLICY = ["strict-origin-when-cross-origin"]
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Content Security Policy: everything from our own host, no inline scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Health records (care/): answers are encrypted at rest with these Fernet keys, newest first,
# comma-separated. Required in production (`check --deploy` fails without them); a local run
# with DEBUG on reads the file .care-key instead, which `make run` creates.
CARE_ENCRYPTION_KEYS = env_list("CARE_ENCRYPTION_KEYS")
CARE_DEV_KEY_FILE = BASE_DIR / ".care-key"
if not CARE_ENCRYPTION_KEYS and DEBUG and CARE_DEV_KEY_FILE.exists():
    CARE_ENCRYPTION_KEYS = CARE_DEV_KEY_FILE.read_text().split()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact_secrets": {"()": "clinic.logging.RedactSecretsFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Request logs carry URLs, which hold booking tokens: keep them out of the logs.
        "django.server": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

"""Settings for the marketplace, all read from the environment.

With nothing set, the site runs on an embedded default: an SQLite file, the in-memory channel
layer and Celery tasks run eagerly. With DATABASE_URL and REDIS_URL set it runs the real topology
(PostgreSQL, channels-redis, a Celery broker). See the README for every variable.
"""

import copy
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from marketplace.beat_schedule import beat_schedule
from marketplace.openapi_settings import openapi_settings

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# Only for the embedded demo and tests; production sets SECRET_KEY (check --deploy says so otherwise).
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-demo-key-change-me-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# HTTPS: on in production, off on loopback. Cookies and HSTS follow the redirect switch.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=SECURE_SSL_REDIRECT)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=SECURE_SSL_REDIRECT)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if SECURE_SSL_REDIRECT else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=SECURE_SSL_REDIRECT)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=SECURE_SSL_REDIRECT)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Database sessions that carry their user's id (accounts/sessions.py): "log out everywhere" by index.
SESSION_ENGINE = "accounts.sessions"
CSRF_FAILURE_VIEW = "marketplace.views.errors.csrf_failure"
# Addresses of reverse proxies whose X-Forwarded-For we believe (rate limits by client address).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

INSTALLED_APPS = [
    "marketplace.admin_apps.MarketplaceAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_celery_beat",
    "accounts",
    "shops",
    "catalog",
    "payments",
    "orders",
    "chat",
    "notifications",
    "live",
    "safety",
    "offers",
    "deals",
    "tips",
    "marketplace",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "marketplace.middleware.ContentSecurityPolicyMiddleware",
    "marketplace.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Without a beat process (the embedded default) the beat's sweeps run here, lazily: embedded_beat.py.
    "marketplace.embedded_beat.EmbeddedBeatMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "marketplace.middleware.DomainErrorPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"
ASGI_APPLICATION = "marketplace.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "marketplace.context_processors.site",
                "marketplace.context_processors.navigation",
            ],
        },
    },
]

# Database: an SQLite file by default, PostgreSQL through DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db.setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    # channels' live-server test case looks for a wrongly named test database (channels#2176).
    _db["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
else:
    _db["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
    _db["CONN_HEALTH_CHECKS"] = True
    if env.bool("DB_POOL", default=False):
        # psycopg's pool bounds the connections that can reach a hot row at once.
        _pool_max = env.int("DB_POOL_MAX", default=8)
        _db.setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(env.int("DB_POOL_MIN", default=2), _pool_max),
            "max_size": _pool_max,
            "timeout": env.int("DB_POOL_TIMEOUT", default=30),
        }
        _db["CONN_MAX_AGE"] = 0
    if env.bool("DB_PREPARED_STATEMENTS", default=True):
        # Parameters bound by the server, and a statement run 5 times on a connection prepared there
        # (psycopg's prepare_threshold), so PostgreSQL stops parsing and planning it every time: a
        # buy-now checkout cost PostgreSQL 3.1–3.6 ms of CPU before, 1.7–2.2 ms after (bench B1). Django
        # leaves both off by default; set DB_PREPARED_STATEMENTS=0 behind a pooler that cannot keep
        # prepared statements (PgBouncer in transaction mode before 1.21).
        _db.setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 5})

# Read replicas (marketplace/db_router.py): anonymous catalogue reads go to one of them when it keeps up.
for _i, _url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[])):
    DATABASES[f"replica_{_i}"] = {
        **environ.Env.db_url_config(_url),
        **{k: copy.deepcopy(_db[k]) for k in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "OPTIONS") if k in _db},
        # Tests run on one database: the replica alias reads the test database through the primary.
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["marketplace.db_router.ReplicaRouter"]
DATABASE_REPLICA_MAX_LAG = env.float("DATABASE_REPLICA_MAX_LAG", default=5.0)
REPLICA_CHECK_SECONDS = env.float("REPLICA_CHECK_SECONDS", default=1.0)
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=15)
if len(DATABASES) > 1:
    MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                      "marketplace.db_router.ReplicaReadsMiddleware")  # fmt: skip

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# The test suite (and the servers it starts) hash with MD5: Django's million PBKDF2 rounds cost 0.4 s a user
# here. Never in production (check marketplace.E008); the default hashers still verify stored passwords.
TEST_FAST_PASSWORD_HASHER = env.bool("TEST_FAST_PASSWORD_HASHER", default=False)
if TEST_FAST_PASSWORD_HASHER:
    from django.conf import global_settings

    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *global_settings.PASSWORD_HASHERS]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Redis: the channel layer, the Celery broker and the cache. Unset: everything in-process.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # channels-redis's RedisChannelLayer with one reader per process (common/channel_layer.py).
            "BACKEND": "common.channel_layer.SharedReaderRedisChannelLayer",
            "CONFIG": {
                # redis-py 8's 5 s socket timeout races channels-redis's 5 s blocking read
                # (channels_redis#422): idle sockets would die with 1011.
                "hosts": [{"address": REDIS_URL, "socket_timeout": None}],
                "prefix": env.str("CHANNEL_LAYER_PREFIX", default="asgi"),
                # Events a channel may hold before the oldest are dropped (channels-redis's public
                # options; tune them here, e.g. for a big live room, bench B6).
                "capacity": env.int("CHANNEL_LAYER_CAPACITY", default=1500),
                # channels-redis keeps every process-local channel of one server process in ONE Redis
                # queue and checks the capacity on that queue: 1,500 events for all of a process's
                # sockets together. A burst past it was dropped silently (bench B3 at 400 msg/s: 2,504
                # deliveries lost). Bounded still, and each event expires after 30 s.
                "channel_capacity": {"specific.*": env.int("CHANNEL_LAYER_PROCESS_CAPACITY", default=100_000)},
                "expiry": env.int("CHANNEL_LAYER_EXPIRY", default=30),
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "common.cache.SharedPoolRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="mkt"),
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True

# No beat process in the embedded default: the beat schedule's due sweeps run lazily on requests, at most
# every EMBEDDED_BEAT_SECONDS (marketplace/embedded_beat.py), so its clocks (payment deadline, auto-confirm) hold.
EMBEDDED_BEAT = env.bool("EMBEDDED_BEAT", default=not REDIS_URL)
EMBEDDED_BEAT_SECONDS = env.int("EMBEDDED_BEAT_SECONDS", default=15)
# CELERY_EAGER=1 runs tasks in-process even with a broker (tests that need no worker).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_EAGER", default=CELERY_TASK_ALWAYS_EAGER)
CELERY_TASK_EAGER_PROPAGATES = True
# Queues (the Procfile runs a worker per queue): money, messages and media apart, so a burst of thumbnails
# or of e-mails never delays a payout or a refund.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
# Which queue a task goes to: marketplace/celery_routing.py (money, messages and media apart).
CELERY_TASK_ROUTES = ("marketplace.celery_routing.task_route",)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Beat's clock (the payout batch's hour) runs in the site's zone too.
CELERY_TIMEZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
# Longer than any countdown we schedule, so a late-acked task is not redelivered while it waits.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=4 * 3600),
    # How often a worker looks for messages whose worker died (kombu: interval × throttle seconds).
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
    # Every broker key (queues, unacked) under this prefix: two sites, or a test's topology, on one Redis.
    "global_keyprefix": env.str("CELERY_BROKER_PREFIX", default=""),
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The periodic sweeps and batches: marketplace/beat_schedule.py.
CELERY_BEAT_SCHEDULE = beat_schedule(payout_batch_hour=env.int("PAYOUT_BATCH_HOUR", default=2))

# E-mail: files in var/mail/ in the demo (one .log per message); SMTP or a provider through EMAIL_URL.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="农家集市 Marketplace <noreply@marketplace.local>")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Every time on the site (pages, live chat, e-mails, admin) is shown in this zone (common/site_time.py).
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # also makes VAR_DIR, home of the SQLite file
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Files browsers ask for at the site's root (/favicon.ico), served by WhiteNoise with DEBUG on or off.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Uploaded images are re-encoded under generated names, so serving them from the app is safe.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)

# Request size limits: the body of a non-file request, and any upload.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
MAX_REQUEST_BODY_BYTES = env.int("MAX_REQUEST_BODY_BYTES", default=12 * 1024 * 1024)
# Answers per keep-alive connection before the server closes it (common/asgi.py: spreads long-lived
# client connections over the uvicorn workers); 0 = no limit.
HTTP_KEEPALIVE_REQUESTS = env.int("HTTP_KEEPALIVE_REQUESTS", default=20)
# Requests whose sync part (middleware, view) runs at once per server process (common/asgi.py).
HTTP_SYNC_REQUESTS = env.int("HTTP_SYNC_REQUESTS", default=8)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "common.api.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "common.openapi.ErrorsAutoSchema",
    "EXCEPTION_HANDLER": "common.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON in (API.md), with a JSON parser that answers a too-deeply nested body with 400; a form body is a 415.
    # Views that take files (or nginx's form callbacks) name their own parsers. One body format per operation
    # is also what the schema states: a form twin of a JSON body cannot carry nulls, lists or nested objects.
    "DEFAULT_PARSER_CLASSES": ["common.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "COERCE_DECIMAL_TO_STRING": True,
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append("rest_framework.renderers.BrowsableAPIRenderer")

# The OpenAPI schema's settings (drf-spectacular): marketplace/openapi_settings.py.
SPECTACULAR_SETTINGS = openapi_settings()

# Rate limits, as count/period (s, m, h, d). Per signed-in user, else per client address.
RATE_LIMITS = {
    "register": env.str("RATE_LIMIT_REGISTER", default="10/h"),
    "login": env.str("RATE_LIMIT_LOGIN", default="10/m"),
    # Lockout: failed log-ins per account (whatever the address) and per client address (any account).
    "login_account": env.str("RATE_LIMIT_LOGIN_ACCOUNT", default="5/15m"),
    "login_address": env.str("RATE_LIMIT_LOGIN_ADDRESS", default="20/15m"),
    "checkout": env.str("RATE_LIMIT_CHECKOUT", default="30/m"),
    "cart": env.str("RATE_LIMIT_CART", default="120/m"),
    "chat": env.str("RATE_LIMIT_CHAT", default="20/10s"),
    "live_chat": env.str("RATE_LIMIT_LIVE_CHAT", default="5/10s"),
}

# Marketplace rules.
ORDER_PAYMENT_DEADLINE = timedelta(minutes=env.int("ORDER_PAYMENT_DEADLINE", default=30))
ORDER_AUTO_CONFIRM_DAYS = env.int("ORDER_AUTO_CONFIRM_DAYS", default=10)
REFUND_RESPONSE_HOURS = env.int("REFUND_RESPONSE_HOURS", default=48)
PAYOUT_HOLD_DAYS = env.int("PAYOUT_HOLD_DAYS", default=0)
PAYOUT_MINIMUM = Decimal(env.str("PAYOUT_MINIMUM", default="10.00"))
PAYOUT_PROVIDER = env.str("PAYOUT_PROVIDER", default="sandbox")
SANDBOX_PAYOUT_FAIL_SLUGS = env.list("SANDBOX_PAYOUT_FAIL_SLUGS", default=[])
SANDBOX_PAYOUT_DELAY_MS = env.int("SANDBOX_PAYOUT_DELAY_MS", default=0)
# Refunds: a pending refund is submitted again by the sweep until the provider answers; after this many
# submissions without an answer it is marked failed for an operator (payments.tasks.refunds_sweep_task).
REFUND_MAX_ATTEMPTS = env.int("REFUND_MAX_ATTEMPTS", default=12)
# Buyers whose refunds the sandbox provider refuses, as for a frozen payment account (tests and demos).
SANDBOX_REFUND_FAIL_USERNAMES = env.list("SANDBOX_REFUND_FAIL_USERNAMES", default=[])
# How long a checkout waits for a row lock (a twin request with the same Idempotency-Key, a hot SKU)
# before answering 409 with Retry-After (PostgreSQL lock_timeout).
CHECKOUT_LOCK_WAIT_MS = env.int("CHECKOUT_LOCK_WAIT_MS", default=10_000)
PLATFORM_COMMISSION_RATE = Decimal(env.str("PLATFORM_COMMISSION_RATE", default="0.05"))
# Tips (tips/): fixed amounts (yuan); caps per tip, per viewer per show and per day; commission; payment minutes.
TIP_AMOUNTS = [Decimal(a) for a in env.list("TIP_AMOUNTS", default=["1", "5", "10", "50", "100"])]
TIP_CAP_PER_TIP = Decimal(env.str("TIP_CAP_PER_TIP", default="100"))
TIP_CAP_PER_SHOW = Decimal(env.str("TIP_CAP_PER_SHOW", default="200"))
TIP_CAP_PER_DAY = Decimal(env.str("TIP_CAP_PER_DAY", default="500"))
TIP_COMMISSION_RATE = Decimal(env.str("TIP_COMMISSION_RATE", default="0.05"))
TIP_PAYMENT_MINUTES = env.int("TIP_PAYMENT_MINUTES", default=15)
# The provider new payments go through. "sandbox" signs its own "payment succeeded" (anyone can pay for
# free), so check --deploy refuses it with DEBUG off unless ALLOW_SANDBOX_IN_PRODUCTION=1 (a staging site).
PAYMENT_PROVIDER = env.str("PAYMENT_PROVIDER", default="sandbox")
ALLOW_SANDBOX_IN_PRODUCTION = env.bool("ALLOW_SANDBOX_IN_PRODUCTION", default=False)
# Published in this repository: check --deploy refuses it with DEBUG off.
SANDBOX_PAYMENT_DEMO_SECRET = "sandbox-demo-secret"
SANDBOX_PAYMENT_SECRET = env.str("SANDBOX_PAYMENT_SECRET", default=SANDBOX_PAYMENT_DEMO_SECRET)
CHAT_OFFLINE_NOTIFY_MINUTES = env.int("CHAT_OFFLINE_NOTIFY_MINUTES", default=5)
SITE_NAME = _("Village Market")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "jieba": {"level": "WARNING"},
        "celery.app.trace": {"level": "WARNING"},
    },
}

# Live selling (live/): nginx with the RTMP module ingests (`manage.py live_nginx` writes its configuration
# from live/nginx/ with these values), asks Django before it accepts a stream (LIVE_HOOK_SECRET) and serves
# HLS; sellers publish to LIVE_RTMP_URL/<stream key>. check --deploy refuses the demo secret (E007).
LIVE_HOOK_DEMO_SECRET = "dev-live-hook-secret"
LIVE_HOOK_SECRET = env.str("LIVE_HOOK_SECRET", default=LIVE_HOOK_DEMO_SECRET)
LIVE_RTMP_PORT = env.int("LIVE_RTMP_PORT", default=1935)
LIVE_HTTP_PORT = env.int("LIVE_HTTP_PORT", default=8088)
LIVE_RTMP_URL = env.str("LIVE_RTMP_URL", default=f"rtmp://127.0.0.1:{LIVE_RTMP_PORT}/live")
LIVE_HLS_URL = env.str("LIVE_HLS_URL", default=f"http://127.0.0.1:{LIVE_HTTP_PORT}/hls/")
# nginx-rtmp's control module (the project's nginx, /control, local only): ending a show drops its stream.
LIVE_CONTROL_URL = env.str("LIVE_CONTROL_URL", default=f"http://127.0.0.1:{LIVE_HTTP_PORT}/control")
LIVE_DIR = Path(env.str("LIVE_DIR", default=str(VAR_DIR / "live")))
# Recordings nginx writes (record_path); record-done hooks naming a file elsewhere are refused.
LIVE_RECORD_DIR = Path(env.str("LIVE_RECORD_DIR", default=str(LIVE_DIR / "rec")))
LIVE_FFMPEG = env.str("LIVE_FFMPEG", default="ffmpeg")

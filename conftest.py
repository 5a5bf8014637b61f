"""Suite-wide fixtures: real PostgreSQL and Redis, API clients, a real ASGI server."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.db_template import RUN_VARIABLE, migrated_template, template_drop

# The published schemas tell the truth: undocumented API errors and WebSocket frames fail tests (tests/openapi/).
pytest_plugins = ["tests.openapi.plugin"]

RUN_ID = uuid.uuid4().hex[:8]
BASE_DIR = Path(__file__).resolve().parent


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=3).close()
    except OSError:
        return False
    return True


def pytest_configure(config):
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    missing = []
    if not database_url.startswith("postgres"):
        missing.append("DATABASE_URL must point at PostgreSQL (make test sets it)")
    elif not _reachable(database_url, 5432):
        missing.append(f"PostgreSQL is not reachable at {database_url}")
    if not redis_url:
        missing.append("REDIS_URL must point at Redis (make test sets it)")
    elif not _reachable(redis_url, 6379):
        missing.append(f"Redis is not reachable at {redis_url}")
    if missing:
        pytest.exit("The suite runs on real PostgreSQL and Redis:\n- " + "\n- ".join(missing), returncode=3)
    if not hasattr(config, "workerinput") and RUN_VARIABLE not in os.environ:
        # Not run by `make`: this session is the run (its xdist processes inherit the variable); it drops the
        # migrated template at its end (pytest_unconfigure).
        os.environ[RUN_VARIABLE] = config.stash[_OWN_TEMPLATE_RUN] = f"session-{RUN_ID}"
    elif not hasattr(config, "workerinput") and getattr(config.option, "dist", "no") != "no":
        # A run of make's, in xdist processes: while they start and collect (20-30 s), this idle controlling
        # process migrates the template they will wait for (it holds the lock; a process that gets it first
        # migrates itself, and this one then finds the template made).
        from django.conf import settings

        early = threading.Thread(
            target=migrated_template, args=(dict(settings.DATABASES["default"]), os.environ[RUN_VARIABLE])
        )
        early.start()
        config.stash[_EARLY_TEMPLATE] = early


_OWN_TEMPLATE_RUN = pytest.StashKey[str]()
_EARLY_TEMPLATE = pytest.StashKey[threading.Thread]()


@pytest.hookimpl(specname="pytest_collection_modifyitems", tryfirst=True)  # before `-m` deselects
def pytest_collection_modifyitems_browser_files(items):
    """A test marked `browser` or `standby` must be in a file the browser phase collects (tests/browser_files.py):
    anywhere else `make test`'s first phase deselects it and the second never collects it."""
    from tests.browser_files import is_browser_file

    marked = {item.path for item in items if item.get_closest_marker("browser") or item.get_closest_marker("standby")}
    missed = sorted(str(path) for path in marked if not is_browser_file(path))
    if missed:
        raise pytest.UsageError(
            "Tests marked browser/standby in files make test's browser phase does not collect (mark them in the "
            f"file's own text, as tests/browser_files.py looks for): {missed}"
        )


@pytest.hookimpl(trylast=True)  # after pytest-django's and pytest's own orderings, which keep a file's tests in order
def pytest_collection_modifyitems(session, config, items):
    """Files with a slow test first, then the files with the most tests; each file's tests keep their order.
    xdist hands out whole files in this order (make test: --dist loadfile --no-loadscope-reorder). Its own order
    (most tests first) handed out a one-test file of minutes (the schema fuzzing) last, and one process ran it
    alone at the end; handed out early, the other process's files fill that time."""
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    tests_in = Counter(item.path for item in items)
    first_at: dict[Path, int] = {}
    for index, item in enumerate(items):
        first_at.setdefault(item.path, index)
    items.sort(key=lambda item: (item.path not in slow_files, -tests_in[item.path], first_at[item.path]))


def pytest_unconfigure(config):
    early = config.stash.get(_EARLY_TEMPLATE, None)
    if early:
        early.join()
    run = config.stash.get(_OWN_TEMPLATE_RUN, None)
    if run:
        from django.conf import settings

        template_drop(settings.DATABASES["default"], run)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Each process's test database is a copy of this run's migrated template (tests/db_template.py): the
    migrations run once per run, not once per process and pytest session."""
    from django.db import connections

    for connection in connections.all(initialized_only=False):
        if connection.vendor == "postgresql" and not connection.settings_dict["TEST"].get("MIRROR"):
            connection.settings_dict["TEST"]["TEMPLATE"] = migrated_template(
                connection.settings_dict, os.environ[RUN_VARIABLE]
            )


@pytest.fixture(scope="session", autouse=True)
def _isolated_test_environment(tmp_path_factory):
    """Each run gets its own channel-layer and cache prefixes and media folder, so runs never collide.

    Session-wide, so server processes started by tests (which inherit these) see the same files."""
    from asgiref.local import Local
    from channels.layers import channel_layers
    from django.conf import settings
    from django.core.cache import caches, close_caches

    settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"test-{RUN_ID}"
    settings.CACHES["default"]["KEY_PREFIX"] = f"test-{RUN_ID}"
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    channel_layers.backends.clear()
    # Collection already built this thread's cache with the default prefix (pytest probes every module
    # attribute, and `getattr(cache, …)` on Django's cache proxy creates the cache). Drop it, as Django's own
    # setting_changed handler for CACHES does, so every cache here carries this run's prefix.
    close_caches()
    caches._connections = Local(caches.thread_critical)
    yield
    redis_keys_delete(f"test-{RUN_ID}*")


def redis_keys_delete(match: str) -> int:
    """Deletes the cache's Redis keys that match (at the end of a run: this run's cache and channel-layer
    keys, and each test's own cache keys; the terms' versions and popular queries have no expiry, and a
    developer's Redis kept ~100 keys of every run); how many."""
    from redis.exceptions import RedisError

    from common.cache import raw_redis

    client = raw_redis()
    keys = []
    if client is not None:
        with contextlib.suppress(RedisError):
            keys = list(client.scan_iter(match=match, count=1000))
            for start in range(0, len(keys), 500):
                client.delete(*keys[start : start + 500])
    return len(keys)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's, and before the test database is dropped: the sessions that processes started by
    tests (a killed Celery worker, a stopped server) may still hold on it are ended, or DROP DATABASE fails
    ("being accessed by other users") and the database is left behind."""
    yield
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for _ in range(50):
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if not cursor.fetchall():
                break
            time.sleep(0.1)


@pytest.fixture(scope="session", autouse=True)
def _celery_eager():
    """Tasks run in-process in tests; the tests of a real worker start one and say so."""
    from marketplace.celery import app

    app.conf.task_always_eager = True
    yield


@pytest.fixture(autouse=True)
def _eager_results_readable():
    """A test may read an eager task's result (`task.apply().get()`). Celery marks "a task is running, joining
    would block" in one process-wide flag around each eager task and restores it after; eager tasks run at once
    on threads (the concurrency tests) can restore each other's value and leave it set, failing a later test's
    `.get()`. Each test starts with it clear (celery.result.allow_join_result)."""
    from celery.result import allow_join_result

    with allow_join_result():
        yield


@pytest.fixture(autouse=True)
def _generous_rate_limits(settings):
    """Rate limits are tested on purpose where they matter; elsewhere they stay out of the way."""
    settings.RATE_LIMITS = {scope: "100000/s" for scope in settings.RATE_LIMITS}


@pytest.fixture
def fresh_cache(request, settings):
    """This test's own cache keys, and no in-process copy of cached catalogue data: facet counts, search
    candidates, suggestion terms and popular queries cached by an earlier test of this process (Redis is
    shared by the whole run) are not seen. Setting CACHES makes Django open the caches anew.

    A test served by the session's server (asgi_server) uses the server's keys instead: what the test writes
    there is what the server reads — a suggestion rebuild's new version makes the server reload its index of
    terms, which an earlier test's page may have loaded (a browser test saw none of its suggestions, CI)."""
    import catalog.facets
    import catalog.suggest

    prefix = f"test-{RUN_ID}-{uuid.uuid4().hex[:8]}"
    if "asgi_server" in request.fixturenames:
        prefix = request.getfixturevalue("asgi_server").env["CACHE_KEY_PREFIX"]
    default = {**settings.CACHES["default"], "KEY_PREFIX": prefix}
    settings.CACHES = {**settings.CACHES, "default": default}
    catalog.facets._browse_memo = ("", [], 0.0)  # the in-process copies are caches too: start empty
    catalog.suggest._index = None


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def user(db):
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def operator(db):
    """Staff in the operators' group (tests.factories.OperatorFactory)."""
    from tests.factories import OperatorFactory

    return OperatorFactory()


@pytest.fixture
def auth_client(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AsgiServer:
    """A real uvicorn process serving marketplace.asgi:application on the test database."""

    def __init__(self, env: dict[str, str], log_path: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> AsgiServer:
        log = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the process's lifetime
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
            [
                sys.executable,
                "-m",
                "uvicorn",
                "marketplace.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"uvicorn exited: {self.log_path.read_text()[-3000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("uvicorn did not start in 30 s")

    def stop(self) -> None:
        """Stops the server (SIGTERM, then SIGKILL after 10 s)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def server_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a server or worker process that shares this test run's database and Redis."""
    from django.conf import settings
    from django.db import connection

    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": (
                f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
            ),
            "CHANNEL_LAYER_PREFIX": settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"],
            "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DEBUG": "0",
            "PYTHONUNBUFFERED": "1",
            "CELERY_EAGER": "1",
        }
    )
    for scope, rate in settings.RATE_LIMITS.items():
        env[f"RATE_LIMIT_{scope.upper()}"] = rate
    env.update(extra or {})
    return env


def celery_worker_start(log: Path, *, queue: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    """A real Celery worker (solo pool, one task at a time) on this run's database and Redis, in its own
    session so a test can SIGKILL it. A killed worker's unacknowledged task comes back after 4 s."""
    worker_env = server_env(
        {
            "CELERY_EAGER": "0",
            "CELERY_QUEUE": queue,
            "CELERY_VISIBILITY_TIMEOUT": "4",
            "CELERY_UNACKED_RESTORE_INTERVAL": "1",
            "CELERY_UNACKED_RESTORE_THROTTLE": "1",
            **(env or {}),
        }
    )
    return subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "marketplace",
            "worker",
            "-P",
            "solo",
            "-Q",
            queue,
            "--prefetch-multiplier",
            "1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "INFO",
        ],
        cwd=BASE_DIR,
        env=worker_env,
        stdout=open(log, "ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_until(condition, timeout: float, what: str) -> None:
    """Polls `condition` every 0.2 s; fails the test naming `what` when `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def asgi_server_start(django_db_blocker, log_path: Path, extra: dict[str, str] | None = None) -> AsgiServer:
    """The session's uvicorn (asgi_server), or one like it with `extra` in its environment."""
    with django_db_blocker.unblock():
        env = server_env(
            {
                "RATE_LIMIT_REGISTER": "100000/s",
                "RATE_LIMIT_LOGIN": "100000/s",
                "RATE_LIMIT_CHECKOUT": "100000/s",
                "RATE_LIMIT_CART": "100000/s",
                "RATE_LIMIT_CHAT": "100000/s",
                **(extra or {}),
            }
        )
    return AsgiServer(env, log_path).start()


@pytest.fixture(scope="session")
def asgi_server(django_db_setup, django_db_blocker, tmp_path_factory):
    """One uvicorn for the session. Tests that use it need committed data (transactional_db)."""
    server = asgi_server_start(django_db_blocker, tmp_path_factory.mktemp("asgi") / "uvicorn.log")
    yield server
    server.stop()


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = BASE_DIR / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (it cannot download its own browser here)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; the test database's flush runs
    # on it too (a known pytest-django + Playwright pairing; browser tests have their own process).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def database_settled(django_db_blocker, *, quiet_for: float = 0.3, timeout: float = 10) -> None:
    """Waits until no other session on this test database has run a statement or held a transaction open for
    `quiet_for` seconds in a row (at most `timeout`). A browser test's pages are closed before its database
    is flushed, and the servers still answer their last requests and socket closes: a server reading two
    tables deadlocked with the flush's TRUNCATE (CI, twice). After this the flush takes its locks alone."""
    from django.db import connection

    deadline, quiet_since = time.monotonic() + timeout, None
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND state IS NOT NULL AND state <> 'idle'"
            )
            now = time.monotonic()
            if cursor.fetchone()[0]:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = now
            elif now - quiet_since >= quiet_for:
                return
            time.sleep(0.05)


@pytest.fixture
def new_page(chromium, django_db_blocker):
    """Opens pages (phone-sized by default, or `size`; in the browser's own time zone unless `timezone_id`) that
    fail the test on a JavaScript dialog or error; once they are closed, waits for the servers to finish with the
    database (`database_settled`)."""
    contexts = []
    problems: list[str] = []

    def open_page(
        *, language: str = "zh-CN", mobile: bool = True, size: dict | None = None, timezone_id: str | None = None
    ):
        viewport = size or ({"width": 390, "height": 844} if mobile else {"width": 1280, "height": 900})
        options = {"viewport": viewport, "locale": language, "extra_http_headers": {"Accept-Language": language}}
        if timezone_id:
            options["timezone_id"] = timezone_id
        context = chromium.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("dialog", lambda d: (problems.append(f"dialog opened: {d.message}"), d.dismiss()))
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        return page

    yield open_page
    for context in contexts:
        context.close()
    database_settled(django_db_blocker)
    assert not problems, problems


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.evaluate("window.scrollTo(0, 0)")  # a sticky header is drawn where the page was scrolled
    page.screenshot(path=str(path), full_page=True)
    return path


def browser_login(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form.form-grid button[type=submit]")

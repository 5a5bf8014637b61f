"""Settings come from the environment: production passes check --deploy; the bare default runs on SQLite."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k8#vWq!2z7LmN4pR9sT1uV6xY3aB5cD8eF0gH2jK4lM6nP8qR0sT2uV4wX6yZ8a",
    "ALLOWED_HOSTS": "shop.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://shop.example.com",
    "SECURE_SSL_REDIRECT": "1",
    "SITE_URL": "https://shop.example.com",
    # Production runs the real topology: the channel layer, broker and cache on Redis.
    "REDIS_URL": "redis://127.0.0.1:6379/15",
    # The only providers are the sandboxes: a production configuration names its own secret and says
    # that the sandbox is meant (a staging site).
    "SANDBOX_PAYMENT_SECRET": "b7c1e0f4a9d24f5e8c3b6a1d0e9f8a7b6c5d4e3f2a1b0c9d",
    "PAYMENT_PROVIDER": "sandbox",
    "ALLOW_SANDBOX_IN_PRODUCTION": "1",
    "LIVE_HOOK_SECRET": "3f9a1c7e5b2d8f4a6c0e9b7d5a3f1c8e2b4d6f8a0c",
    # make test hashes test users' passwords fast (MD5); production never does.
    "TEST_FAST_PASSWORD_HASHER": "0",
}


def _manage(*args: str, env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )


def _bare_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env["VAR_DIR"] = str(tmp_path)
    return env


def test_production_settings_pass_check_deploy_without_warnings(tmp_path):
    env = {**_bare_env(tmp_path), **PRODUCTION}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_demo_defaults_are_flagged_by_check_deploy(tmp_path):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_bare_env(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("change", "check_id"),
    [
        pytest.param({"ALLOWED_HOSTS": "shop.example.com,*"}, "marketplace.E001", id="wildcard-allowed-host"),
        pytest.param({"REDIS_URL": ""}, "marketplace.E002", id="in-memory-channel-layer"),
        pytest.param({"CELERY_EAGER": "1"}, "marketplace.E003", id="eager-celery"),
        pytest.param({"TEST_FAST_PASSWORD_HASHER": "1"}, "marketplace.E008", id="test-password-hasher"),
        pytest.param({"CELERY_VISIBILITY_TIMEOUT": "300"}, "marketplace.E004", id="visibility-timeout-below-countdown"),
        pytest.param(
            {"CELERY_VISIBILITY_TIMEOUT": "600"}, "marketplace.E004", id="visibility-timeout-at-the-longest-retry"
        ),
    ],
)
def test_custom_deploy_checks_fail_on_production_mistakes(tmp_path, change, check_id):
    env = {**_bare_env(tmp_path), **PRODUCTION, **change}
    result = _manage("check", "--deploy", env=env)
    assert result.returncode != 0
    assert check_id in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("change", "check_id"),
    [
        pytest.param({"SANDBOX_PAYMENT_SECRET": ""}, "marketplace.E005", id="demo-payment-secret"),
        pytest.param({"ALLOW_SANDBOX_IN_PRODUCTION": ""}, "marketplace.E006", id="sandbox-not-allowed"),
        pytest.param({"LIVE_HOOK_SECRET": ""}, "marketplace.E007", id="demo-live-hook-secret"),
        pytest.param({"ALLOW_SANDBOX_IN_PRODUCTION": "0"}, "marketplace.E006", id="sandbox-allowance-off"),
        # DEBUG off is enough: a site without the HTTPS redirect is still not a demo.
        pytest.param(
            {"SANDBOX_PAYMENT_SECRET": "", "SECURE_SSL_REDIRECT": "0"}, "marketplace.E005", id="demo-secret-no-ssl"
        ),
    ],
)
def test_check_deploy_refuses_the_sandbox_and_its_demo_secret_with_debug_off(tmp_path, change, check_id):
    env = {**_bare_env(tmp_path), **PRODUCTION}
    env.update({k: v for k, v in change.items() if v})
    for name in (k for k, v in change.items() if not v):
        env.pop(name, None)
    result = _manage("check", "--deploy", env=env)
    assert result.returncode != 0
    assert check_id in result.stdout + result.stderr


def test_the_demo_with_debug_on_may_use_the_sandbox_and_its_demo_secret(tmp_path):
    """The demo with DEBUG=1 (`DEBUG=1 make run`): the sandbox and its secret are what it is for."""
    env = {**_bare_env(tmp_path), **PRODUCTION, "DEBUG": "1"}
    for name in ("SANDBOX_PAYMENT_SECRET", "PAYMENT_PROVIDER", "ALLOW_SANDBOX_IN_PRODUCTION"):
        env.pop(name)
    result = _manage("check", "--deploy", env=env)
    assert "marketplace.E005" not in result.stdout + result.stderr
    assert "marketplace.E006" not in result.stdout + result.stderr


def test_in_memory_layer_and_eager_celery_are_fine_off_production(tmp_path):
    """The loopback demo (no SECURE_SSL_REDIRECT) runs on them on purpose: only production is checked."""
    env = {**_bare_env(tmp_path), **PRODUCTION, "SECURE_SSL_REDIRECT": "0", "REDIS_URL": ""}
    result = _manage("check", "--deploy", env=env)
    assert "marketplace.E002" not in result.stdout + result.stderr
    assert "marketplace.E003" not in result.stdout + result.stderr


@pytest.mark.slow
def test_bare_default_migrates_seeds_and_serves_on_sqlite(tmp_path):
    """What `make run` does with no configuration: SQLite, in-memory layer, eager Celery."""
    env = _bare_env(tmp_path)
    # From nothing, as `make run` does (the other SQLite tests copy a database made once: tests/embedded_sqlite.py)
    migrated = _manage("migrate", "--noinput", env=env, timeout=600)
    assert migrated.returncode == 0, migrated.stderr
    seeded = _manage("seed_demo", env=env, timeout=300)
    assert seeded.returncode == 0, seeded.stderr
    again = _manage("seed_demo", env=env, timeout=300)  # `make run` seeds on every start: a second run is fine
    assert again.returncode == 0, again.stderr
    assert "buyer" in again.stdout and "operator" in again.stdout
    assert (tmp_path / "db.sqlite3").exists()

    from conftest import AsgiServer

    server = AsgiServer(env, tmp_path / "uvicorn.log").start()
    try:
        import urllib.request

        for path in ["/", "/accounts/login/", "/api/docs/", "/favicon.ico", "/static/css/site.css"]:
            with urllib.request.urlopen(server.url + path, timeout=20) as response:
                assert response.status == 200, path
        # DEBUG is off unless asked for: a missing page is the site's own 404, not Django's URL list
        import urllib.error

        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(server.url + "/no-such-page/", timeout=20)
        body = missing.value.read().decode()
        assert missing.value.code == 404 and "URLconf" not in body and 'class="card empty"' in body
    finally:
        server.stop()


def test_every_beat_entry_names_a_registered_task():
    """A periodic job that names no task (a typo, a renamed function) would silently never run."""
    from django.conf import settings

    from marketplace.celery import app

    app.loader.import_default_modules()
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert names <= set(app.tasks), names - set(app.tasks)
    assert "chat.tasks.chat_offline_notices_task" in names  # the offline e-mail is a sweep now


@pytest.mark.django_db
def test_postgresql_prepares_a_statement_run_more_than_five_times():
    """DB_PREPARED_STATEMENTS (on by default): parameters are bound by the server, and a statement run more
    than prepare_threshold (5) times on a connection is prepared there, not parsed and planned each time."""
    from django.db import connection

    from accounts.models import User

    for _ in range(7):
        assert not User.objects.filter(username="prepared-statement-probe").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    # Server-side binding: the value travels apart from the statement ("… = $2"), and the statement is kept.
    assert any('FROM "accounts_user" WHERE "accounts_user"."username" = $' in s for s in prepared), prepared


def test_make_run_keeps_debug_off_unless_asked():
    """Issue 18 #5: the demo shows the site's own 404 and 500 pages; DEBUG=1 make run still turns it on."""
    result = subprocess.run(["make", "-n", "run"], cwd=BASE_DIR, capture_output=True, text=True, timeout=60)
    serve = next(line for line in result.stdout.splitlines() if "uvicorn marketplace.asgi:application" in line)
    assert "${DEBUG:-0}" in serve


@pytest.mark.django_db
def test_favicon_and_the_sites_own_404_with_debug_off(client, settings):
    settings.DEBUG = False
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    missing = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 404 and "Page not found" in missing.content.decode()
    home = client.get("/").content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in home

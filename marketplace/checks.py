"""Deployment checks (`manage.py check --deploy`) for what Django's own checks cannot know about us.

"Production" means DEBUG off and SECURE_SSL_REDIRECT on: the README tells production to switch the
redirect on, and the loopback demo and the tests never do. Only there do the in-memory channel layer
and eager Celery count as mistakes (the embedded demo runs on them on purpose).

The sandbox providers are checked with DEBUG off alone (as Django checks SECRET_KEY): with them anyone
can sign "payment succeeded" for their own order, so a site without DEBUG runs them only when it says
so (ALLOW_SANDBOX_IN_PRODUCTION=1, a staging site), and never with the secret published in this
repository. `make run` keeps DEBUG off (the sandbox is allowed there: check --deploy is not run by it);
the test suite never runs the deploy checks on its own settings.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


def is_production() -> bool:
    return not settings.DEBUG and bool(settings.SECURE_SSL_REDIRECT)


def longest_countdown_seconds() -> int:
    """The longest delay a task waits in the broker: its retries' back-off cap (no task schedules
    another countdown). Read from the registered tasks themselves, so this check cannot drift from them."""
    from marketplace.celery import app

    app.loader.import_default_modules()
    return max(
        getattr(task, "retry_backoff_max", 0) if getattr(task, "retry_backoff", False) else task.default_retry_delay
        for name, task in app.tasks.items()
        if not name.startswith("celery.")
    )


@register(Tags.security, deploy=True)
def check_allowed_hosts(app_configs=None, **kwargs) -> list[Error]:
    if "*" in settings.ALLOWED_HOSTS:
        return [
            Error(
                "ALLOWED_HOSTS contains '*'.",
                hint="Name the hosts: '*' also lets every WebSocket Origin through (AllowedHostsOriginValidator).",
                id="marketplace.E001",
            )
        ]
    return []


@register(deploy=True)
def check_production_topology(app_configs=None, **kwargs) -> list[Error]:
    if not is_production():
        return []
    errors = []
    backend = settings.CHANNEL_LAYERS.get("default", {}).get("BACKEND", "")
    if backend.endswith("InMemoryChannelLayer"):
        errors.append(
            Error(
                "The in-memory channel layer is configured in production.",
                hint="Set REDIS_URL: the in-memory layer works inside one process only, so "
                "chat between two server processes and Celery → browser pushes are lost.",
                id="marketplace.E002",
            )
        )
    if settings.CELERY_TASK_ALWAYS_EAGER:
        errors.append(
            Error(
                "Celery runs tasks eagerly in production.",
                hint="Set REDIS_URL and leave CELERY_EAGER unset: eager tasks run inside the "
                "request and ignore countdowns.",
                id="marketplace.E003",
            )
        )
    return errors


@register(deploy=True)
def check_celery_visibility_timeout(app_configs=None, **kwargs) -> list[Error]:
    timeout = (getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}).get("visibility_timeout")
    longest = longest_countdown_seconds()
    if timeout is not None and timeout <= longest:
        return [
            Error(
                f"The Celery visibility timeout ({timeout} s) is not longer than the longest countdown ({longest} s).",
                hint="Redis redelivers an unacknowledged task after the visibility timeout: a task "
                "waiting on its countdown would run twice. Raise CELERY_VISIBILITY_TIMEOUT.",
                id="marketplace.E004",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_sandbox_payments(app_configs=None, **kwargs) -> list[Error]:
    if settings.DEBUG:
        return []
    errors = []
    if settings.SANDBOX_PAYMENT_SECRET == settings.SANDBOX_PAYMENT_DEMO_SECRET:
        errors.append(
            Error(
                "SANDBOX_PAYMENT_SECRET is the demo secret published with the code.",
                hint='Anyone can sign a sandbox "payment succeeded" notification with it. Set '
                "SANDBOX_PAYMENT_SECRET to a long random value.",
                id="marketplace.E005",
            )
        )
    if not settings.ALLOW_SANDBOX_IN_PRODUCTION:
        sandboxes = [
            name
            for name, provider in (
                ("PAYMENT_PROVIDER", settings.PAYMENT_PROVIDER),
                ("PAYOUT_PROVIDER", settings.PAYOUT_PROVIDER),
            )
            if provider == "sandbox"
        ]
        if sandboxes:
            errors.append(
                Error(
                    f"The sandbox provider is used with DEBUG off ({', '.join(sandboxes)}=sandbox).",
                    hint="The sandbox takes no money: its pay page confirms any order and its payouts move "
                    "nothing. Configure a real provider, or set ALLOW_SANDBOX_IN_PRODUCTION=1 on a staging site.",
                    id="marketplace.E006",
                )
            )
    if settings.LIVE_HOOK_SECRET == settings.LIVE_HOOK_DEMO_SECRET:
        errors.append(
            Error(
                "LIVE_HOOK_SECRET is the demo secret published with the code.",
                hint="With it anyone can call nginx's callbacks: put a show live with a stolen key's name, end "
                "a show or attach a recording. Set LIVE_HOOK_SECRET to a long random value (nginx gets it too).",
                id="marketplace.E007",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def check_test_password_hasher(app_configs=None, **kwargs) -> list[Error]:
    if not settings.TEST_FAST_PASSWORD_HASHER:
        return []
    return [
        Error(
            "TEST_FAST_PASSWORD_HASHER is on: new passwords are hashed with MD5.",
            hint="It is for the test suite only (a fast hash of test users' passwords). Unset it.",
            id="marketplace.E008",
        )
    ]

"""Declared retries happen: a notification whose first send fails is retried with a short back-off and
delivered once. A real Celery worker on Redis, sending to a real (tiny) SMTP server that refuses the first
message; and the deploy check's assumed back-off is the tasks' own."""

from __future__ import annotations

import os
import signal
import socketserver
import threading

import pytest
from django.db import OperationalError

from conftest import RUN_ID, celery_worker_start, free_port, wait_until
from notifications import tasks
from notifications.models import Notification
from notifications.services import notify
from tests.factories import UserFactory

EVENT = {
    "kind": "order_shipped",
    "key": "order:20261205001:shipped",
    "message": "order_shipped",
    "params": {"number": "20261121001", "carrier": "顺丰", "tracking": "SF100"},
    "url": "/orders/20261205001/",
}


class FlakySmtpServer(socketserver.ThreadingTCPServer):
    """Speaks just enough SMTP; answers the first message with 451 (try again later), accepts the rest."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int):
        super().__init__(("127.0.0.1", port), _SmtpSession)
        self.attempts = 0
        self.delivered: list[str] = []
        self.lock = threading.Lock()


class _SmtpSession(socketserver.StreamRequestHandler):
    def _reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        server: FlakySmtpServer = self.server
        self._reply("220 flaky.test ESMTP")
        while line := self.rfile.readline():
            command = line.decode("utf-8", "replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self._reply("250 flaky.test")
            elif command.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                self._reply("250 OK")
            elif command == "DATA":
                self._reply("354 go ahead")
                body = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    body += chunk
                with server.lock:
                    server.attempts += 1
                    first = server.attempts == 1
                    if not first:
                        server.delivered.append(body.decode("utf-8", "replace"))
                self._reply("451 4.3.0 try again later" if first else "250 2.0.0 queued")
            elif command == "QUIT":
                self._reply("221 bye")
                return
            else:
                self._reply("502 not implemented")


@pytest.fixture
def smtp_server():
    server = FlakySmtpServer(free_port())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_email_whose_first_send_fails_is_retried_and_delivered_once(tmp_path, smtp_server):
    from marketplace.celery import app

    queue = f"test-notify-{RUN_ID}"
    user = UserFactory(email="farmer@example.com")
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    worker = celery_worker_start(
        tmp_path / "worker.log",
        queue=queue,
        # a long visibility timeout: a retry waiting on its countdown is not redelivered meanwhile
        env={"EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.server_address[1]}", "CELERY_VISIBILITY_TIMEOUT": "900"},
    )
    try:
        # when: the notification is made; its e-mail task goes to the broker on commit
        notify(user_id=user.pk, **EVENT)

        # then: the mail server refused the first attempt, the task retried within seconds, and sent once
        wait_until(lambda: smtp_server.delivered, 60, "the e-mail delivered on a retry")
        notification = Notification.objects.get(user=user)
        wait_until(lambda: Notification.objects.get(pk=notification.pk).emailed_at is not None, 10, "marked sent")
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        app.conf.task_always_eager = True
    assert smtp_server.attempts == 2
    assert len(smtp_server.delivered) == 1
    assert "To: farmer@example.com" in smtp_server.delivered[0]


@pytest.mark.django_db
def test_the_in_app_notification_is_retried_when_the_database_fails_once(monkeypatch):
    """Unit test of the task alone: its first run meets a dropped database connection."""
    user = UserFactory()
    real_notify = tasks.notify
    calls = []

    def notify_failing_once(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_notify(**kwargs)

    monkeypatch.setattr(tasks, "notify", notify_failing_once)

    # apply() runs the task here as a worker would (retries included; delay() in eager mode re-raises)
    tasks.notify_task.apply(kwargs={"user_id": user.pk, **EVENT}, throw=False)

    assert len(calls) == 2
    assert Notification.objects.filter(user=user, key=EVENT["key"]).count() == 1


def test_every_notification_task_retries_with_bounded_backoff():
    for task in (tasks.notify_task, tasks.notification_email_task, tasks.order_events_notify_task):
        assert task.autoretry_for, f"{task.name} declares retries that never happen"
        assert task.retry_backoff and 0 < task.retry_backoff_max <= 3600


def test_the_deploy_checks_longest_countdown_is_the_tasks_own_backoff():
    from marketplace.checks import longest_countdown_seconds

    assert longest_countdown_seconds() >= tasks.notification_email_task.retry_backoff_max
    assert longest_countdown_seconds() >= tasks.notify_task.retry_backoff_max


def test_no_task_declares_a_backoff_it_never_uses():
    """Celery applies retry_backoff only to retries it makes itself (autoretry_for); a task calling
    self.retry() without a countdown waits a flat default_retry_delay instead, whatever it declares."""
    from marketplace.celery import app

    app.loader.import_default_modules()
    ignored = sorted(
        name
        for name, task in app.tasks.items()
        if not name.startswith("celery.") and getattr(task, "retry_backoff", False) and not task.autoretry_for
    )
    assert ignored == []

"""Fixtures of the sweep."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test import Client

from tests.world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at the end (like setUpTestData).

    The module's tests write inside it through savepoints; once more than 64 of them have written (the schema
    fuzzing's hundreds of requests do), a new hot standby stays shut until the transaction ends (measured: the
    world alone, open, let a replica open in 2 s; after 100 savepoints that wrote, not in 15 s). So the read
    replica's test runs apart from the suite (marker `standby`)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True  # the services' durable blocks nest in it, as in a TestCase
        atomic.__enter__()
        try:
            built = build_world()
            clients = {}
            for role, user in built.users.items():
                clients[role] = Client(REMOTE_ADDR="10.20.0.1")
                if user is not None:
                    clients[role].force_login(user)
            built.clients = clients
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            connection.close()

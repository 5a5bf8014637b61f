"""The fault tests (make test-faults): they stop real services, so each brings them back, and the
session ends by checking that PostgreSQL and Redis answer."""

import pytest

from tests.faults.services import ensure_services_up, postgres_answers, redis_answers


@pytest.fixture(autouse=True)
def _services_back_after_each_test():
    yield
    ensure_services_up()


@pytest.fixture(scope="session", autouse=True)
def _services_answer_at_the_end():
    yield
    ensure_services_up()
    assert postgres_answers() and redis_answers(), "a fault test left PostgreSQL or Redis down"

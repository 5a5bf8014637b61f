"""The checkout's shared input serializer (checkout_input_valid) answers as a fresh serializer would."""

import pytest
from rest_framework.exceptions import ValidationError

from orders.serializers import CheckoutInputSerializer, checkout_input_valid
from tests.factories import ADDRESS

BODIES = [
    {"address": ADDRESS, "items": [{"sku": 7, "quantity": 2}], "source": "show:3"},
    {"address": ADDRESS},
    {"address": {**ADDRESS, "phone": "call me"}, "items": [{"sku": 7, "quantity": 2}]},
    {"address": ADDRESS, "items": []},
    {"address": ADDRESS, "items": [{"sku": "x", "quantity": 1000}]},
    {"items": [{"sku": 7, "quantity": 1}]},
    None,
    [],
    "text",
]


def _fresh(body):
    serializer = CheckoutInputSerializer(data=body)
    if serializer.is_valid():
        return ("valid", serializer.validated_data)
    return ("invalid", serializer.errors)


def _shared(body):
    try:
        return ("valid", checkout_input_valid(body))
    except ValidationError as exc:
        return ("invalid", exc.detail)


@pytest.mark.parametrize("body", BODIES)
def test_the_shared_serializer_answers_every_body_as_a_fresh_one(body):
    # twice each, after an invalid body: nothing of one request stays on the shared instance
    checkout_input_valid(BODIES[0])
    with pytest.raises(ValidationError):
        checkout_input_valid(BODIES[2])
    assert _shared(body) == _fresh(body) == _shared(body)

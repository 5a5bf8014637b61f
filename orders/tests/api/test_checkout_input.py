"""The checkout's body is validated once, by the service; CheckoutInputSerializer states the same rules for
the schema. Both must accept and refuse the same bodies, or the schema tells clients something untrue."""

import pytest

from common.errors import ValidationFailed
from orders.serializers import CheckoutInputSerializer
from orders.services.checkout import MAX_CHECKOUT_LINES, address_clean, checkout_items_parse
from tests.factories import ADDRESS

ITEM = {"sku": 7, "quantity": 2}
BODIES = [
    {"address": ADDRESS, "items": [ITEM]},
    {"address": ADDRESS},
    {"address": {**ADDRESS, "name": "  张三  ", "phone": "+86 138 0000 0000"}, "items": [ITEM]},
    {"address": {**ADDRESS, "phone": "call me"}, "items": [ITEM]},
    {"address": {**ADDRESS, "phone": "1380"}, "items": [ITEM]},
    {"address": {**ADDRESS, "name": ""}, "items": [ITEM]},
    {"address": {**ADDRESS, "name": "   "}, "items": [ITEM]},
    {"address": {**ADDRESS, "name": 12}, "items": [ITEM]},
    {"address": {**ADDRESS, "phone": 13800000000}, "items": [ITEM]},
    {"address": {**ADDRESS, "city": "长" * 30}, "items": [ITEM]},
    {"address": {**ADDRESS, "city": "长" * 31}, "items": [ITEM]},
    {"address": {**ADDRESS, "line": "路" * 201}, "items": [ITEM]},
    {"address": {k: v for k, v in ADDRESS.items() if k != "province"}, "items": [ITEM]},
    {"address": "x", "items": [ITEM]},
    {"address": None, "items": [ITEM]},
    {"items": [ITEM]},
    {"address": ADDRESS, "items": []},
    {"address": ADDRESS, "items": "all"},
    {"address": ADDRESS, "items": [7]},
    {"address": ADDRESS, "items": [{"sku": "x", "quantity": 1}]},
    {"address": ADDRESS, "items": [{"sku": 10**12, "quantity": 1}]},
    {"address": ADDRESS, "items": [{"sku": 7}]},
    *({"address": ADDRESS, "items": [{"sku": 7, "quantity": q}]} for q in (0, 1000, 1.5, "1e3", True, None)),
    {"address": ADDRESS, "items": [{"sku": 7, "quantity": "3"}]},
    {"address": ADDRESS, "items": [{"sku": n, "quantity": 1} for n in range(1, MAX_CHECKOUT_LINES + 1)]},
    {"address": ADDRESS, "items": [{"sku": n, "quantity": 1} for n in range(1, MAX_CHECKOUT_LINES + 2)]},
]


def _schema_says(body) -> bool:
    return CheckoutInputSerializer(data=body).is_valid()


def _service_says(body) -> bool:
    try:
        address_clean(body.get("address"))
        if "items" in body:
            checkout_items_parse(body["items"])
    except ValidationFailed:
        return False
    return True


@pytest.mark.parametrize("body", BODIES)
def test_the_schema_and_the_service_accept_and_refuse_the_same_bodies(body):
    assert _schema_says(body) == _service_says(body)


def test_the_service_names_each_bad_field_by_its_path():
    with pytest.raises(ValidationFailed) as bad:
        address_clean({**ADDRESS, "phone": "call me", "city": ""})
    assert set(bad.value.fields) == {"address.phone", "address.city"}
    with pytest.raises(ValidationFailed) as bad:
        checkout_items_parse([ITEM, {"sku": 8, "quantity": 0}])
    assert set(bad.value.fields) == {"items[1].quantity"}

import pytest

from orders.models import CartItem
from tests.factories import ShopFactory, SkuFactory, UserFactory, sku_in_shop

pytestmark = pytest.mark.django_db


def test_the_cart_needs_a_signed_in_user(api_client):
    response = api_client.get("/api/v1/cart/")
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"


def test_add_update_remove(auth_client, user):
    sku = SkuFactory(stock=5)
    created = auth_client.post("/api/v1/cart/items/", {"sku": sku.pk, "quantity": 2, "price": "0.01"}, format="json")
    assert created.status_code == 201
    item = created.json()
    assert item["price"] == "28.00" and item["subtotal"] == "56.00" and item["sku"]["id"] == sku.pk

    again = auth_client.post("/api/v1/cart/items/", {"sku": sku.pk, "quantity": 3}, format="json")
    assert again.status_code == 201 and again.json()["quantity"] == 5

    too_many = auth_client.post("/api/v1/cart/items/", {"sku": sku.pk, "quantity": 1}, format="json")
    assert too_many.status_code == 409
    assert too_many.json()["error"] == {
        "code": "out_of_stock",
        "message": too_many.json()["error"]["message"],
        "details": {"sku": sku.pk, "available": 5},
    }

    cart = auth_client.get("/api/v1/cart/").json()
    assert cart["total"] == "140.00" and cart["currency"] == "CNY" and len(cart["items"]) == 1

    item_id = item["id"]
    assert auth_client.patch(f"/api/v1/cart/items/{item_id}/", {"quantity": 1}, format="json").json()["quantity"] == 1
    assert auth_client.patch(f"/api/v1/cart/items/{item_id}/", {"quantity": 6}, format="json").status_code == 409
    assert auth_client.delete(f"/api/v1/cart/items/{item_id}/").status_code == 204
    assert not CartItem.objects.exists()


@pytest.mark.parametrize("quantity", [-1, 0, 1.5, "1e3", 2**63, 1000, True, None, "", "1.0", [1], {"n": 1}, "１"])
def test_bad_quantities_are_400_and_write_nothing(auth_client, quantity):
    sku = SkuFactory(stock=5000)
    response = auth_client.post("/api/v1/cart/items/", {"sku": sku.pk, "quantity": quantity}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error" and "quantity" in response.json()["error"]["fields"]
    assert not CartItem.objects.exists()


@pytest.mark.parametrize("sku", [0, -1, 2**63, "x", None, 10**30])
def test_bad_skus_are_400(auth_client, sku):
    response = auth_client.post("/api/v1/cart/items/", {"sku": sku, "quantity": 1}, format="json")
    assert response.status_code == 400


def test_someone_elses_cart_item_is_404(auth_client):
    other = UserFactory()
    from orders.services.cart import cart_item_add

    item = cart_item_add(user=other, sku_id=SkuFactory().pk, quantity=1)
    assert auth_client.patch(f"/api/v1/cart/items/{item.pk}/", {"quantity": 2}, format="json").status_code == 404
    assert auth_client.delete(f"/api/v1/cart/items/{item.pk}/").status_code == 404
    assert auth_client.delete(f"/api/v1/cart/items/{2**70}/").status_code == 404


def test_a_seller_cannot_put_their_own_product_in_the_cart(api_client):
    shop = ShopFactory()
    api_client.force_authenticate(shop.owner)
    response = api_client.post("/api/v1/cart/items/", {"sku": sku_in_shop(shop).pk, "quantity": 1}, format="json")
    assert response.status_code == 400

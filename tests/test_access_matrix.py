"""The access matrix: every URL pattern, every method, every kind of person, objects of each side.

MATRIX below is the table of documented answers, keyed by URL name; a route that is not in it fails
`test_every_route_is_in_the_matrix`. Policies (API.md): another's object is 404, anonymous is 401 on the
API and a redirect to log-in on pages, a forbidden action on your own object is 403, and never a 500.

Roles: anonymous, buyer A, buyer B, seller A (owner of shop A), seller B, staff A (staff of shop A),
ex-staff A (accepted an invitation, then removed: a plain user again), invitee A (invited by shop A, not
yet answered: no access at all), operator (Django staff, no shop).

Staff roles (shops.access): "owner" routes (settings, money, staff) are the owner's; staff of the shop get
403 `permission_denied` (a member not allowed an action on their own shop, checked before the object is
looked up, so on either side); everyone else gets what they get on any seller route (404 / "open a shop").

Objects come from tests/world.py: "A side" objects belong to buyer A and shop A (seller A, staff A);
"B side" to buyer B and shop B.
"""

from __future__ import annotations

from dataclasses import dataclass
from http.cookies import SimpleCookie

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.world import BUYER_OF, INVITEE_OF, OWNER_OF, ROLES, SELLERS_OF

METHODS = ["get", "post", "put", "patch", "delete"]
SELLERS = {"seller_a", "seller_b", "staff_a"}
SIGNED_IN = set(ROLES) - {"anonymous"}

# What each answer means: "ok" is a success or an answer about the input (the request got past access
# checks); "login" a redirect to the log-in page; "away" a redirect elsewhere (a non-seller sent to
# "open a shop", a signed-in person away from the log-in page).
OK_API = {200, 201, 204, 400, 409, 415}
OK_PAGE = {200, 302, 400}


@dataclass(frozen=True)
class Route:
    policy: str  # who gets "ok": public | signed_in | buyer | seller | owner | participant | invitee | ...
    methods: tuple[str, ...] = ("get",)
    objects: str | None = None  # the world's object kind behind the URL's ids (sides A and B)
    api: bool = False
    extra: tuple[tuple[str, object], ...] = ()  # fixed URL kwargs
    form: tuple[tuple[str, str], ...] = ()  # a page form's fields for POST
    owner_methods: tuple[str, ...] = ()  # methods of a "seller" route that only the owner may use
    # Methods of a "participant" route that only one side may use (the other participant gets 403).
    seller_methods: tuple[str, ...] = ()
    buyer_methods: tuple[str, ...] = ()


def owner_only(route: Route, *methods: str) -> Route:
    return Route(route.policy, route.methods, route.objects, route.api, route.extra, route.form, methods)


def api(
    policy: str,
    *methods: str,
    objects: str | None = None,
    seller_methods: tuple[str, ...] = (),
    buyer_methods: tuple[str, ...] = (),
) -> Route:
    return Route(
        policy, methods or ("get",), objects, api=True, seller_methods=seller_methods, buyer_methods=buyer_methods
    )


def page(policy: str, *methods: str, objects: str | None = None, form: dict | None = None, **extra) -> Route:
    return Route(
        policy, methods or ("get",), objects, api=False, extra=tuple(extra.items()), form=tuple((form or {}).items())
    )


MATRIX: dict[str, Route] = {
    # --- pages -------------------------------------------------------------------------------------
    "home": page("public"),
    "accounts:signup": page("anonymous_only", "get", "post"),
    "accounts:login": page("anonymous_only", "get", "post"),
    "accounts:logout": page("public", "post"),
    "accounts:logout-everywhere": page("signed_in", "get", "post"),
    "set_language": page("public", "post"),
    "seller:dashboard": page("seller"),
    "seller:shop-settings": page("owner", "get", "post"),
    "seller:staff": page("owner", "get", "post", form={"user": "buyer_b"}),
    "seller:staff-remove": page("owner", "post", objects="staff_member"),
    "seller:staff-revoke": page("owner", "post", objects="staff_invitation"),
    "seller:staff-leave": page("seller", "post"),
    "seller:products": page("seller"),
    "seller:product-new": page("seller", "get", "post"),
    "seller:product-bulk": page("seller", "post", form={"action": "publish"}),
    "seller:product-edit": page("seller", "get", "post", objects="product"),
    "seller:product-status": page("seller", "post", objects="product"),
    "seller:product-review-request": page("seller", "post", objects="product"),
    "seller:shop-review-request": page("owner", "post"),
    "seller:sku-update": page("seller", "post", objects="sku"),
    "seller:image-delete": page("seller", "post", objects="image"),
    "seller:image-move": page("seller", "post", objects="image"),
    "seller:image-cover": page("seller", "post", objects="image"),
    "seller:orders": page("seller"),
    "seller:order-ship": page("seller", "post", objects="order_paid"),
    "seller:order-adjust-price": page("seller", "post", objects="order_pending", form={"discount": "0.01"}),
    "seller:order-packing-slip": page("seller", objects="order_paid"),
    "seller:reviews": page("seller"),
    "seller:review-reply": page("seller", "post", objects="review"),
    "seller:refund-answer": page("seller", "post", objects="refund_request", answer="reject"),
    "seller:inbox": page("seller"),
    "seller:inbox-conversation": page("seller", "get", "post", objects="conversation"),
    "seller:money": page("owner"),
    "seller:live": page("seller", "get", "post", form={"title": "直播"}),
    "seller:live-settings": page("seller", "get", "post", form={"action": "add-word", "word": "微信"}),
    "seller:live-show": page("seller", objects="show"),
    "seller:live-show-action": page("seller", "post", objects="show", action="slow-mode"),
    "seller:live-show-stats": page("seller", objects="show"),
    "seller:payout-account": page(
        "owner",
        "get",
        "post",
        form={
            "kind": "card",
            "holder_name": "王小明",
            "bank_name": "农业银行",
            "account_number": "6228480402564890018",
        },
    ),
    "shops:open": page("signed_in", "get", "post"),
    "shops:follow": page("signed_in", "post", objects="shop"),
    "shops:invitations": page("signed_in"),
    "shops:invitation-answer": page("invitee", "post", objects="staff_invitation", answer="accept"),
    "catalog:search": page("public"),
    "orders:cart": page("signed_in"),
    "orders:cart-add": page("signed_in", "post"),
    "orders:cart-item": page("buyer", "post", objects="cart_item"),
    "orders:checkout": page("signed_in", "get", "post"),
    "orders:my-orders": page("signed_in"),
    "orders:order-detail": page("buyer", objects="order_paid"),
    "orders:order-review": page("buyer", "get", "post", objects="order_completed"),
    "orders:order-action": page("buyer", "post", objects="order_pending", action="cancel"),
    "payments:sandbox": page("buyer", "get", "post", objects="payment"),
    "chat:start": page("signed_in", "post", form={"shop": "shop-b"}),
    "chat:my-chats": page("signed_in"),
    "chat:conversation": page("participant", "get", "post", objects="conversation"),
    "notifications:list": page("signed_in", "get", "post"),
    "notifications:preferences": page("signed_in", "get", "post"),
    "notifications:unsubscribe": page("public", "get", "post", token="not-a-valid-token"),
    "shop": page("public", objects="shop"),
    "live:list": page("public"),
    "live:room": page("public", objects="show"),
    # nginx's callbacks: without LIVE_HOOK_SECRET everyone is refused (403), whoever they are
    "live:hook-publish": api("hook", "post"),
    "live:hook-update": api("hook", "post"),
    "live:hook-publish-done": api("hook", "post"),
    "live:hook-record-done": api("hook", "post"),
    "product": page("public", objects="product"),
    # --- API ---------------------------------------------------------------------------------------
    "api:auth-register": api("public", "post"),
    "api:auth-token": api("public", "post"),
    "api:auth-logout-everywhere": api("signed_in", "post"),
    "api:me": api("signed_in", "get", "patch"),
    "api:shop-create": api("signed_in", "post"),
    "api:shop-detail": api("public", objects="shop"),
    "api:seller-shop": owner_only(api("seller", "get", "patch"), "patch"),
    "api:seller-staff": api("owner", "get", "post"),
    "api:seller-staff-member": api("owner", "delete", objects="staff_member"),
    "api:seller-staff-invitations": api("owner"),
    "api:seller-staff-invitation": api("owner", "delete", objects="staff_invitation"),
    "api:seller-staff-leave": api("seller", "post"),
    "api:my-invitations": api("signed_in"),
    "api:my-invitation-accept": api("invitee", "post", objects="staff_invitation"),
    "api:my-invitation-decline": api("invitee", "post", objects="staff_invitation"),
    "api:category-tree": api("public"),
    "api:product-list": api("public"),
    "api:search-suggest": api("public"),
    "api:product-detail": api("public", objects="product"),
    "api:seller-product-list": api("seller", "get", "post"),
    "api:seller-product-detail": api("seller", "get", "patch", "delete", objects="product"),
    "api:seller-product-review-request": api("seller", "post", objects="product"),
    "api:seller-shop-review-request": api("owner", "post"),
    "api:seller-product-images": api("seller", "post", objects="product"),
    "api:seller-product-images-order": api("seller", "post", objects="product"),
    "api:seller-image": api("seller", "delete", objects="image"),
    "api:seller-product-skus": api("seller", "post", objects="product"),
    "api:seller-sku": api("seller", "patch", "delete", objects="sku"),
    "api:cart": api("signed_in"),
    "api:cart-items": api("signed_in", "post"),
    "api:cart-item": api("buyer", "patch", "delete", objects="cart_item"),
    "api:checkout": api("signed_in", "post"),
    "api:orders": api("signed_in"),
    "api:order": api("buyer", objects="order_paid"),
    "api:order-cancel": api("buyer", "post", objects="order_pending"),
    "api:order-confirm-receipt": api("buyer", "post", objects="order_shipped"),
    "api:order-refund-requests": api("buyer", "post", objects="order_shipped"),
    "api:order-reviews": api("buyer", "post", objects="order_completed"),
    "api:product-reviews": api("public", objects="product"),
    "api:seller-reviews": api("seller"),
    "api:seller-review-reply": api("seller", "post", objects="review"),
    "api:seller-orders": api("seller"),
    "api:seller-order-ship": api("seller", "post", objects="order_paid"),
    "api:seller-refund-request-accept": api("seller", "post", objects="refund_request"),
    "api:seller-refund-request-reject": api("seller", "post", objects="refund_request"),
    "api:payment": api("buyer", objects="payment"),
    "api:payment-sandbox-pay": api("buyer", "post", objects="payment"),
    "api:payment-notify-sandbox": api("public", "post"),  # the provider; an unsigned body is a 400
    "api:seller-balance": api("owner"),
    "api:seller-payouts": api("owner"),
    "api:seller-statement": api("owner"),
    "api:conversation-list": api("signed_in", "get", "post"),
    "api:conversation-detail": api("participant", objects="conversation"),
    "api:conversation-messages": api("participant", "get", "post", objects="conversation"),
    "api:conversation-read": api("participant", "post", objects="conversation"),
    "api:conversation-report": api("participant", "post", objects="conversation"),
    "api:seller-order-adjust-price": api("seller", "post", objects="order_pending"),
    "api:conversation-offers": api("participant", "get", "post", objects="conversation", seller_methods=("post",)),
    "api:conversation-proposals": api("participant", "post", objects="conversation", buyer_methods=("post",)),
    "api:offer-detail": api("participant", objects="offer"),
    "api:offer-accept": api("participant", "post", objects="offer", buyer_methods=("post",)),
    "api:offer-decline": api("participant", "post", objects="offer", buyer_methods=("post",)),
    "api:offer-withdraw": api("participant", "post", objects="offer", seller_methods=("post",)),
    "api:notification-list": api("signed_in"),
    "api:seller-shows": api("seller", "get", "post"),
    "api:seller-show": api("seller", "get", "patch", objects="show"),
    "api:seller-show-stream-key": api("seller", "post", objects="show"),
    "api:seller-show-end": api("seller", "post", objects="show"),
    "api:seller-show-cover": api("seller", "post", objects="show"),
    "api:seller-show-mutes": api("seller", "post", objects="show"),
    "api:seller-show-pin": api("seller", "post", objects="show"),
    "api:seller-show-stats": api("seller", "get", objects="show"),
    "api:show-chapters": api("public", objects="show"),
    "api:show-clicks": api("public", "post", objects="show"),
    "api:show-list": api("public"),
    "api:show-detail": api("public", objects="show"),
    "api:show-messages": api("public", objects="show"),
    "api:show-message-report": api("signed_in", "post", objects="show"),
    # flash deals: the seller's route is the show's shop's; any signed-in viewer gets past access to claim
    # (an empty body is a 400; a deal of another show is 404: deals/tests)
    "api:seller-show-deals": api("seller", "post", objects="show"),
    "api:show-deal-claim": api("signed_in", "post", objects="show"),
    # tips: any signed-in viewer gets past access (an empty body is a 400; the service then refuses the
    # show's own shop 403 tip_own_show, first-time buyers 403 tip_needs_order: tips/tests)
    "api:show-tips": api("signed_in", "post", objects="show"),
    "tips:paid": page("signed_in", objects="show"),
    "api:notification-read": api("signed_in", "post"),
    "schema": api("public"),
    "schema-ws": api("public"),
    "api-docs": page("public"),
    "api-not-found": api("nobody", "get", "post"),
    # --- operator pages in admin (the rest of admin/ is Django's) ------------------------------------
    "admin:index": page("operator"),
    "admin:accounts_user_changelist": page("operator"),
    "admin:orders_order_changelist": page("operator"),
    "admin:payments_payoutbatch_changelist": page("operator"),
    "admin:accounts_operatoraction_changelist": page("operator"),
    "admin:safety_chatmute_changelist": page("operator"),
    "admin:safety_contactstrike_changelist": page("operator"),
    "admin:tips_tip_changelist": page("operator"),
}
ADMIN_PAGES = {name for name in MATRIX if name.startswith("admin:")}
NOT_SWEPT = {"media"}  # files under MEDIA_ROOT; upload names are covered by the bad-input catalogue


def _routes():
    def walk(resolver, prefix="", namespace=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), (namespace + pattern.name) if pattern.name else None, pattern

    for route, name, pattern in walk(get_resolver()):
        if route.startswith("admin/"):
            continue  # Django's admin: the operator pages in MATRIX, and the non-staff check below
        if "media/" in route:
            name = "media"
        yield name or route, pattern


def test_every_route_is_in_the_matrix():
    names = {name for name, _pattern in _routes()}
    missing = sorted(names - set(MATRIX) - NOT_SWEPT)
    assert not missing, f"routes without an entry in the access matrix: {missing}"
    stale = sorted(set(MATRIX) - names - ADMIN_PAGES)
    assert not stale, f"matrix entries for routes that no longer exist: {stale}"


# --- the sweep -------------------------------------------------------------------------------------


def _url(name: str, route: Route, world, side: str | None) -> str:
    if name == "api-not-found":
        return "/api/v1/nothing-here/"
    if name in ADMIN_PAGES:
        return reverse(name)
    kwargs = dict(route.extra)
    pattern = dict(_routes())[name]
    for key in pattern.pattern.regex.groupindex:
        if key in kwargs:
            continue
        kind = {"line_id": "line", "message_id": "room_message", "deal_id": "deal"}.get(key, route.objects)
        obj = world.objects[kind][side]
        kwargs[key] = obj.number if key == "number" else obj.slug if key == "slug" else obj.pk
    return reverse(name, kwargs=kwargs or None)


def _allowed(route: Route, role: str, side: str | None, method: str = "get") -> str:
    """What this role gets: "ok", or the refusal ("401", "login", "404", "away", "403")."""
    anonymous_refusal = "401" if route.api else "login"
    policy = "owner" if method in route.owner_methods else route.policy
    if policy == "public":
        return "ok"
    if policy == "nobody":
        return "404"
    if policy == "hook":
        return "403"
    if policy == "anonymous_only":
        return "ok" if role == "anonymous" else "away"
    if policy == "operator":
        return "ok" if role == "operator" else "login"  # admin's own log-in page
    if role == "anonymous":
        return anonymous_refusal
    if policy == "signed_in":
        return "ok"
    if policy == "buyer":
        return "ok" if role == BUYER_OF[side] else "404"
    if policy == "invitee":
        return "ok" if role == INVITEE_OF[side] else "404"
    if policy == "participant":
        if method in route.seller_methods and role == BUYER_OF[side]:
            return "403"
        if method in route.buyer_methods and role in SELLERS_OF[side]:
            return "403"
        return "ok" if role == BUYER_OF[side] or role in SELLERS_OF[side] else "404"
    if policy == "seller":
        if role not in SELLERS:
            # The API hides the seller space (404); the pages send a non-seller to "open a shop".
            return "404" if route.api else "away"
        if side is None:
            return "ok"
        return "ok" if role in SELLERS_OF[side] else "404"
    if policy == "owner":
        if role not in SELLERS:
            return "404" if route.api else "away"
        if role not in OWNER_OF.values():
            return "403"  # staff: a member whose role does not allow it, on any side (checked first)
        return "ok" if side is None or role == OWNER_OF[side] else "404"
    raise AssertionError(policy)


def _check(response, expected: str, *, api_route: bool, method: str, documented: bool) -> str | None:
    status = response.status_code
    location = response.headers.get("Location", "")
    if status >= 500:
        return f"{status} (server error)"
    if expected == "ok":
        if not documented:
            # A method the route does not document: refused, or for a page the same as its GET.
            return (
                None
                if status in {405, 302, 200, 400, 404, 403} and not (api_route and status < 300)
                else f"{status} for an undocumented method"
            )
        allowed = OK_API if api_route else OK_PAGE
        if status not in allowed:
            return f"{status}, expected a success or an input error"
        if status == 302 and "/accounts/login/" in location:
            return "redirected to log-in although allowed"
        return None
    if expected == "401":
        return None if status == 401 else f"{status}, expected 401"
    if expected == "login":
        ok = status == 302 and ("/accounts/login/" in location or "/admin/login/" in location)
        return None if ok or (not documented and status == 405) else f"{status} {location}, expected log-in"
    if expected == "403":
        return None if status == 403 or (not documented and status == 405) else f"{status}, expected 403"
    if expected == "404":
        return None if status == 404 or (not documented and status == 405) else f"{status}, expected 404"
    if expected == "away":
        return None if status in {302, 405} and "/accounts/login/" not in location else f"{status}, expected a redirect"
    raise AssertionError(expected)


def _client(world, role: str) -> Client:
    """A client with the role's session cookie; fresh each time, so a log-out cannot leak into the next request."""
    client = Client(REMOTE_ADDR="10.20.0.1")
    client.cookies = SimpleCookie(world.clients[role].cookies.output(header="", sep=";").strip() or None)
    return client


def _body(method: str, route: Route):
    if method in {"get", "delete"}:
        return {}
    return {"data": "{}", "content_type": "application/json"} if route.api else {"data": dict(route.form)}


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access_matrix(world, db, name):
    route = MATRIX[name]
    sides = ["A", "B"] if route.objects else [None]
    problems = []
    for side in sides:
        url = _url(name, route, world, side)
        for method in METHODS:
            documented = method in route.methods
            # Undocumented methods: anonymous, one allowed and one refused person, on one side.
            if not documented and side == "B":
                continue
            roles = ROLES if documented else ["anonymous", "buyer_a", "seller_b"]
            for role in roles:
                expected = _allowed(route, role, side, method)
                sid = transaction.savepoint()
                try:
                    response = getattr(_client(world, role), method)(url, **_body(method, route))
                finally:
                    transaction.savepoint_rollback(sid)
                problem = _check(response, expected, api_route=route.api, method=method, documented=documented)
                if problem is None and route.api and response.status_code >= 400 and response.status_code != 405:
                    body = response.json() if response.get("Content-Type", "").startswith("application/json") else {}
                    if not {"code", "message"} <= set(body.get("error", {})):
                        problem = f"{response.status_code} not in the error shape"
                if problem:
                    problems.append(f"{method.upper()} {url} as {role} (side {side}): {problem}")
    assert not problems, "\n".join(problems)


# --- the few rules the table cannot say --------------------------------------------------------------


def test_a_suspended_shop_cannot_act_403(world, db):
    from shops.services import shop_suspend

    shop = world.objects["shop"]["A"]
    shop_suspend(shop_id=shop.pk, reason="sweep")
    seller = _client(world, "seller_a")
    product = world.objects["product"]["A"]
    created = seller.post(
        "/api/v1/seller/products/",
        {"title": "x", "category": product.category_id, "skus": [{"name": "a", "price": "1.00", "stock": 1}]},
        content_type="application/json",
    )
    published = seller.patch(
        f"/api/v1/seller/products/{product.pk}/", {"title": "新名字"}, content_type="application/json"
    )
    assert created.status_code == 403, created.content
    assert published.status_code == 403, published.content
    assert created.json()["error"]["code"] == "shop_suspended"
    # The seller still sees the shop's orders (the buyers' money is held; they must be answered).
    assert seller.get("/api/v1/seller/orders/").status_code == 200
    # Everyone else stops seeing the shop.
    assert _client(world, "buyer_b").get(f"/api/v1/shops/{shop.slug}/").status_code == 404
    assert _client(world, "seller_a").get(f"/api/v1/shops/{shop.slug}/").status_code == 200


@pytest.mark.parametrize("role", ["buyer_a", "seller_a", "staff_a"])
def test_non_operators_are_sent_to_the_admin_log_in(world, db, role):
    for path in [
        "/admin/",
        "/admin/accounts/user/",
        "/admin/payments/payoutbatch/",
        f"/admin/orders/order/{world.objects['order_paid']['A'].pk}/change/",
    ]:
        response = _client(world, role).get(path)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], (path, response.status_code)

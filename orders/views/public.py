"""Buyer pages: cart, checkout, my orders with their timeline, order detail."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.errors import OutOfStock
from common.errors import DomainError, ValidationFailed
from common.idempotency import IdempotencyKeyInFlight, IdempotentWrite, idempotent_write, write_retried
from common.pending_actions import pending_action_pop, pending_action_save
from common.ratelimit import rate_limit_check
from orders.access import access_buyer_order, access_cart_item
from orders.forms import AddressForm, RefundRequestForm
from orders.models import REVIEW_MAX_PHOTOS, REVIEW_MAX_TEXT, IdempotencyKey, Order
from orders.selectors.cart import cart_view, checkout_preview
from orders.selectors.order_lists import buyer_last_address, buyer_orders
from orders.selectors.reviews import order_reviews_by_line
from orders.services.cart import cart_item_add, cart_item_remove, cart_item_update, parse_quantity, parse_sku_id
from orders.services.checkout import checkout_place
from orders.services.lifecycle import order_cancel, order_confirm_receipt
from orders.services.refunds import order_refundable_amount, refund_request_create
from orders.services.reviews.writing import review_create, review_deadline, review_period_open

STATUS_TABS = [
    ("", gettext_lazy("All")),
    (Order.Status.PENDING_PAYMENT, gettext_lazy("To pay")),
    (Order.Status.PAID, gettext_lazy("To ship")),
    (Order.Status.SHIPPED, gettext_lazy("To receive")),
    (Order.Status.COMPLETED, gettext_lazy("Completed")),
    (Order.Status.REFUNDED, gettext_lazy("Refunded")),
    (Order.Status.CANCELLED, gettext_lazy("Cancelled")),
]


def _back(request, default: str) -> str:
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _error_message(exc: DomainError, *, labels: Mapping[str, str] | None = None) -> str:
    """The error as one line for a page's banner; with `labels`, each field's messages after its label (a page
    with many forms, such as the seller's orders, must say which field)."""
    if isinstance(exc, ValidationFailed) and exc.fields:
        labels = labels or {}
        return " ".join(
            _("%(label)s: %(message)s") % {"label": labels[field], "message": message}
            if field in labels
            else str(message)
            for field, messages_ in exc.fields.items()
            for message in messages_
        )
    return exc.message


@login_required
@require_GET
def cart(request):
    return render(request, "orders/cart.html", {"cart": cart_view(user=request.user)})


@require_http_methods(["GET", "POST"])
def cart_add(request):
    """The product page's form: sku, quantity, and buy_now=1 to go straight to checkout.

    A visitor who is not logged in is sent to log in with the request kept in their session; the GET
    that log-in leads back to (with the `resume` token) does it: the item lands in the cart."""
    if request.method == "GET":
        return _cart_add_resume(request)
    back = _back(request, reverse("orders:cart"))
    try:
        sku_id = parse_sku_id(request.POST.get("sku"))
        quantity = parse_quantity(request.POST.get("quantity", "1"))
    except DomainError as exc:
        if not request.user.is_authenticated:
            return redirect_to_login(back)
        messages.error(request, _error_message(exc))
        return redirect(_with_choice(back, request.POST))
    buy_now = bool(request.POST.get("buy_now"))
    if not request.user.is_authenticated:
        token = pending_action_save(
            request, kind="cart_add", data={"sku": sku_id, "quantity": quantity, "buy_now": buy_now, "back": back}
        )
        if buy_now:
            messages.info(request, _("Log in to buy this. You go straight on to checkout once you are in."))
        else:
            messages.info(request, _("Log in to add this to your cart. It is added as soon as you are in."))
        return redirect_to_login(f"{reverse('orders:cart-add')}?{urlencode({'resume': token})}")
    return _cart_add_do(request, sku_id=sku_id, quantity=quantity, buy_now=buy_now, back=back)


def _cart_add_resume(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    pending = pending_action_pop(request, kind="cart_add", token=request.GET.get("resume"))
    if pending is None:
        return redirect("orders:cart")
    try:
        sku_id = parse_sku_id(pending.get("sku"))
        quantity = parse_quantity(pending.get("quantity"))
    except DomainError:
        return redirect("orders:cart")
    back = str(pending.get("back") or "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("orders:cart")
    # Done after log-in: the cart shows it landed (an error goes back to the product page).
    return _cart_add_do(
        request,
        sku_id=sku_id,
        quantity=quantity,
        buy_now=bool(pending.get("buy_now")),
        back=back,
        done=reverse("orders:cart"),
    )


def _cart_add_do(request, *, sku_id: int, quantity: int, buy_now: bool, back: str, done: str | None = None):
    try:
        if buy_now:
            return redirect(f"{reverse('orders:checkout')}?sku={sku_id}&quantity={quantity}")
        rate_limit_check(request=request, scope="cart")
        cart_item_add(user=request.user, sku_id=sku_id, quantity=quantity)
    except DomainError as exc:
        messages.error(request, _error_message(exc))
        return redirect(_with_choice(back, {"sku": sku_id, "quantity": quantity}))
    messages.success(request, _("Added to your cart."))
    return redirect(done or back)


def _with_choice(url: str, choice) -> str:
    """The product page again with the buyer's SKU and quantity still chosen after an error."""
    sku, quantity = str(choice.get("sku") or ""), str(choice.get("quantity") or "")
    parts = urlsplit(url)
    try:
        if resolve(parts.path).url_name != "product":
            return url
    except Resolver404:
        return url
    query = {k: v for k, v in parse_qsl(parts.query) if k not in ("sku", "quantity")}
    if sku.isdigit() and len(sku) <= 19:
        query["sku"] = sku
    if quantity.isdigit() and len(quantity) <= 3:
        query["quantity"] = quantity
    return urlunsplit(parts._replace(query=urlencode(query)))


@login_required
@require_POST
def cart_item_change(request, item_id: int):
    item = access_cart_item(user=request.user, item_id=item_id)
    try:
        if request.POST.get("remove"):
            cart_item_remove(item=item)
        else:
            cart_item_update(item=item, quantity=request.POST.get("quantity"))
    except DomainError as exc:
        messages.error(request, _error_message(exc))
    return redirect("orders:cart")


def _buy_now_items(request) -> dict[int, int] | None:
    if "sku" not in request.GET and "sku" not in request.POST:
        return None
    source = request.POST if request.method == "POST" else request.GET
    return {parse_sku_id(source.get("sku")): parse_quantity(source.get("quantity", "1"))}


@login_required
@require_http_methods(["GET", "POST"])
def checkout(request):
    """The order summary per shop, the address, and "Place order" → the payment page."""
    try:
        buy_now = _buy_now_items(request)
    except ValidationFailed as exc:
        messages.error(request, _error_message(exc))
        return redirect("orders:cart")
    preview = checkout_preview(items=buy_now) if buy_now else cart_view(user=request.user)
    form = AddressForm(request.POST or None, initial=buyer_last_address(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            rate_limit_check(request=request, scope="checkout")
            items = [{"sku": sku, "quantity": qty} for sku, qty in buy_now.items()] if buy_now else None
            # The form carries a key made when it was shown: a double submit replays, never a second order.
            key = (request.POST.get("idempotency_key") or "")[:255] or None

            def place() -> IdempotentWrite:
                with idempotent_write(
                    store=IdempotencyKey,
                    user=request.user,
                    key=key,
                    fingerprint=f"page:{key}",
                    lock_wait_ms=settings.CHECKOUT_LOCK_WAIT_MS,
                ) as write:
                    if not write.replayed:
                        result = checkout_place(buyer=request.user, address=form.cleaned_data, items=items)
                        write.answer(201, {"pay_url": result.pay_url, "orders": [o.number for o in result.orders]})
                return write

            write = write_retried(place)  # an order number already taken: the whole write again
        except IdempotencyKeyInFlight:
            messages.info(request, _("Your order is being placed…"))
            return redirect("orders:my-orders")
        except OutOfStock as exc:
            messages.error(request, exc.message)
        except ValidationFailed as exc:
            for field, errors in exc.fields.items():
                name = field.removeprefix("address.")
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        except DomainError as exc:
            messages.error(request, _error_message(exc))
        else:
            return HttpResponseRedirect(write.body["pay_url"])
    return render(
        request,
        "orders/checkout.html",
        {
            "preview": preview,
            "form": form,
            "buy_now": buy_now,
            "idempotency_key": uuid.uuid4().hex,
        },
    )


@login_required
@require_GET
def my_orders(request):
    status = request.GET.get("status", "")
    orders = buyer_orders(user=request.user, status=status or None)[:50]
    return render(request, "orders/my_orders.html", {"orders": orders, "tabs": STATUS_TABS, "status": status})


@login_required
@require_GET
def order_detail(request, number: str):
    order = access_buyer_order(user=request.user, number=number)
    order = buyer_orders(user=request.user).get(pk=order.pk)
    refund_form = RefundRequestForm(initial={"amount": order_refundable_amount(order=order)})
    reviews = order_reviews_by_line(order=order)
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "refund_form": refund_form,
            "line_reviews": [(line, reviews.get(line.pk)) for line in order.lines.all()],
            "show_reviews": order.status == Order.Status.COMPLETED or bool(reviews),
            "review_open": review_period_open(order),
            "review_deadline": review_deadline(order),
            "confirm_open": request.GET.get("confirm") == "1",
            "refund_open": request.GET.get("refund") == "1",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def order_review(request, number: str, line_id: int):
    """Write a review of one line of a completed order: stars, text, photos and three shop scores."""
    order = access_buyer_order(user=request.user, number=number)
    line = order.lines.filter(pk=line_id).first()
    if line is None:
        raise Http404
    detail = reverse("orders:order-detail", kwargs={"number": order.number})
    if order_reviews_by_line(order=order).get(line.pk):
        messages.info(request, _("You have already reviewed this item."))
        return redirect(detail + "#reviews")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            review_create(
                order_id=order.pk,
                buyer=request.user,
                line_id=line.pk,
                rating=request.POST.get("rating"),
                text=request.POST.get("text", ""),
                as_described=request.POST.get("as_described"),
                communication=request.POST.get("communication"),
                shipping=request.POST.get("shipping"),
                photos=request.FILES.getlist("photos"),
            )
        except ValidationFailed as exc:
            errors = exc.fields or {"__all__": [exc.message]}
        except DomainError as exc:
            messages.error(request, _error_message(exc))
            return redirect(detail)
        else:
            messages.success(request, _("Thank you for your review!"))
            return redirect(detail + "#reviews")
    return render(
        request,
        "orders/review_form.html",
        {
            "order": order,
            "line": line,
            "errors": errors,
            "values": request.POST,
            "deadline": review_deadline(order),
            "open": review_period_open(order),
            "scores": [
                (name, label, request.POST.get(name, ""))
                for name, label in (
                    ("rating", _("Item rating")),
                    ("as_described", _("Item as described")),
                    ("communication", _("Seller communication")),
                    ("shipping", _("Shipping speed")),
                )
            ],
            "max_photos": REVIEW_MAX_PHOTOS,
            "max_text": REVIEW_MAX_TEXT,
        },
    )


@login_required
@require_POST
def order_action(request, number: str, action: str):
    order = access_buyer_order(user=request.user, number=number)
    detail = reverse("orders:order-detail", kwargs={"number": order.number})
    try:
        if action == "cancel":
            order_cancel(order_id=order.pk, actor=request.user, reason="buyer")
            messages.success(request, _("Order cancelled."))
        elif action == "confirm-receipt":
            if request.POST.get("confirmed") != "1":
                # Money leaves escrow only after the buyer answered "have you received it?".
                return redirect(f"{detail}?confirm=1#confirm-{order.number}")
            order_confirm_receipt(order_id=order.pk, actor=request.user)
            messages.success(request, _("Thank you! Receipt confirmed; the seller will be paid."))
        elif action == "refund":
            form = RefundRequestForm(request.POST)
            if not form.is_valid():
                raise ValidationFailed(fields={k: [str(e) for e in v] for k, v in form.errors.items()})
            amount = form.cleaned_data["amount"]
            refund_request_create(
                order_id=order.pk,
                buyer=request.user,
                reason=form.cleaned_data["reason"],
                amount=f"{amount:.2f}" if amount is not None else None,
                return_goods=form.cleaned_data["return_goods"],
            )
            messages.success(request, _("Refund requested. The seller has been asked to answer."))
    except DomainError as exc:
        messages.error(request, _error_message(exc))
    return redirect(_back(request, detail))

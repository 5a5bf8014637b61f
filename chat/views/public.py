"""Buyer pages: start a chat with a seller, "my chats", one conversation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from catalog.models import Product
from chat.access import access_conversation
from chat.selectors import chat_unread_totals, conversation_list, shop_reply_time
from chat.services import conversation_report, conversation_start, message_send
from chat.views.common import chat_strings, conversation_rows, list_config, thread_context
from common.errors import DomainError, NotFound
from common.pending_actions import pending_action_pop, pending_action_save
from shops.access import access_public_shop


@require_http_methods(["GET", "POST"])
def chat_start(request):
    """POST (from any product or shop page): start the chat, the product's card in it. GET: "chat with this
    seller?" with the product card, or (with `resume`) the start a visitor asked for before logging in."""
    if request.method == "GET" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())  # a link: the "chat?" page after log-in
    source = request.POST if request.method == "POST" else request.GET
    try:
        shop = access_public_shop(user=request.user, slug=str(source.get("shop", ""))[:80])
    except NotFound as exc:
        raise Http404 from exc
    product = None
    product_id = source.get("product") or None
    if product_id:
        product = Product.objects.public().filter(pk=product_id if str(product_id).isdigit() else 0, shop=shop).first()
        if product is None:
            raise Http404
    if not request.user.is_authenticated:
        return _log_in_first(request, shop=shop, product=product)
    if request.method == "GET":
        resumed = pending_action_pop(request, kind="chat_start", token=request.GET.get("resume"))
        if resumed is None or resumed.get("shop") != shop.slug or resumed.get("product") != (product and product.pk):
            return render(
                request,
                "chat/start.html",
                {"shop": shop, "product": product, "reply_time": shop_reply_time(shop_id=shop.pk)},
            )
    try:
        conversation, _created = conversation_start(buyer=request.user, shop=shop, product=product)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("chat:my-chats")
    return redirect("chat:conversation", conversation_id=conversation.pk)


def _log_in_first(request, *, shop, product):
    """A visitor who is not logged in clicked "chat with seller" (a POST, with its CSRF token): the log-in
    page says why, and afterwards the chat starts."""
    query = {"shop": shop.slug}
    if product is not None:
        query["product"] = product.pk
    query["resume"] = pending_action_save(
        request, kind="chat_start", data={"shop": shop.slug, "product": product.pk if product else None}
    )
    why = _("Log in to chat with %(shop)s. The chat opens as soon as you are in.") % {"shop": shop.name}
    messages.info(request, why)
    return redirect_to_login(f"{reverse('chat:start')}?{urlencode(query)}")


@login_required
def my_chats(request):
    page = Paginator(conversation_list(user=request.user, role="buyer"), 30).get_page(request.GET.get("page"))
    totals = chat_unread_totals(user=request.user)
    return render(
        request,
        "chat/my_chats.html",
        {
            "page": page,
            "rows": conversation_rows(page.object_list, role="buyer"),
            "seller_unread": totals.seller,
            "list_config": list_config(role="buyer"),
            "chat_strings": chat_strings(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def conversation_page(request, conversation_id: int):
    try:
        conversation = access_conversation(request.user, conversation_id)
    except NotFound as exc:
        raise Http404 from exc
    if conversation.viewer_role != "buyer":
        return redirect("seller:inbox-conversation", conversation_id=conversation.pk)
    if request.method == "POST":
        return thread_post(request, conversation, reverse("chat:conversation", args=[conversation.pk]))
    context = thread_context(request, conversation)
    context["reply_time"] = shop_reply_time(shop_id=conversation.shop_id)
    return render(request, "chat/conversation.html", context)


def thread_post(request, conversation, back: str):
    """Without JavaScript the composer and the report form post here."""
    try:
        if "report" in request.POST:
            conversation_report(user=request.user, conversation=conversation, reason=request.POST.get("reason"))
            messages.success(request, _("Thank you. An operator will read this conversation."))
        else:
            message_send(
                user=request.user,
                conversation=conversation,
                text=request.POST.get("text"),
                client_id=request.POST.get("client_id") or None,
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(back)

"""Seller-center pages: the shop's inbox and a conversation, inside the seller frame."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from chat.access import access_conversation
from chat.selectors import conversation_list, shop_reply_time
from chat.views.common import chat_strings, conversation_rows, list_config, thread_context
from chat.views.public import thread_post
from common.errors import NotFound
from shops.decorators import seller_required


@seller_required
def inbox(request):
    page = Paginator(conversation_list(user=request.user, role="seller"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "chat/seller_inbox.html",
        {
            "page": page,
            "rows": conversation_rows(page.object_list, role="seller"),
            "seller_section": "inbox",
            "list_config": list_config(role="seller"),
            "chat_strings": chat_strings(),
            "reply_time": shop_reply_time(shop_id=request.shop.pk),
        },
    )


@seller_required
@require_http_methods(["GET", "POST"])
def conversation_page(request, conversation_id: int):
    try:
        conversation = access_conversation(request.user, conversation_id)
    except NotFound as exc:
        raise Http404 from exc
    if conversation.viewer_role != "seller":
        raise Http404
    if request.method == "POST":
        return thread_post(request, conversation, reverse("seller:inbox-conversation", args=[conversation.pk]))
    context = thread_context(request, conversation)
    context["seller_section"] = "inbox"
    return render(request, "chat/seller_conversation.html", context)

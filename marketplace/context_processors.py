from django.conf import settings


def site(request):
    return {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL}


def navigation(request):
    """Header badges. Each app adds its count here through its own selector."""
    context: dict = {}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from chat.selectors import chat_unread_totals

        chats = chat_unread_totals(user=user)  # one query: as a buyer and for the user's shop
        context["nav_unread_chats"] = chats.total
        context["seller_unread_chats"] = chats.seller
    if user is not None and user.is_authenticated:
        from orders.selectors import cart_item_count

        context["nav_cart_count"] = cart_item_count(user=user)  # one query
    if user is not None and user.is_authenticated:
        from notifications.selectors import unread_count

        context["nav_unread_notifications"] = unread_count(user=user)  # one query
    return context

from django import template

from marketplace.seller_center import seller_todo as seller_todo_counts

register = template.Library()


@register.simple_tag(takes_context=True)
def seller_todo(context):
    """The request's to-do counters for the seller center's menu badges (computed once per request)."""
    request = context["request"]
    if getattr(request, "shop", None) is None:
        return None
    return seller_todo_counts(request, unread_chats=context.get("seller_unread_chats"))

"""Guards for seller-center views, shared by every app's views/seller.py."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from shops.models import ShopMember


def seller_required(view):
    """Login and shop membership; sets request.shop. Without a shop, go open one."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        membership = ShopMember.objects.select_related("shop").filter(user=request.user).first()
        if membership is None:
            return redirect("shops:open")
        request.shop = membership.shop
        request.shop_role = membership.role
        return view(request, *args, **kwargs)

    return wrapped

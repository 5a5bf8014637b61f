"""Guards for seller-center views, shared by every app's views/seller.py."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from common.errors import NotFound
from shops.access import STAFF, access_seller_membership


def seller_required(view=None, *, role: str = STAFF):
    """Login and shop membership with at least `role`; sets request.shop and request.shop_role.

    `@seller_required` lets owner and staff in; `@seller_required(role=OWNER)` only the owner (staff get
    the 403 page, from shops.access). Someone who works for no shop is sent to open one."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                membership = access_seller_membership(user=request.user, role=role)
            except NotFound:
                return redirect("shops:open")
            request.shop = membership.shop
            request.shop_role = membership.role
            return view(request, *args, **kwargs)

        return wrapped

    return decorate(view) if view is not None else decorate

"""Where the sandbox pay page returns after a tip: a thank-you that closes itself when it is a popup."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from live.access import access_public_show


@login_required
def tip_paid(request, show_id: int):
    show = access_public_show(user=request.user, show_id=show_id)
    for _note in messages.get_messages(request):
        pass  # read (so not shown later): the pay page's note speaks of an order's escrow, and a tip has none
    return render(request, "tips/paid.html", {"show": show, "messages": []})

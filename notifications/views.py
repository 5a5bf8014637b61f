from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from common.errors import ValidationFailed
from notifications.models import Kind
from notifications.selectors import notifications_for, preferences_for
from notifications.services import notifications_mark_read, preference_set, unsubscribe_with_token


@login_required
def notification_list(request):
    if request.method == "POST":
        notifications_mark_read(user=request.user)
        return redirect("notifications:list")
    page = Paginator(notifications_for(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
def preferences(request):
    if request.method == "POST":
        for kind in Kind.values:
            preference_set(user_id=request.user.id, kind=kind, email=request.POST.get(f"email_{kind}") == "on")
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"preferences": preferences_for(user=request.user)})


@csrf_exempt  # mail clients' one-click unsubscribe (RFC 8058) POSTs without our cookie; the token is the proof
def unsubscribe(request, token):
    if request.method == "POST":
        try:
            preference = unsubscribe_with_token(token=token)
        except ValidationFailed:
            return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
        return render(request, "notifications/unsubscribe.html", {"done": True, "kind": Kind(preference.kind).label})
    return render(request, "notifications/unsubscribe.html", {"token": token})

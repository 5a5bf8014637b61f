from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from accounts.language import language_cookie_set
from accounts.services import user_language_set
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
    """What comes by e-mail, per kind, and the language notifications and e-mails are written in."""
    context = {"preferences": preferences_for(user=request.user), "languages": settings.LANGUAGES}
    if request.method == "POST":
        language = request.POST.get("language")
        if language is not None:
            try:
                user_language_set(user=request.user, language=language)
            except ValidationFailed as exc:
                context["language_errors"] = exc.fields["language"]
                return render(request, "notifications/preferences.html", context, status=400)
        for kind in Kind.values:
            preference_set(user_id=request.user.id, kind=kind, email=request.POST.get(f"email_{kind}") == "on")
        response = redirect("notifications:preferences")
        if language is not None:
            language_cookie_set(response, request.user.language)  # the pages follow the account's language
            translation.activate(request.user.language)  # the confirmation is in the chosen language
        messages.success(request, _("Your notification settings are saved."))
        return response
    return render(request, "notifications/preferences.html", context)


@csrf_exempt  # mail clients' one-click unsubscribe (RFC 8058) POSTs without our cookie; the token is the proof
def unsubscribe(request, token):
    if request.method == "POST":
        try:
            preference = unsubscribe_with_token(token=token)
        except ValidationFailed:
            return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
        return render(request, "notifications/unsubscribe.html", {"done": True, "kind": Kind(preference.kind).label})
    return render(request, "notifications/unsubscribe.html", {"token": token})

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.i18n import set_language

from accounts.forms import LoginForm, SignUpForm
from accounts.services import (
    language_supported,
    login_attempt_begin,
    login_attempt_succeeded,
    user_language_set,
    user_register,
    user_sessions_end,
)
from common.errors import RateLimited, ValidationFailed
from common.http import safe_next_url
from common.ratelimit import RateLimiterUnavailable, client_address, rate_limit_check


def _safe_next(request) -> str:
    return safe_next_url(request) or "/"


def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    status, headers = 200, None
    if request.method == "POST" and form.is_valid():
        try:
            rate_limit_check(request=request, scope="register")
            user = user_register(**form.cleaned_data, language=translation.get_language())
        except ValidationFailed as exc:
            for field, errors in exc.fields.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        except RateLimited as exc:
            form.add_error(None, _("Too many sign-ups from here. Please try again later."))
            status, headers = 429, {"Retry-After": str(exc.retry_after)}
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome, %(name)s! Your account is ready.") % {"name": user.username})
            return redirect(_safe_next(request))
    response = render(request, "accounts/signup.html", {"form": form, "next": _safe_next(request)}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        try:
            rate_limit_check(request=request, scope="login")
            # Counted before the password is checked (atomic), given back in form_valid.
            login_attempt_begin(username=request.POST.get("username", ""), address=client_address(request))
        except RateLimiterUnavailable as exc:
            return self._refused(exc, exc.message, status=503)
        except RateLimited as exc:
            return self._refused(exc, _("Too many log-in attempts. Please wait a minute."), status=429)
        return super().post(request, *args, **kwargs)

    def _refused(self, exc: RateLimited, message: str, *, status: int):
        messages.error(self.request, message)
        # An unbound form: checking the password again is exactly what the limit prevents.
        form = self.authentication_form(self.request)
        response = self.render_to_response(self.get_context_data(form=form), status=status)
        response["Retry-After"] = str(exc.retry_after)
        return response

    def form_valid(self, form):
        login_attempt_succeeded(username=self.request.POST.get("username", ""), address=client_address(self.request))
        return super().form_valid(form)


class LogoutView(auth_views.LogoutView):
    """Ends this session only; the person's other devices and API tokens stay signed in."""


@login_required
def logout_everywhere(request):
    """GET: what it does, and a button; POST: every session and API token of the person ends."""
    if request.method == "POST":
        user = request.user
        ended = user_sessions_end(user=user)
        logout(request)  # this browser's session is gone already; forget it here too
        messages.success(
            request,
            ngettext(
                "You are logged out everywhere (%(n)d session ended).",
                "You are logged out everywhere (%(n)d sessions ended).",
                ended.sessions,
            )
            % {"n": ended.sessions},
        )
        return redirect("home")
    return render(request, "accounts/logout_everywhere.html")


def language_switch(request):
    """The header's language switch (Django's set_language): a signed-in person's account follows it, so
    their notifications and e-mails are written in the language they read the site in."""
    response = set_language(request)
    language = language_supported(request.POST.get("language")) if request.method == "POST" else None
    if language and request.user.is_authenticated:
        user_language_set(user=request.user, language=language)
    return response

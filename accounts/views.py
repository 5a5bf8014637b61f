from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.forms import LoginForm, SignUpForm
from accounts.services import login_failure_record, login_lockout_check, user_register
from common.errors import RateLimited, ValidationFailed
from common.http import safe_next_url
from common.ratelimit import client_address, rate_limit_check


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
            user = user_register(**form.cleaned_data)
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
            login_lockout_check(username=request.POST.get("username", ""), address=client_address(request))
        except RateLimited as exc:
            messages.error(request, _("Too many log-in attempts. Please wait a minute."))
            # An unbound form: checking the password again is exactly what the limit prevents.
            form = self.authentication_form(request)
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        login_failure_record(username=self.request.POST.get("username", ""), address=client_address(self.request))
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    pass

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request) -> str | None:
    """The form's or query's `next`, only if it points at this site."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def redirect_back(request, default: str, *args, **kwargs):
    """Redirects to `next` if it is on this site, else to `default` (a URL name or path)."""
    target = safe_next_url(request)
    return redirect(target) if target else redirect(default, *args, **kwargs)


def page_number(value: str | None) -> int:
    """A page number from the query string: 1 unless it is a plausible number (bounded cache keys)."""
    return int(value) if value and value.isdigit() and len(value) <= 5 and int(value) > 0 else 1

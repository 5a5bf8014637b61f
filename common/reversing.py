"""`reverse()` remembered, for URLs built on a hot path (bench B1: the checkout's two URLs).

Django's `reverse()` walks the resolver's namespaces and fills the pattern's candidates on every call; in the
middle of a checkout its two calls cost ~0.15 ms of CPU (5 % of the request, bench/RESULTS.md). Here a URL
whose arguments are whole numbers is reversed once per pattern with sentinel numbers, and later calls put
the real numbers in the sentinels' places. The remembered form is keyed on everything `reverse()` reads
besides the name: the URLconf, the script prefix and the language. Anything else — an argument that is not
a non-negative int, a sentinel that does not come out exactly once — goes to `reverse()` itself.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# Digits no real URL of ours holds; one per argument, so each can be found and replaced on its own.
_SENTINEL = 7_390_000_000_000_173
_forms: dict[tuple, tuple[str, ...] | None] = {}
_lock = threading.Lock()


def reverse_ints(viewname: str, **kwargs: int) -> str:
    """`reverse(viewname, kwargs=kwargs)`, the same string, for arguments that are non-negative ints."""
    names = tuple(sorted(kwargs))
    if not all(type(kwargs[name]) is int and kwargs[name] >= 0 for name in names):
        return reverse(viewname, kwargs=kwargs)
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language(), viewname, names)
    try:
        form = _forms[key]
    except KeyError:
        form = _form(viewname, names)
        with _lock:
            if len(_forms) > 1000:  # names and URLconfs are few; this only bounds a misuse
                _forms.clear()
            _forms[key] = form
    if form is None:
        return reverse(viewname, kwargs=kwargs)
    url = form[0]
    for name, part in zip(names, form[1:], strict=True):
        url += str(kwargs[name]) + part
    return url


def _form(viewname: str, names: tuple[str, ...]) -> tuple[str, ...] | None:
    """The URL split around each argument, in `names` order: (before the first, after it, after the next,
    ...); None when the sentinels do not each come out once, in that order."""
    sentinels = [str(_SENTINEL + index) for index in range(len(names))]
    url = reverse(viewname, kwargs={name: int(s) for name, s in zip(names, sentinels, strict=True)})
    parts: list[str] = []
    rest = url
    for sentinel in sentinels:
        if url.count(sentinel) != 1:
            return None
        before, _, rest = rest.partition(sentinel)
        parts.append(before)
    parts.append(rest)
    # The arguments came out in `names` order: the parts, filled back with the sentinels, rebuild the URL.
    rebuilt = parts[0] + "".join(s + p for s, p in zip(sentinels, parts[1:], strict=True))
    return tuple(parts) if rebuilt == url else None

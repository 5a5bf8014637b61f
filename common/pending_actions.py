"""An action a logged-out visitor asked for (chat with a seller, add to cart), kept in their session and
done once they have logged in.

The visitor's POST (with its CSRF token) stores the action under a random token; the log-in page's `next`
is a GET URL carrying that token. Only a GET that brings back a token stored in the same session replays
the action, once: a link someone else made cannot make a signed-in user do anything, because its token is
not in their session.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

SESSION_KEY = "pending_actions"
# Long enough to find a password or sign up; short enough that a forgotten click is not done days later.
MAX_AGE_SECONDS = 3600
MAX_KEPT = 5


def pending_action_save(request, *, kind: str, data: dict[str, Any]) -> str:
    """Keeps `data` for `kind` in the visitor's session; answers the token the replay URL carries."""
    now = time.time()
    kept = {
        token: entry
        for token, entry in (request.session.get(SESSION_KEY) or {}).items()
        if now - entry.get("at", 0) < MAX_AGE_SECONDS
    }
    newest = sorted(kept.items(), key=lambda item: item[1].get("at", 0))[-(MAX_KEPT - 1) :]
    token = secrets.token_urlsafe(16)
    kept = dict(newest)
    kept[token] = {"kind": kind, "data": data, "at": now}
    request.session[SESSION_KEY] = kept
    return token


def pending_action_pop(request, *, kind: str, token: Any) -> dict[str, Any] | None:
    """The action stored under `token` for `kind` in this session, removed; None if there is none (or it
    is older than an hour, or of another kind)."""
    if not isinstance(token, str) or not token:
        return None
    kept = dict(request.session.get(SESSION_KEY) or {})
    entry = kept.pop(token, None)
    if entry is None:
        return None
    request.session[SESSION_KEY] = kept
    if entry.get("kind") != kind or time.time() - entry.get("at", 0) >= MAX_AGE_SECONDS:
        return None
    return entry.get("data") or {}

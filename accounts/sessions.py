"""The session engine (SESSION_ENGINE = "accounts.sessions"): Django's database sessions, with the
signed-in person's id beside each row, so one person's sessions are found by index.

Built only on the extension points Django documents for this ("Extending database-backed session
engines": get_model_class and create_model_instance), so every write of a session keeps its owner
current — log-in, a cycled key, log-out.
"""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls):
        from accounts.models import UserSession

        return UserSession

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        try:
            session.account_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            session.account_id = None
        return session

"""Writes for accounts: sign-up, log-in attempts, API tokens, and ending sessions (log-out, log out
everywhere, deactivation)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts.models import User, UserSession
from accounts.selectors import user_email_taken, user_username_taken
from common.errors import RateLimited, ValidationFailed
from common.ratelimit import RateLimiterUnavailable, rate_limit_hit, rate_limit_hit_undo
from common.ws import session_sockets_close, user_sockets_close


@dataclass(frozen=True)
class SessionsEnded:
    sessions: int
    tokens: int


def language_supported(language: str | None) -> str | None:
    """The site's language for a code such as "en-US" or "zh-Hans" ("en", "zh-hans"); None if we have none."""
    if not language or not isinstance(language, str):
        return None
    try:
        code = get_supported_language_variant(language.strip().lower())
    except LookupError:
        return None
    return code if code in dict(settings.LANGUAGES) else None


@transaction.atomic
def user_language_set(*, user: User, language: str) -> User:
    """The language the person's notifications, e-mails and chat notices are written in."""
    code = language_supported(language)
    if code is None:
        raise ValidationFailed(fields={"language": [_("Choose one of the site's languages.")]})
    if user.language != code:
        user.language = code
        user.save(update_fields=["language", "updated_at"])
    return user


@transaction.atomic
def user_register(*, username: str, email: str, password: str, language: str | None = None) -> User:
    """Creates a buyer account (in the language it signed up in). Every problem comes back at once, per field."""
    username = username.strip()
    email = User.objects.normalize_email(email.strip())
    errors: dict[str, list[str]] = {}
    if user_username_taken(username=username):
        errors["username"] = [_("This username is already taken.")]
    if user_email_taken(email=email):
        errors["email"] = [_("An account with this e-mail already exists.")]
    try:
        validate_password(password, user=User(username=username, email=email))
    except DjangoValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationFailed(fields=errors)
    try:
        with transaction.atomic():
            return User.objects.create_user(
                username=username,
                email=email,
                password=password,
                language=language_supported(language) or settings.LANGUAGE_CODE,
            )
    except IntegrityError as exc:  # a twin sign-up won the race between the check and the insert
        raise ValidationFailed(fields={"username": [_("This username is already taken.")]}) from exc


def user_token_get_or_create(*, user: User) -> str:
    token, _created = Token.objects.get_or_create(user=user)
    return token.key


def user_token_for_credentials(*, username: str, password: str, address: str, language: str | None = None) -> str:
    """An API log-in: the token, and the person's language becomes the request's (as a page log-in does)."""
    login_attempt_begin(username=username, address=address)
    user = authenticate(username=username, password=password)
    if user is None:
        raise ValidationFailed(
            _("Unable to log in with these credentials."),
            fields={"non_field_errors": [_("Unable to log in with these credentials.")]},
        )
    login_attempt_succeeded(username=username, address=address)
    if language_supported(language):
        user_language_set(user=user, language=language)
    return user_token_get_or_create(user=user)


def _account_identity(username: str) -> str:
    return "n" + username.strip().lower()[:150]


def login_attempt_begin(*, username: str, address: str) -> None:
    """Counts this log-in attempt before its password is checked; refuses it while locked out.

    An account is locked after RATE_LIMITS["login_account"] attempts from anywhere (a password guessed
    from many addresses), an address after RATE_LIMITS["login_address"] attempts on any accounts (one
    address trying many), until their window ends. Each count is one atomic INCR taken before the
    check, so guesses sent in parallel get distinct numbers and at most the limit of them are checked.
    A right password gives its count back (login_attempt_succeeded): only failures lock.

    Fails closed: without the counter (Redis down) nobody's password is checked, a 503 with Retry-After.
    """
    try:
        waits = [
            rate_limit_hit(scope="login_account", identity=_account_identity(username), fail_closed=True),
            rate_limit_hit(scope="login_address", identity=f"a{address}", fail_closed=True),
        ]
    except RateLimiterUnavailable as exc:
        raise RateLimiterUnavailable(
            _("Logging in is unavailable for a moment. Please try again in a minute."), retry_after=exc.retry_after
        ) from exc
    waits = [wait for wait in waits if wait is not None]
    if waits:
        raise RateLimited(_("Too many failed log-ins. Please try again later."), retry_after=max(waits))


def login_attempt_succeeded(*, username: str, address: str) -> None:
    rate_limit_hit_undo(scope="login_account", identity=_account_identity(username))
    rate_limit_hit_undo(scope="login_address", identity=f"a{address}")


def operator_action_record(*, actor: User, action: str, obj, reason: str = "", **data) -> None:
    """Writes one audit line for an operator's action (called inside the action's transaction)."""
    from accounts.models import OperatorAction

    OperatorAction.objects.create(
        actor=actor,
        action=action[:60],
        object_type=obj._meta.label[:60],
        object_id=str(obj.pk)[:60],
        object_repr=str(obj)[:200],
        reason=reason[:500],
        data=data,
    )


@transaction.atomic
def user_sessions_end(*, user: User) -> SessionsEnded:
    """Signs the person out everywhere at once: API tokens and sessions go, open sockets close (4401).

    "Log out everywhere" and deactivation. The sessions are found by their owner's index (accounts
    sessions engine), never by reading other people's; the sockets are told on commit, when the
    tokens and sessions are already gone.
    """
    tokens, _by_model = Token.objects.filter(user=user).delete()
    sessions, _by_model = UserSession.objects.filter(account_id=user.pk).delete()
    transaction.on_commit(lambda: user_sockets_close(user_id=user.pk), robust=True)
    return SessionsEnded(sessions=sessions, tokens=tokens)


def session_ended(*, session_key: str | None) -> None:
    """One session was logged out (Django deletes its row): the sockets it opened close on commit.
    The person's other sessions, and their API tokens (a phone app), stay signed in."""
    if session_key:
        transaction.on_commit(lambda: session_sockets_close(session_key=session_key), robust=True)


@transaction.atomic
def user_deactivate(*, user: User, actor: User | None = None, reason: str = "") -> User:
    """Blocks the account: it can no longer sign in, and its tokens, sessions and sockets end now."""
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active", "updated_at"])
    if actor is not None:
        operator_action_record(actor=actor, action="user_deactivate", obj=user, reason=reason)
    user_sessions_end(user=user)
    return user


@transaction.atomic
def user_operator_update(*, user: User, operator: User, fields: list[str]) -> User:
    """An operator's edit of a person in the console, with its audit entry; a person made inactive is
    signed out everywhere, as by user_deactivate."""
    if not fields:
        return user
    columns = {field.name for field in User._meta.concrete_fields}
    changed = [name for name in fields if name in columns]  # groups and permissions are saved by the form
    if changed:
        user.save(update_fields=[*changed, "updated_at"])
    operator_action_record(actor=operator, action="user_edit", obj=user, fields=sorted(fields))
    if "is_active" in fields and not user.is_active:
        user_sessions_end(user=user)
    return user

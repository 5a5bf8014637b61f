"""Writes for accounts: sign-up, API tokens, and ending a person's sessions (deactivation, log-out)."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.selectors import user_email_taken, user_username_taken
from common.errors import RateLimited, ValidationFailed
from common.ratelimit import rate_limit_hit, rate_limit_wait
from common.ws import user_sockets_close


@transaction.atomic
def user_register(*, username: str, email: str, password: str) -> User:
    """Creates a buyer account. Every problem comes back at once, per field."""
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
            return User.objects.create_user(username=username, email=email, password=password)
    except IntegrityError as exc:  # a twin sign-up won the race between the check and the insert
        raise ValidationFailed(fields={"username": [_("This username is already taken.")]}) from exc


def user_token_get_or_create(*, user: User) -> str:
    token, _created = Token.objects.get_or_create(user=user)
    return token.key


def user_token_for_credentials(*, username: str, password: str, address: str) -> str:
    login_lockout_check(username=username, address=address)
    user = authenticate(username=username, password=password)
    if user is None:
        login_failure_record(username=username, address=address)
        raise ValidationFailed(
            _("Unable to log in with these credentials."),
            fields={"non_field_errors": [_("Unable to log in with these credentials.")]},
        )
    return user_token_get_or_create(user=user)


def _account_identity(username: str) -> str:
    return "n" + username.strip().lower()[:150]


def login_lockout_check(*, username: str, address: str) -> None:
    """Refuses a log-in (even with the right password) while the account or the address is locked out.

    An account is locked after RATE_LIMITS["login_account"] failures from anywhere (a password guessed
    from many addresses), an address after RATE_LIMITS["login_address"] failures on any accounts
    (one address trying many); both until their window ends.
    """
    waits = [
        rate_limit_wait(scope="login_account", identity=_account_identity(username)),
        rate_limit_wait(scope="login_address", identity=f"a{address}"),
    ]
    waits = [wait for wait in waits if wait is not None]
    if waits:
        raise RateLimited(_("Too many failed log-ins. Please try again later."), retry_after=max(waits))


def login_failure_record(*, username: str, address: str) -> None:
    rate_limit_hit(scope="login_account", identity=_account_identity(username))
    rate_limit_hit(scope="login_address", identity=f"a{address}")


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
def user_sessions_end(*, user: User) -> None:
    """Signs the person out everywhere at once: API tokens and sessions go, open sockets close (4401).

    Sessions live in the database keyed by a random id, so finding one person's means reading the
    live ones; the sockets are told on commit, when the tokens and sessions are already gone.
    """
    Token.objects.filter(user=user).delete()
    user_id = str(user.pk)
    stale = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == user_id
    ]
    Session.objects.filter(pk__in=stale).delete()
    transaction.on_commit(lambda: user_sockets_close(user_id=user.pk))


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

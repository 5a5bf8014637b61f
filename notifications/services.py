"""notify(): one notification per event, pushed live and (if the person wants it) e-mailed by Celery."""

from __future__ import annotations

from datetime import timedelta

from channels.layers import get_channel_layer
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import ValidationFailed
from common.tasks import enqueue_on_commit
from common.ws import from_sync
from notifications.groups import user_group
from notifications.messages import MESSAGES
from notifications.models import Kind, Notification, Preference
from notifications.selectors import email_unwanted_ids, email_wanted
from notifications.serializers import NotificationOut

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def notification_payload(notification: Notification, *, language: str | None = None) -> dict:
    """The notification as the API answers it and the socket pushes it, in `language` (None: the active one)."""
    return NotificationOut(notification, context={"language": language}).data


def _site_path(url: str) -> str:
    """Only a path on this site becomes a link (`/orders/…`): never `javascript:`, `data:` or another host."""
    url = (url or "").strip()
    if url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return ""


def _checked(kind: str, message: str, params: dict | None, text: str) -> dict[str, str]:
    """The template's values as text (what a notification stores); an unknown kind or template is a bug."""
    if kind not in Kind.values:
        raise ValidationFailed(fields={"kind": [f"Unknown kind {kind!r}."]})
    if message not in MESSAGES and not (not message and text):
        raise ValidationFailed(fields={"message": [f"Unknown notification template {message!r}."]})
    return {str(name): str(value) for name, value in (params or {}).items()}


@transaction.atomic
def notify(
    *, user_id: int, kind: str, key: str, message: str = "", params: dict | None = None, text: str = "", url: str = ""
) -> Notification | None:
    """Creates the notification for this event once; a second call with the same key changes nothing.

    It says template `message` (notifications/messages.py) with `params`, rendered in the reader's language
    when read; `text` is a literal shown as is, for a notification without a template. After commit: a live
    push to the person's open pages, and an e-mail task if they want e-mails of this kind.
    """
    params = _checked(kind, message, params, text)
    if not User.objects.filter(pk=user_id, is_active=True).exists():
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user_id=user_id,
                kind=kind,
                key=key[:120],
                message=message,
                params=params,
                text=text[:500],
                url=_site_path(url)[:300],
            )
    except IntegrityError:
        return Notification.objects.get(user_id=user_id, key=key[:120])  # already shown: at-least-once delivery
    # robust: a failing push or broker never breaks the action that caused the notification
    transaction.on_commit(lambda: _push(notification), robust=True)
    if email_wanted(user_id=user_id, kind=kind):
        from notifications.tasks import notification_email_task

        enqueue_on_commit(notification_email_task, notification.id)
    return notification


@transaction.atomic
def notify_many(
    *, user_ids: list[int], kind: str, key: str, message: str, params: dict | None = None, url: str = ""
) -> int:
    """One event for a batch of people (a shop's followers): a bounded number of queries per batch.

    Those who already have this key are skipped (a retried task, a second call); the rest get one bulk
    insert. After commit each new one is pushed to the person's open pages, and e-mailed (one task each)
    unless the person chose in-app only for this kind. Returns how many were created.
    """
    params = _checked(kind, message, params, "")
    key, url = key[:120], _site_path(url)[:300]
    wanted = set(User.objects.filter(pk__in=set(user_ids), is_active=True).values_list("pk", flat=True))
    wanted -= set(Notification.objects.filter(user_id__in=wanted, key=key).values_list("user_id", flat=True))
    if not wanted:
        return 0
    Notification.objects.bulk_create(
        [
            Notification(user_id=user_id, kind=kind, key=key, message=message, params=params, url=url)
            for user_id in sorted(wanted)
        ],
        ignore_conflicts=True,  # a concurrent call for the same event: its rows stand
    )
    created = list(Notification.objects.filter(user_id__in=wanted, key=key, emailed_at__isnull=True))
    no_email = email_unwanted_ids(user_ids=list(wanted), kind=kind)
    from notifications.tasks import notification_email_task

    transaction.on_commit(lambda: _push_many(created), robust=True)
    for notification in created:
        if notification.user_id not in no_email:
            enqueue_on_commit(notification_email_task, notification.id)
    return len(created)


def _push_many(notifications: list[Notification]) -> None:
    """The batch's live pushes: each person's language and unread count in one query, then one group
    message per person, in their language."""
    layer = get_channel_layer()
    if layer is None or not notifications:
        return
    people = {
        pk: (language, unread)
        for pk, language, unread in User.objects.filter(pk__in=[n.user_id for n in notifications])
        .annotate(unread=Count("notifications", filter=Q(notifications__read_at__isnull=True)))
        .values_list("pk", "language", "unread")
    }
    for notification in notifications:
        language, unread = people.get(notification.user_id, (None, 0))
        from_sync(
            layer.group_send,
            user_group(notification.user_id),
            {
                "type": "notification.created",
                "notification": notification_payload(notification, language=language),
                "unread": unread,
            },
        )


def _push(notification: Notification) -> None:
    from notifications.selectors import unread_count

    layer = get_channel_layer()
    if layer is None:
        return
    from_sync(
        layer.group_send,
        user_group(notification.user_id),
        {
            "type": "notification.created",
            "notification": notification_payload(notification, language=notification.user.language),
            "unread": unread_count(user=notification.user),
        },
    )


def notify_on_commit(**kwargs) -> None:
    """For other apps' services: create the notification through Celery once their transaction commits."""
    from notifications.tasks import notify_task

    enqueue_on_commit(notify_task, **kwargs)


@transaction.atomic
def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    return queryset.update(read_at=timezone.now())


@transaction.atomic
def preference_set(*, user_id: int, kind: str, email: bool) -> Preference:
    if kind not in Kind.values:
        raise ValidationFailed(fields={"kind": [f"Unknown kind {kind!r}."]})
    preference, _ = Preference.objects.update_or_create(user_id=user_id, kind=kind, defaults={"email": email})
    return preference


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_with_token(*, token: str) -> Preference:
    """The e-mail's one-click link: no log-in, the signature is the proof."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=60 * 60 * 24 * 365)
    except signing.BadSignature as exc:
        raise ValidationFailed(_("This unsubscribe link is not valid.")) from exc
    return preference_set(user_id=int(data["u"]), kind=str(data["k"]), email=False)


EMAIL_CLAIM_TIMEOUT = timedelta(minutes=10)


def notification_email_send(*, notification_id: int) -> bool:
    """Sends the e-mail once, with no transaction open while the mail server is talked to.

    A conditional UPDATE claims the notification; the send happens outside any transaction; then it is
    marked sent. A failed send clears the claim for the task's retry; a worker that dies mid-send leaves
    a claim that expires after EMAIL_CLAIM_TIMEOUT (at-least-once, never zero times while retried).
    """
    now = timezone.now()
    claimed = (
        Notification.objects.filter(pk=notification_id, emailed_at__isnull=True)
        .filter(Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - EMAIL_CLAIM_TIMEOUT))
        .update(email_claimed_at=now)
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    if not notification.user.email or not email_wanted(user_id=notification.user_id, kind=notification.kind):
        return False
    try:
        _email_message(notification).send()
    except Exception:
        Notification.objects.filter(pk=notification_id).update(email_claimed_at=None)  # let the retry claim it
        raise
    Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now(), updated_at=timezone.now())
    return True


def _email_message(notification: Notification) -> EmailMultiAlternatives:
    """The e-mail in the recipient's language: subject, text and the templates' words."""
    token = unsubscribe_token(user_id=notification.user_id, kind=notification.kind)
    unsubscribe_url = settings.SITE_URL + reverse("notifications:unsubscribe", args=[token])
    with translation.override(notification.user.language):
        context = {
            "url": notification.url,
            "text": notification.render(),
            "kind_label": str(Kind(notification.kind).label),
            "site_url": settings.SITE_URL,
            "unsubscribe_url": unsubscribe_url,
        }
        message = EmailMultiAlternatives(
            subject=f"{context['kind_label']} · {settings.SITE_NAME}",
            body=render_to_string("notifications/email.txt", context),
            to=[notification.user.email],
            headers={
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        message.attach_alternative(render_to_string("notifications/email.html", context), "text/html")
    return message

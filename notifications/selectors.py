from django.db.models import QuerySet

from notifications.models import Kind, Notification, Preference


def unread_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_for(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-id")


def email_wanted(*, user_id: int, kind: str) -> bool:
    pref = Preference.objects.filter(user_id=user_id, kind=kind).values_list("email", flat=True).first()
    return True if pref is None else pref


def email_unwanted_ids(*, user_ids: list[int], kind: str) -> set[int]:
    """Of these people, those who chose in-app only for this kind (one query for a batch)."""
    return set(
        Preference.objects.filter(user_id__in=user_ids, kind=kind, email=False).values_list("user_id", flat=True)
    )


def preferences_for(*, user) -> list[dict]:
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "email"))
    return [{"kind": kind, "label": label, "email": chosen.get(kind, True)} for kind, label in Kind.choices]

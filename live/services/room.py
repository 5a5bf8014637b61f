"""The room: messages (stored, then pushed), the shop's block list, slow mode, mutes, removal, reports,
and the people who moderate."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import InvalidState, NotFound, RateLimited, ValidationFailed
from common.ids import parse_id
from common.ratelimit import rate_limit_hit
from common.text import clean_text
from live.errors import MAX_TEXT, BlockedWordUsed, Muted, RoomClosed, RoomMessageTooLong, SlowMode
from live.models import BlockedWord, RoomMessage, RoomModerator, RoomRestriction, Show, ShowStatus
from live.services.broadcast import room_message_push_on_commit, room_push_on_commit, viewer_push_on_commit
from safety.models import Source
from safety.services import text_screen
from shops.models import Shop, ShopMember

User = get_user_model()

MAX_CLIENT_ID = 64
MAX_MUTE_MINUTES = 7 * 24 * 60
MAX_WORDS = 200
MAX_MODERATORS = 20


def room_role(*, show: Show, user) -> str:
    """ "seller" (works for the shop), "moderator" (named by the shop) or "viewer"."""
    if not user.is_authenticated:
        return RoomMessage.Role.VIEWER
    if ShopMember.objects.filter(shop_id=show.shop_id, user=user).exists():
        return RoomMessage.Role.SELLER
    if RoomModerator.objects.filter(shop_id=show.shop_id, user=user).exists():
        return RoomMessage.Role.MODERATOR
    return RoomMessage.Role.VIEWER


def room_restriction_active(*, show: Show, user_id: int, kind: str | None = None) -> RoomRestriction | None:
    now = timezone.now()
    queryset = RoomRestriction.objects.filter(show=show, user_id=user_id).filter(
        Q(until__isnull=True) | Q(until__gt=now)
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("until").first()


# --- the room's rules, cached per show (bench B6: no query for them on a message) -----------------------
# One cache entry per show holds the shop's block list and the show's active restrictions, stamped with the
# two version keys it was read under (the show's, the shop's). Every change bumps its version after its
# commit, so a message (one MGET: entry + both versions) never uses an entry older than the last change: a
# mute refuses the very next message, a new blocked word masks it.
RULES_TTL = 3600


def _show_version_key(show_id: int) -> str:
    return f"live:rules:v:show:{show_id}"


def _shop_version_key(shop_id: int) -> str:
    return f"live:rules:v:shop:{shop_id}"


def _rules_key(show_id: int) -> str:
    return f"live:rules:{show_id}"


def _bump(key: str) -> None:
    # A fresh random token, never a counter that could restart at a value an old entry carries.
    cache.set(key, uuid.uuid4().hex, timeout=None)


def _rules_changed_on_commit(*, show_id: int | None = None, shop_id: int | None = None) -> None:
    if show_id is not None:
        transaction.on_commit(lambda: _bump(_show_version_key(show_id)))
    if shop_id is not None:
        transaction.on_commit(lambda: _bump(_shop_version_key(shop_id)))


def _room_rules(show: Show) -> dict:
    """{"words": [folded blocked words], "restrictions": {user_id: [until or None, …]}} for this show."""
    show_vkey, shop_vkey, key = _show_version_key(show.pk), _shop_version_key(show.shop_id), _rules_key(show.pk)
    got = cache.get_many([key, show_vkey, shop_vkey])
    versions = (got.get(show_vkey), got.get(shop_vkey))
    entry = got.get(key)
    if entry is not None and None not in versions and entry["versions"] == versions:
        return entry
    if None in versions:
        for vkey in (show_vkey, shop_vkey):
            cache.add(vkey, uuid.uuid4().hex, timeout=None)
        versions = (cache.get(show_vkey), cache.get(shop_vkey))
    # Read under the versions fetched before the queries: a change committed meanwhile bumps them.
    restrictions: dict[int, list] = {}
    now = timezone.now()
    for user_id, until in RoomRestriction.objects.filter(show=show).values_list("user_id", "until"):
        if until is None or until > now:
            restrictions.setdefault(user_id, []).append(until)
    words = list(BlockedWord.objects.filter(shop_id=show.shop_id).values_list("word", flat=True))
    entry = {"versions": versions, "words": words, "restrictions": restrictions}
    cache.set(key, entry, timeout=RULES_TTL)
    return entry


def _restriction_until(rules: dict, user_id: int) -> tuple[bool, object]:
    """(restricted, until): the restriction that ends first (None: until the show ends), as
    room_restriction_active orders them."""
    now = timezone.now()
    active = [until for until in rules["restrictions"].get(user_id, ()) if until is None or until > now]
    if not active:
        return False, None
    timed = [until for until in active if until is not None]
    return True, (min(timed) if timed else None)


def _blocked_word(words, text: str) -> str | None:
    folded = text.casefold()
    for word in words:
        if word.casefold() in folded:
            return word
    return None


def _slow_mode_wait(show: Show, user_id: int) -> None:
    if not show.slow_mode_seconds:
        return
    key = f"live:slow:{show.pk}:{user_id}"
    if not cache.add(key, 1, timeout=show.slow_mode_seconds):
        raise SlowMode(
            _("Slow mode is on: one message every %(seconds)s seconds.") % {"seconds": show.slow_mode_seconds}
        )


def room_message_send(*, show: Show, user, text, client_id: str | None = None, role: str | None = None) -> RoomMessage:
    """Stores a viewer's message and pushes it to the room on commit. Refused (nothing stored, nothing
    pushed to anyone else) when muted, too fast, in slow mode, or carrying a word on the shop's block list.

    `role`: the sender's role as the room socket found it when it joined (saves two queries a message;
    a moderator named or dropped during the show counts as such from their next join)."""
    if not user.is_authenticated:
        raise NotFound()
    if not isinstance(text, str):
        raise ValidationFailed(_("A message needs text."))
    text = clean_text(text)
    if not text:
        raise ValidationFailed(_("Write a message first."))
    if len(text) > MAX_TEXT:
        raise RoomMessageTooLong()
    client_id = client_id[:MAX_CLIENT_ID] if isinstance(client_id, str) else ""
    if show.status == ShowStatus.ENDED:
        raise RoomClosed()
    if role not in RoomMessage.Role.values:
        role = room_role(show=show, user=user)
    if role == RoomMessage.Role.VIEWER:
        rules = _room_rules(show)
        restricted, until = _restriction_until(rules, user.pk)
        if restricted:
            if until is None:
                raise Muted(_("You are muted in this room until the show ends."))
            minutes = max(1, int((until - timezone.now()).total_seconds() // 60) + 1)
            raise Muted(_("You are muted in this room for %(minutes)s more minutes.") % {"minutes": minutes})
        wait = rate_limit_hit(scope="live_chat", identity=f"{show.pk}:{user.pk}")
        if wait is not None:
            raise RateLimited(_("You are sending messages too fast."), retry_after=wait)
        if _blocked_word(rules["words"], text):
            raise BlockedWordUsed()
        _slow_mode_wait(show, user.pk)
        # Contact details are masked for everyone and count as a strike (ordinary text: no query).
        text = text_screen(user=user, text=text, source=Source.LIVE, source_id=show.pk).text
    # One INSERT, atomic by itself: no BEGIN/COMMIT round trips on the room's hot path (bench B6). The
    # push follows the commit (at once here; at the caller's commit inside its transaction).
    message = RoomMessage.objects.create(show=show, sender=user, role=role, text=text, client_id=client_id)
    room_message_push_on_commit(message)
    return message


def _target_user(user_id) -> User:
    if isinstance(user_id, bool) or not isinstance(user_id, int) or not 0 < user_id < 2**63:
        raise ValidationFailed(fields={"user": [_("Name a viewer by their id.")]})
    target = User.objects.filter(pk=user_id).first()
    if target is None:
        raise ValidationFailed(fields={"user": [_("There is no such viewer.")]})
    return target


@transaction.atomic
def room_mute(*, show: Show, by, user_id, minutes) -> RoomRestriction:
    """Mutes a viewer for `minutes` (1 … a week), or for the whole show with `minutes` None."""
    target = _target_user(user_id)
    if minutes is not None and (
        isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 < minutes <= MAX_MUTE_MINUTES
    ):
        raise ValidationFailed(fields={"minutes": [_("Mute for 1 to 10,080 minutes, or for the whole show.")]})
    if room_role(show=show, user=target) == RoomMessage.Role.SELLER:
        raise InvalidState(_("The shop's own people cannot be muted."))
    if show.status == ShowStatus.ENDED:
        raise InvalidState(_("This show has ended."))
    until = timezone.now() + timedelta(minutes=minutes) if minutes is not None else None
    restriction, _created = RoomRestriction.objects.update_or_create(
        show=show, user=target, kind=RoomRestriction.Kind.MUTE, defaults={"until": until, "by": by}
    )
    _rules_changed_on_commit(show_id=show.pk)
    viewer_push_on_commit(
        show.pk,
        target.pk,
        {"type": "notice", "code": "muted", "message": _("You have been muted in this room."), "until": until},
    )
    return restriction


@transaction.atomic
def room_unmute(*, show: Show, user_id) -> None:
    target = _target_user(user_id)
    RoomRestriction.objects.filter(show=show, user=target, kind=RoomRestriction.Kind.MUTE).delete()
    _rules_changed_on_commit(show_id=show.pk)


@transaction.atomic
def room_remove(*, show: Show, by, user_id) -> RoomRestriction:
    """Removes a viewer from the room for the rest of the show: their sockets close, they cannot rejoin
    signed in, and their messages are refused."""
    target = _target_user(user_id)
    if room_role(show=show, user=target) == RoomMessage.Role.SELLER:
        raise InvalidState(_("The shop's own people cannot be removed."))
    restriction, _created = RoomRestriction.objects.update_or_create(
        show=show, user=target, kind=RoomRestriction.Kind.REMOVE, defaults={"until": None, "by": by}
    )
    _rules_changed_on_commit(show_id=show.pk)
    viewer_push_on_commit(
        show.pk,
        target.pk,
        {"type": "notice", "code": "removed", "message": _("You have been removed from this room.")},
        close=True,
    )
    return restriction


@transaction.atomic
def room_message_hide(*, show: Show, message_id) -> RoomMessage:
    message = RoomMessage.objects.filter(show=show, pk=parse_id(message_id)).first()
    if message is None:
        raise NotFound()
    if not message.hidden:
        message.hidden = True
        message.save(update_fields=["hidden", "updated_at"])
        room_push_on_commit(show.pk, {"type": "message_hidden", "id": message.pk})
    return message


@transaction.atomic
def room_message_report(*, show: Show, user, message_id, reason) -> RoomMessage:
    """A signed-in viewer reports a message to the platform's operators (admin: reported room messages)."""
    if not user.is_authenticated:
        raise NotFound()
    reason = clean_text(reason, multiline=False) if isinstance(reason, str) else ""
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Say what is wrong with it.")]})
    message = RoomMessage.objects.select_for_update().filter(show=show, pk=parse_id(message_id)).first()
    if message is None:
        raise NotFound()
    if message.reported_at is None:
        message.reported_at = timezone.now()
        message.reported_by = user
        message.report_reason = reason[:500]
        message.save(update_fields=["reported_at", "reported_by", "report_reason", "updated_at"])
    return message


# --- the shop's settings for its rooms ---------------------------------------------------------------


@transaction.atomic
def blocked_word_add(*, shop: Shop, word) -> BlockedWord:
    word = clean_text(word, multiline=False) if isinstance(word, str) else ""
    if not word or len(word) > 40:
        raise ValidationFailed(fields={"word": [_("A blocked word is 1 to 40 characters.")]})
    if BlockedWord.objects.filter(shop=shop).count() >= MAX_WORDS:
        raise ValidationFailed(fields={"word": [_("The block list holds at most 200 words.")]})
    blocked, _created = BlockedWord.objects.get_or_create(shop=shop, word=word)
    _rules_changed_on_commit(shop_id=shop.pk)
    return blocked


@transaction.atomic
def blocked_word_remove(*, shop: Shop, word_id) -> None:
    deleted, _rows = BlockedWord.objects.filter(shop=shop, pk=parse_id(word_id)).delete()
    if not deleted:
        raise NotFound()
    _rules_changed_on_commit(shop_id=shop.pk)


@transaction.atomic
def room_moderator_add(*, shop: Shop, username) -> RoomModerator:
    username = username.strip() if isinstance(username, str) else ""
    target = User.objects.filter(username=username, is_active=True).first() if username else None
    if target is None:
        raise ValidationFailed(fields={"username": [_("There is no one with this user name.")]})
    if ShopMember.objects.filter(shop=shop, user=target).exists():
        raise ValidationFailed(fields={"username": [_("People who work for the shop already moderate its rooms.")]})
    if RoomModerator.objects.filter(shop=shop).count() >= MAX_MODERATORS:
        raise ValidationFailed(fields={"username": [_("A shop names at most 20 moderators.")]})
    moderator, _created = RoomModerator.objects.get_or_create(shop=shop, user=target)
    return moderator


@transaction.atomic
def room_moderator_remove(*, shop: Shop, moderator_id) -> None:
    deleted, _rows = RoomModerator.objects.filter(shop=shop, pk=parse_id(moderator_id)).delete()
    if not deleted:
        raise NotFound()

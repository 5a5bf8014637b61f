"""Screening what people write to each other (chat, live rooms, offer notes) for contact details.

The text is delivered with the details masked, the sender is told why, each masked message is a strike,
and STRIKES_TO_MUTE strikes within STRIKE_WINDOW mute the sender's chats for MUTE_FOR and put the
conversation in the operators' queue (admin: "Chat mutes"), where the original texts are visible."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safety.contact import Finding, contact_details_find, contact_details_mask
from safety.errors import ChatMuted
from safety.models import ChatMute, ContactStrike, Source

STRIKES_TO_MUTE = 3
STRIKE_WINDOW = timedelta(days=30)
MUTE_FOR = timedelta(hours=24)
CONTACT_DETAILS_FLAG = "contact_details"
NOTICE_CODE = "contact_details_masked"


@dataclass(frozen=True)
class Screened:
    text: str  # what the recipients see
    flags: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    muted_now: bool = False  # this strike was the one that muted the sender (the caller queues the place)

    @property
    def masked(self) -> bool:
        return bool(self.findings)


def contact_notice_text() -> str:
    """What the sender is told (the `notice` frame's message), in the request's language."""
    return _(
        "Contact details were hidden from your message. Escrow protects only payments made on this platform, "
        "so please keep the conversation and the payment here."
    )


def own_hosts() -> list[str]:
    hosts = [host.lstrip(".") for host in settings.ALLOWED_HOSTS if host not in ("*", "testserver")]
    site = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return [*hosts, site]


def chat_mute_check(*, user, now: datetime | None = None) -> None:
    """Raises ChatMuted while the user is muted."""
    now = now or timezone.now()
    mute = ChatMute.objects.filter(user=user, until__gt=now).order_by("-until").first()
    if mute is not None:
        raise ChatMuted(details={"until": mute.until.isoformat()})


def text_screen(
    *,
    user,
    text: str,
    source: Source | str,
    source_id: int,
    earlier: Sequence[str] = (),
    allowed_numbers: Collection[str] = (),
    now: datetime | None = None,
) -> Screened:
    """The text to deliver. Contact details are masked and the sender gets a strike (and, at the third in
    STRIKE_WINDOW, a mute and an entry in the operators' queue), written in the caller's transaction. Ordinary
    text costs no query (the live room's hot path has none to spare)."""
    findings = contact_details_find(text, earlier=earlier, allowed_numbers=allowed_numbers, own_hosts=own_hosts())
    if not findings:
        return Screened(text=text)
    masked = contact_details_mask(text, findings)
    now = now or timezone.now()
    with transaction.atomic():
        muted_now = _strike(
            user=user, source=source, source_id=source_id, findings=findings, text=text, masked=masked, now=now
        )
    return Screened(text=masked, flags=[CONTACT_DETAILS_FLAG], findings=findings, muted_now=muted_now)


def _strike(*, user, source, source_id: int, findings: list[Finding], text: str, masked: str, now: datetime) -> bool:
    ContactStrike.objects.create(
        user=user,
        source=source,
        source_id=source_id,
        kinds=sorted({finding.kind for finding in findings}),
        original_text=text,
        masked_text=masked,
    )
    recent = ContactStrike.objects.filter(user=user, created_at__gt=now - STRIKE_WINDOW).count()
    muted_now = recent >= STRIKES_TO_MUTE and not ChatMute.objects.filter(user=user, until__gt=now).exists()
    if muted_now:
        ChatMute.objects.create(
            user=user,
            until=now + MUTE_FOR,
            reason=f"{recent} contact-detail strikes in {STRIKE_WINDOW.days} days",
            source=source,
            source_id=source_id,
        )
    return muted_now


@transaction.atomic
def chat_mute_review(*, mute_id: int, operator, lift: bool, now: datetime | None = None) -> ChatMute:
    """An operator looked at the conversation: the mute stays or is lifted; either way it leaves the queue."""
    from accounts.services import operator_action_record

    now = now or timezone.now()
    mute = ChatMute.objects.select_for_update().get(pk=mute_id)
    mute.reviewed_at, mute.reviewed_by = now, operator
    if lift and mute.until > now:
        mute.until = now
    mute.save(update_fields=["reviewed_at", "reviewed_by", "until", "updated_at"])
    operator_action_record(actor=operator, action="chat_mute_lift" if lift else "chat_mute_keep", obj=mute)
    return mute

"""Writes for chat, by subject: conversations (start, report), messages (send, read marks), the offline
notices, and the broadcasts they make after commit.

Every message is stored (under its conversation's row lock, so ids commit in order within a conversation)
before anything is broadcast; broadcasts and notices happen after commit. Other apps (and the suite) import
the services from here.
"""

from chat.services.broadcast import conversation_event_send_on_commit
from chat.services.conversations import conversation_report, conversation_report_resolve, conversation_start
from chat.services.messages import conversation_mark_read, message_offer_post, message_send
from chat.services.offline_notices import offline_notice_send, offline_notices_send_due

__all__ = [
    "conversation_event_send_on_commit",
    "conversation_mark_read",
    "conversation_report",
    "conversation_report_resolve",
    "conversation_start",
    "message_offer_post",
    "message_send",
    "offline_notice_send",
    "offline_notices_send_due",
]

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext as _

from common.ws import InLoopDispatchMixin, UserSocketsMixin
from notifications.groups import user_group
from notifications.selectors import unread_count


class NotificationConsumer(InLoopDispatchMixin, UserSocketsMixin, AsyncJsonWebsocketConsumer):
    """/ws/notifications/: pushes {"type": "notification", "notification": {...}, "unread": n}."""

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.accept()  # accept first: a close before accepting is an HTTP 403, not code 4401
            await self.close(code=4401)
            return
        self.group = user_group(user.id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.user_sockets_join(user)
        await self.accept()
        await self.send_json({"type": "unread", "unread": await database_sync_to_async(unread_count)(user=user)})

    async def disconnect(self, code):
        await self.user_sockets_leave()
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        await self.send_json({"type": "error", "code": "read_only", "message": _("This socket only pushes.")})

    async def notification_created(self, event):
        await self.send_json(
            {"type": "notification", "notification": event["notification"], "unread": event.get("unread")}
        )

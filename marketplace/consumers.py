from channels.generic.websocket import AsyncJsonWebsocketConsumer


class PingConsumer(AsyncJsonWebsocketConsumer):
    """A liveness probe for load balancers and the benchmarks: answers every frame with a pong."""

    async def connect(self):
        await self.accept()
        user = self.scope.get("user")
        await self.send_json({"type": "hello", "user": user.username if user and user.is_authenticated else None})

    async def receive_json(self, content, **kwargs):
        await self.send_json({"type": "pong", "echo": content})

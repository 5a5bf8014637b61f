"""A member of staff who is removed (or leaves) stops hearing the shop's chats at once: the sockets they
opened as the shop close. Real WebSocket clients against a real uvicorn, through the Redis channel layer."""

from __future__ import annotations

import asyncio

import pytest
import websockets

from chat.services import conversation_start
from shops.models import ShopMember
from shops.services import staff_invitation_accept, staff_invite, staff_leave, staff_remove
from tests.factories import ProductWithSkuFactory, UserFactory, token_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ORIGIN = "http://127.0.0.1"


async def _open(server, path: str, token: str):
    return await websockets.connect(
        server.ws_url + path,
        origin=ORIGIN,
        additional_headers={"Authorization": f"Token {token}"},
        open_timeout=10,
        close_timeout=5,
    )


async def _close_code(ws, timeout: float = 10) -> int | None:
    try:
        while True:
            await asyncio.wait_for(ws.recv(), timeout)
    except websockets.ConnectionClosed:
        return ws.close_code
    except TimeoutError:
        return None


@pytest.mark.parametrize("how", ["removed", "left"])
def test_an_ex_member_s_chat_sockets_close(asgi_server, how):
    product = ProductWithSkuFactory()
    shop = product.shop
    staff, buyer = UserFactory(), UserFactory()
    invitation = staff_invite(shop=shop, invited_by=shop.owner, who=staff.username)
    staff_invitation_accept(invitation_id=invitation.pk, user=staff)
    conversation, _ = conversation_start(buyer=buyer, shop=shop, product=product)
    staff_token, owner_token = token_for(staff), token_for(shop.owner)

    def end_membership():
        if how == "removed":
            staff_remove(member_id=ShopMember.objects.get(user=staff).pk, shop=shop)
        else:
            staff_leave(user=staff)

    async def scenario():
        as_shop = await _open(asgi_server, f"/ws/chat/{conversation.pk}/", staff_token)
        inbox = await _open(asgi_server, "/ws/chat/inbox/", staff_token)
        owners = await _open(asgi_server, f"/ws/chat/{conversation.pk}/", owner_token)
        await asyncio.sleep(0.5)
        await asyncio.get_running_loop().run_in_executor(None, end_membership)
        return await _close_code(as_shop), await _close_code(inbox), await _close_code(owners, timeout=2)

    conversation_code, inbox_code, owner_code = asyncio.run(scenario())

    assert conversation_code == 4404  # the shop's conversation is no longer theirs
    assert inbox_code == 4000  # the inbox reconnects, as a buyer's only
    assert owner_code is None  # the owner's socket stays open

    async def reconnect():
        ws = await _open(asgi_server, f"/ws/chat/{conversation.pk}/", staff_token)
        return await _close_code(ws)

    assert asyncio.run(reconnect()) == 4404

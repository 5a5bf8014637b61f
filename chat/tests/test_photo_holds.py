"""A photo with a QR code (a WeChat or Alipay code takes the deal off the platform) waits for an operator:
its sender sees it, the other side does not, until an operator releases it; a rejected one never arrives."""

import io

import pytest
from django.test import Client

from accounts.models import OperatorAction
from chat.models import Conversation, Message, PhotoHold
from chat.services import conversation_start
from chat.services.photo_holds import held_photo_reject, held_photo_release
from safety.tests.test_qr import qr_photo
from tests.clients import client_for
from tests.factories import ProductWithSkuFactory, UserFactory, image_bytes, upload

pytestmark = pytest.mark.django_db


def qr_jpeg(text: str = "https://u.wechat.com/EKxyz123") -> bytes:
    buffer = io.BytesIO()
    qr_photo(text, angle=5).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


@pytest.fixture
def chat():
    product = ProductWithSkuFactory()
    buyer = UserFactory()
    conversation, _ = conversation_start(buyer=buyer, shop=product.shop, product=product)
    return conversation, buyer, product.shop.owner


def send_photo(conversation, user, picture: bytes):
    url = f"/api/v1/conversations/{conversation.pk}/messages/"
    return client_for(user).post(url, {"image": upload("p.jpg", picture)}, format="multipart")


def listed(conversation, user) -> list[int]:
    body = client_for(user).get(f"/api/v1/conversations/{conversation.pk}/messages/").json()
    return [m["id"] for m in body["results"]]


def test_a_photo_with_a_qr_code_reaches_only_its_sender(chat):
    conversation, buyer, seller = chat
    unread_before = Conversation.objects.get(pk=conversation.pk).shop_unread
    response = send_photo(conversation, buyer, qr_jpeg())
    assert response.status_code == 201
    body = response.json()
    assert body["flags"] == ["photo_held"] and body["image_url"]
    message = Message.objects.get(pk=body["id"])
    assert message.photo_hold == PhotoHold.HELD
    assert [code["text"] for code in message.photo_codes] == ["https://u.wechat.com/EKxyz123"]
    assert body["id"] in listed(conversation, buyer)
    assert body["id"] not in listed(conversation, seller)
    after = Conversation.objects.get(pk=conversation.pk)
    assert after.shop_unread == unread_before and after.last_message_id != body["id"]


def test_an_ordinary_photo_is_delivered(chat):
    conversation, buyer, seller = chat
    response = send_photo(conversation, buyer, image_bytes())
    assert response.status_code == 201 and response.json()["flags"] == []
    assert response.json()["id"] in listed(conversation, seller)


def test_release_delivers_once_and_is_audited(chat, operator):
    conversation, buyer, seller = chat
    held_id = send_photo(conversation, buyer, qr_jpeg()).json()["id"]
    unread_before = Conversation.objects.get(pk=conversation.pk).shop_unread
    released = held_photo_release(message_id=held_id, operator=operator, reason="a shop's own QR menu")
    assert released is not None and released.flags == []
    assert held_id in listed(conversation, seller)
    assert Conversation.objects.get(pk=conversation.pk).shop_unread == unread_before + 1
    assert held_photo_release(message_id=held_id, operator=operator) is None  # twice: nothing more
    assert Conversation.objects.get(pk=conversation.pk).shop_unread == unread_before + 1
    assert OperatorAction.objects.filter(action="chat_photo_release", object_id=str(held_id)).count() == 1


def test_a_rejected_photo_never_reaches_the_other_side(chat, operator):
    conversation, buyer, seller = chat
    held_id = send_photo(conversation, buyer, qr_jpeg("https://qr.alipay.com/fkx12345abcde")).json()["id"]
    assert held_photo_reject(message_id=held_id, operator=operator, reason="Alipay transfer code") is not None
    assert held_photo_release(message_id=held_id, operator=operator) is None
    assert held_id not in listed(conversation, seller)
    mine = client_for(buyer).get(f"/api/v1/conversations/{conversation.pk}/messages/").json()["results"]
    assert [m["flags"] for m in mine if m["id"] == held_id] == [["photo_rejected"]]


def test_operators_release_from_the_admin_queue(chat, operator):
    conversation, buyer, seller = chat
    held_id = send_photo(conversation, buyer, qr_jpeg()).json()["id"]
    delivered_id = send_photo(conversation, buyer, image_bytes()).json()["id"]
    browser = Client()
    browser.force_login(operator)
    page = browser.get("/admin/chat/heldphoto/")
    assert page.status_code == 200
    content = page.content.decode()
    assert f">{held_id}<" in content and "u.wechat.com" in content and f">{delivered_id}<" not in content
    done = browser.post(
        "/admin/chat/heldphoto/", {"action": "release", "_selected_action": [held_id], "reason": "checked"}
    )
    assert done.status_code == 302
    assert Message.objects.get(pk=held_id).photo_hold == PhotoHold.RELEASED
    assert held_id in listed(conversation, seller)
    assert browser.get(f"/admin/chat/heldphoto/{held_id}/change/").status_code == 200


def test_the_conversation_page_tells_the_sender_and_hides_the_photo_from_the_shop(chat):
    from django.urls import reverse

    conversation, buyer, seller = chat
    held_id = send_photo(conversation, buyer, qr_jpeg()).json()["id"]
    buyer_page, seller_page = Client(), Client()
    buyer_page.force_login(buyer)
    seller_page.force_login(seller)
    mine = buyer_page.get(reverse("chat:conversation", args=[conversation.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert mine.status_code == 200
    assert f'data-id="{held_id}"' in mine.content.decode() and "it waits for our team" in mine.content.decode()
    theirs = seller_page.get(reverse("seller:inbox-conversation", args=[conversation.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert theirs.status_code == 200 and f'data-id="{held_id}"' not in theirs.content.decode()

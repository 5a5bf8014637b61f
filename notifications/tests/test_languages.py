"""One translation mechanism: a notification stores its template and values and is rendered with gettext in
the reader's language (the page's, or for pushes and e-mails the recipient's), old notices too."""

from __future__ import annotations

import importlib
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.apps import apps
from django.core import mail
from django.db import connection

from notifications.groups import user_group
from notifications.messages import MESSAGES, message_render
from notifications.models import Notification
from notifications.services import notification_email_send, notify, notify_many
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SHIPPED = {
    "kind": "order_shipped",
    "message": "order_shipped",
    "params": {"number": "20261205007", "carrier": "顺丰", "tracking": "SF7"},
    "url": "/orders/20261205007/",
}
ZH = "你的订单 20261205007 已发货：顺丰 SF7"
EN = "Your order 20261205007 has shipped: 顺丰 SF7"


def test_every_template_has_its_chinese_in_the_one_catalogue():
    for name, template in MESSAGES.items():
        english, chinese = message_render(name, {}, language="en"), message_render(name, {}, language="zh-hans")
        assert english != chinese, f"{name}: {str(template)!r} has no translation in locale/"


def test_the_api_answers_in_the_readers_language_and_a_switch_changes_old_notices(api_client):
    user = UserFactory()
    notify(user_id=user.pk, key="k1", **SHIPPED)
    api_client.force_authenticate(user)
    assert api_client.get("/api/v1/notifications/").json()["results"][0]["text"] == ZH
    english = api_client.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["results"][0]["text"] == EN


def test_the_list_page_follows_the_language_switch(client):
    user = UserFactory()
    notify(user_id=user.pk, key="k1", **SHIPPED)
    client.force_login(user)
    page = client.get("/notifications/").content.decode()
    assert ZH in page
    assert re.search(r'class="faint nowrap">0\xa0分钟前<', page)  # when, as "… ago", on one line
    # the language menu names each language in its own words, whatever the page's language
    assert ">简体中文</option>" in page and ">English</option>" in page and "英语" not in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/notifications/"})
    user.refresh_from_db()
    assert user.language == "en"  # the account follows the switch: pushes and e-mails are English now
    page = client.get("/notifications/").content.decode()
    assert EN in page and ZH not in page
    assert re.search(r'class="faint nowrap">0\xa0minutes ago<', page)
    assert ">简体中文</option>" in page and ">English</option>" in page


def test_the_email_is_written_in_the_recipients_language_only():
    user = UserFactory(language="en")
    notification = notify(user_id=user.pk, key="k1", **SHIPPED)
    assert notification_email_send(notification_id=notification.pk)
    (email,) = mail.outbox
    assert EN in email.body and "Order shipped" in email.subject
    assert ZH not in email.body and "退订" not in email.body
    assert 'lang="en"' in email.alternatives[0][0]


@pytest.mark.django_db(transaction=True)
def test_pushes_are_rendered_in_each_recipients_language(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    chinese, english = UserFactory(), UserFactory(language="en")

    def push_and_listen() -> tuple[dict, dict, dict]:
        # In a thread of its own: a browser test's event loop may own the test's thread.
        try:
            layer = get_channel_layer()
            channels = {}
            for user in (chinese, english):
                channels[user.pk] = async_to_sync(layer.new_channel)()
                async_to_sync(layer.group_add)(user_group(user.pk), channels[user.pk])
            notify(user_id=chinese.pk, key="one", **SHIPPED)
            notify_many(user_ids=[chinese.pk, english.pk], key="many", **SHIPPED)
            first, batch_zh = (async_to_sync(layer.receive)(channels[chinese.pk]) for _ in range(2))
            return first, batch_zh, async_to_sync(layer.receive)(channels[english.pk])
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        first, batch_zh, batch_en = pool.submit(push_and_listen).result(timeout=30)
    assert first["notification"]["text"] == ZH and batch_zh["notification"]["text"] == ZH
    assert batch_en["notification"]["text"] == EN and batch_en["unread"] == 1


def test_rows_written_before_templates_are_read_back_into_template_and_values():
    migration = importlib.import_module("notifications.migrations.0007_message_templates")
    user = UserFactory()
    old = [
        ("order_shipped", "你的订单 20261205007 已发货：顺丰 SF7"),
        ("shop_status", "你的店铺「老王家」已被暂停：假货投诉"),
        ("moderation", "商品「腊肉」已被平台下架：图片侵权。修改后可申请复审。"),
        ("chat_message", "小李 给你发来消息，正在等你回复：在吗 / 还有货吗"),
        ("order_shipped", "something else entirely"),
    ]
    rows = [
        Notification.objects.create(user=user, kind=kind, key=f"old-{i}", text=text)
        for i, (kind, text) in enumerate(old)
    ]

    migration.forwards(apps, None)

    rows = [Notification.objects.get(pk=row.pk) for row in rows]
    assert [row.message for row in rows] == [
        "order_shipped",
        "shop_suspended_reason",
        "product_delisted_reason",
        "chat_waiting",
        "",
    ]
    assert [row.render("zh-hans") for row in rows] == [text for _kind, text in old]  # nothing reads differently
    assert rows[0].render("en") == EN
    assert rows[1].render("en") == "Your shop “老王家” is suspended: 假货投诉"
    assert rows[3].render("en") == "小李 wrote to you and is waiting for an answer: 在吗 / 还有货吗"
    assert rows[4].render("en") == "something else entirely"  # not ours: shown as it was
    migration.backwards(apps, None)
    assert Notification.objects.get(pk=rows[1].pk).text == "你的店铺「老王家」已被暂停：假货投诉"


def test_an_unknown_template_is_refused():
    from common.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        notify(user_id=UserFactory().pk, kind="order_shipped", key="x", message="no_such_template")
